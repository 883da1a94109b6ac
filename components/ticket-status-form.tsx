"use client";

import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { changeStatus, type ChangeStatusState } from "@/app/actions/tickets";
import type { TicketStatus } from "@/lib/tickets/ticket-summary";
import { FieldError } from "./field-error";

const NOTE_MAX = 1000;

export interface TicketStatusFormProps {
  ticketId: string;
  currentStatus: TicketStatus;
  /** Every status with its label, in workflow order. */
  options: { value: TicketStatus; label: string }[];
}

/**
 * Renders the dashboard's status change form. The chosen status and the note are controlled, so a
 * rejected change keeps what the staff member typed. A successful change clears the note.
 */
export function TicketStatusForm({ ticketId, currentStatus, options }: TicketStatusFormProps) {
  const [state, formAction, pending] = useActionState<ChangeStatusState, FormData>(changeStatus, null);
  const [status, setStatus] = useState<TicketStatus>(currentStatus);
  const [note, setNote] = useState("");
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (state?.ok) setNote("");
    if (state && !state.ok) resultRef.current?.focus();
  }, [state]);

  // Submitting through onSubmit keeps React from resetting the form after the action, because a
  // reset shows the first option while the state still contains the chosen one. Before hydration
  // the form still posts to the action.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  }

  const statusError = state && !state.ok ? state.fieldErrors?.status?.join(" ") : undefined;
  const noteError = state && !state.ok ? state.fieldErrors?.note?.join(" ") : undefined;
  const changedTo = state?.ok ? options.find((option) => option.value === state.data.status)?.label : undefined;

  return (
    <form action={formAction} onSubmit={onSubmit} className="status-form">
      <input type="hidden" name="ticketId" value={ticketId} />
      <div>
        <label htmlFor="status-select">New status</label>
        <select
          id="status-select"
          name="status"
          value={status}
          onChange={(event) => setStatus(event.target.value as TicketStatus)}
          aria-invalid={statusError ? true : undefined}
          aria-describedby={statusError ? "status-select-error" : undefined}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
              {option.value === currentStatus ? " (current)" : ""}
            </option>
          ))}
        </select>
        <FieldError id="status-select-error" message={statusError} />
      </div>
      <div>
        <label htmlFor="status-note">
          Note <span className="muted">(optional, up to {NOTE_MAX} characters)</span>
        </label>
        <textarea
          id="status-note"
          name="note"
          rows={3}
          maxLength={NOTE_MAX}
          value={note}
          onChange={(event) => setNote(event.target.value)}
          aria-invalid={noteError ? true : undefined}
          aria-describedby={noteError ? "status-note-error" : undefined}
        />
        <FieldError id="status-note-error" message={noteError} />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={pending}>
          {pending ? "Changing status…" : "Change status"}
        </button>
      </div>
      <div ref={resultRef} tabIndex={-1}>
        {state && !state.ok ? (
          <p role="alert" className="error">
            {state.message}
          </p>
        ) : null}
        <p role="status" className="success">
          {changedTo ? `Status changed to ${changedTo}.` : null}
        </p>
      </div>
    </form>
  );
}
