"use client";

import { useState, useTransition, type FormEvent } from "react";
import { revealDetails } from "@/app/actions/gbv";
import { formatDateTime } from "@/components/format";
import { REVEAL_REASON_MAX, REVEAL_REASON_MIN, SAFE_CONTACT_METHOD_LABELS } from "@/lib/gbv/confidential-details";
import type { RevealedDetails } from "@/lib/gbv/reveal-sensitive-details";

/**
 * Renders the saps_liaison's control for revealing a confidential report: a stated reason and a
 * button. The decrypted details live only in this component's state, so they are gone after "Hide
 * details", a reload or leaving the page. Each reveal is a new, audited request.
 */
export function GbvRevealPanel({ ticketId, reference }: { ticketId: string; reference: string }) {
  const [reason, setReason] = useState("");
  const [details, setDetails] = useState<RevealedDetails | null>(null);
  const [error, setError] = useState<{ message: string; reasonInvalid: boolean } | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    startTransition(async () => {
      const result = await revealDetails(ticketId, reason);
      if (result.ok) {
        setDetails(result.data);
        setError(null);
        setReason("");
        return;
      }
      setDetails(null);
      const reasonMessages = result.fieldErrors?.reason;
      setError({ message: reasonMessages ? reasonMessages.join(" ") : result.message, reasonInvalid: reasonMessages !== undefined });
    });
  }

  return (
    <section aria-labelledby="reveal-heading" className="panel">
      <h2 id="reveal-heading">Confidential details</h2>
      {details ? (
        <RevealedDetailsView details={details} onHide={() => setDetails(null)} />
      ) : (
        <form onSubmit={onSubmit} noValidate autoComplete="off" className="status-form">
          <p>
            The account, place and safe-contact details of {reference} are encrypted. Revealing them records your name, the
            time and your reason in the audit log, which managers can read.
          </p>
          <label htmlFor="reveal-reason">Reason for revealing the details</label>
          <p id="reveal-reason-hint" className="hint">
            At least {REVEAL_REASON_MIN} characters, for example the case number or the step you are about to take.
          </p>
          <textarea
            id="reveal-reason"
            name="reason"
            rows={3}
            autoComplete="off"
            maxLength={REVEAL_REASON_MAX}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            aria-invalid={error?.reasonInvalid ? true : undefined}
            aria-describedby={error ? "reveal-reason-hint reveal-error" : "reveal-reason-hint"}
          />
          {error ? (
            <p id="reveal-error" role="alert" className="field-error">
              {error.message}
            </p>
          ) : null}
          <div>
            <button type="submit" disabled={pending}>
              {pending ? "Revealing…" : "Reveal details"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function RevealedDetailsView({ details, onHide }: { details: RevealedDetails; onHide: () => void }) {
  const revealedAt = new Date(details.revealedAt);
  const contact = details.safeContact;
  return (
    <div data-testid="revealed-details">
      <p className="muted">
        Revealed at <time dateTime={revealedAt.toISOString()}>{formatDateTime(revealedAt)}</time>, audit event{" "}
        <span className="reference-cell">{details.auditEventId}</span>.
      </p>
      <h3>What happened</h3>
      <p className="description">{details.account?.account ?? <span className="muted">Not stored</span>}</p>
      <dl className="facts">
        <dt>When</dt>
        <dd>{details.account?.when ?? <span className="muted">Not given</span>}</dd>
        <dt>Where</dt>
        <dd className="description">{details.place ?? <span className="muted">Not given</span>}</dd>
        <dt>Safe way to make contact</dt>
        <dd>{contact?.method ? SAFE_CONTACT_METHOD_LABELS[contact.method] : <span className="muted">Not given</span>}</dd>
        <dt>Contact details</dt>
        <dd className="description">{contact?.details ?? <span className="muted">Not given</span>}</dd>
      </dl>
      <button type="button" className="secondary" onClick={onHide}>
        Hide details
      </button>
    </div>
  );
}
