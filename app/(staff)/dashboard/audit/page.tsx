import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { formatDateTime } from "@/components/format";
import { getStaffAccess, StaffOnlyNotice } from "@/components/staff-access";
import { ROLE_LABELS } from "@/components/staff-labels";
import { AppError } from "@/lib/errors";
import { DETAILS_REVEALED, REVEAL_FAILED } from "@/lib/gbv/audit-actions";
import { AUDIT_EVENT_KINDS, AUDIT_LOG_ROLES, listAuditEvents, type AuditEventKind, type AuditEventSummary } from "@/lib/gbv/list-audit-events";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

const KIND_LABELS: Record<AuditEventKind, string> = {
  all: "All access events",
  reveals: "Reveals of confidential details",
  evidence: "Evidence views and downloads",
};

const ACTION_LABELS: Record<string, string> = {
  [DETAILS_REVEALED]: "Revealed confidential details",
  [REVEAL_FAILED]: "Reveal failed: cannot decrypt",
  "attachment.viewed": "Viewed evidence",
  "attachment.original_downloaded": "Downloaded original evidence",
};

// An invalid value from the address is dropped instead of failing the page.
const AuditQuery = z.object({
  kind: z.enum(AUDIT_EVENT_KINDS).catch("all"),
  cursor: z.string().max(500).optional().catch(undefined),
});

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === "" ? undefined : first;
}

function auditHref(params: { kind?: AuditEventKind; cursor?: string }): string {
  const query = new URLSearchParams();
  if (params.kind && params.kind !== "all") query.set("kind", params.kind);
  if (params.cursor) query.set("cursor", params.cursor);
  const text = query.toString();
  return text ? `/dashboard/audit?${text}` : "/dashboard/audit";
}

export default async function AuditPage({ searchParams }: PageProps) {
  const raw = await searchParams;
  const query = AuditQuery.parse({ kind: firstValue(raw.kind) ?? "all", cursor: firstValue(raw.cursor) });
  const { actor, allowed } = await getStaffAccess(auditHref(query));
  if (!allowed) return <StaffOnlyNotice actor={actor} title="Audit log" />;
  if (!(AUDIT_LOG_ROLES as readonly string[]).includes(actor.role)) {
    return (
      <main id="main" className="wide">
        <h1>Audit log</h1>
        <p className="notice" role="alert">
          The audit log is for managers and the SAPS liaison officer. You are signed in as {ROLE_LABELS[actor.role].toLowerCase()}.
        </p>
      </main>
    );
  }

  let page: { items: AuditEventSummary[]; nextCursor: string | null };
  let cursorRejected = false;
  try {
    page = await listAuditEvents(actor, { kind: query.kind, cursor: query.cursor, limit: PAGE_SIZE });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "invalid_input" || !query.cursor) throw error;
    cursorRejected = true;
    page = { items: [], nextCursor: null };
  }

  return (
    <main id="main" className="wide">
      <h1>Audit log</h1>
      <p className="lead">Who revealed confidential report details or opened evidence, when, why and in which request.</p>

      <form method="get" action="/dashboard/audit" className="filters" aria-label="Filter audit events">
        <div>
          <label htmlFor="audit-kind">Events</label>
          <select id="audit-kind" name="kind" defaultValue={query.kind}>
            {AUDIT_EVENT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit">Show</button>
        </div>
      </form>

      {cursorRejected ? (
        <div className="notice" role="alert">
          <p>This page link is not valid any more. Start again from the first page.</p>
          <p>
            <Link href={auditHref({ kind: query.kind })}>First page</Link>
          </p>
        </div>
      ) : page.items.length === 0 ? (
        <p>No events recorded yet.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>{query.cursor ? "Access events, newest first (continued)" : "Access events, newest first"}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">By</th>
                <th scope="col">Ticket</th>
                <th scope="col">Reason</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((event) => (
                <tr key={event.id}>
                  <td className="nowrap">
                    <time dateTime={event.createdAt.toISOString()}>{formatDateTime(event.createdAt)}</time>
                  </td>
                  <td>
                    {ACTION_LABELS[event.action] ?? event.action}
                    {event.ticketIsSensitive ? <span className="tag">Confidential</span> : null}
                  </td>
                  <td>
                    {event.actorName ?? <span className="muted">The system</span>}
                    {event.actorRole ? <span className="muted"> ({ROLE_LABELS[event.actorRole]})</span> : null}
                  </td>
                  <td>
                    {event.ticketId && event.ticketReference ? (
                      <Link href={`/dashboard/tickets/${event.ticketId}`} className="reference-cell">
                        {event.ticketReference}
                      </Link>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                  <td style={{ overflowWrap: "anywhere", maxWidth: "24rem" }}>{event.reason ?? <span className="muted">Not required</span>}</td>
                  <td className="reference-cell">{event.requestId ?? <span className="muted">None</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {!cursorRejected && (query.cursor || page.nextCursor) ? (
        <nav aria-label="Pagination" className="pagination">
          {query.cursor ? <Link href={auditHref({ kind: query.kind })}>First page</Link> : null}
          {page.nextCursor ? (
            <Link href={auditHref({ kind: query.kind, cursor: page.nextCursor })} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
