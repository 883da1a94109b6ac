"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { decideVerificationAction, type DecideVerificationState } from "@/app/actions/verification";
import { FieldError } from "./field-error";

const REASON_MAX = 1000;

export interface ReviewField {
  name: "holderName" | "accountNumber" | "statementDate" | "streetNumber" | "street" | "suburb" | "city" | "postalCode";
  label: string;
  value: string;
  /** 0..1 from the reader, or null when the reader found nothing. */
  confidence: number | null;
  hint?: string;
}

export interface VerificationDecisionFormProps {
  requestId: string;
  fields: ReviewField[];
}

function confidenceText(confidence: number | null): string {
  return confidence === null ? "not found by the reader" : `read with ${Math.round(confidence * 100)}% confidence`;
}

/**
 * Renders the editable extracted fields with approve and reject buttons. The inputs are controlled,
 * so a rejected decision keeps what the manager typed.
 */
export function VerificationDecisionForm({ requestId, fields }: VerificationDecisionFormProps) {
  const [state, formAction, pending] = useActionState<DecideVerificationState, FormData>(decideVerificationAction, null);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((field) => [field.name, field.value])));
  const [reason, setReason] = useState("");
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (state && !state.ok) resultRef.current?.focus();
  }, [state]);

  const errorFor = (name: string): string | undefined => {
    if (!state || state.ok) return undefined;
    const messages = state.fieldErrors?.[name] ?? state.fieldErrors?.[`fields.${name}`];
    return messages?.join(" ");
  };
  let success: string | null = null;
  if (state?.ok) success = state.data.status === "verified" ? "Approved. The resident is now verified." : "Rejected. A message was sent to the resident.";
  const reasonError = errorFor("reason");

  return (
    <form action={formAction} className="verification-form">
      <input type="hidden" name="id" value={requestId} />
      <fieldset>
        <legend>Extracted fields (edit them to match the document)</legend>
        {fields.map((field) => {
          const inputId = `field-${field.name}`;
          const error = errorFor(field.name);
          return (
            <div key={field.name}>
              <label htmlFor={inputId}>
                {field.label} <span className="muted">({confidenceText(field.confidence)})</span>
              </label>
              <input
                id={inputId}
                name={field.name}
                value={values[field.name] ?? ""}
                onChange={(event) => setValues((current) => ({ ...current, [field.name]: event.target.value }))}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${inputId}-error` : undefined}
                placeholder={field.hint}
              />
              <FieldError id={`${inputId}-error`} message={error} />
            </div>
          );
        })}
      </fieldset>
      <div>
        <label htmlFor="decision-reason">
          Reason <span className="muted">(required to reject, or to approve when a check failed; up to {REASON_MAX} characters; the resident does not see it)</span>
        </label>
        <textarea
          id="decision-reason"
          name="reason"
          rows={3}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? "decision-reason-error" : undefined}
        />
        <FieldError id="decision-reason-error" message={reasonError} />
      </div>
      <div className="form-actions">
        <button type="submit" name="decision" value="approve" disabled={pending}>
          Approve
        </button>
        <button type="submit" name="decision" value="reject" disabled={pending} className="secondary">
          Reject
        </button>
      </div>
      <div ref={resultRef} tabIndex={-1}>
        {state && !state.ok ? (
          <p role="alert" className="error">
            {state.message}
          </p>
        ) : null}
        <p role="status" className="success">
          {success}
        </p>
      </div>
    </form>
  );
}
