import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { EvidenceList } from "@/components/evidence-list";
import { formatDateTime } from "@/components/format";
import { GbvRevealPanel } from "@/components/gbv-reveal-panel";
import { getStaffAccess, StaffOnlyNotice } from "@/components/staff-access";
import { CHANNEL_LABELS, SENSITIVE_PLACEHOLDER, STATUS_LABELS } from "@/components/staff-labels";
import { TicketStatusForm } from "@/components/ticket-status-form";
import { getActor } from "@/lib/auth/session";
import { isStaff, type Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { getTicketForStaffOrThrow, type TicketDetail, type TicketHistoryEntry } from "@/lib/tickets/get-ticket";
import { maySeeSensitiveDetails, TICKET_STATUSES } from "@/lib/tickets/ticket-summary";
import { getGazetteer, isOutsideTenantArea } from "@/lib/verification/gazetteer";
import { ResidentNotifications } from "./resident-notifications";

interface PageProps {
  params: Promise<{ id: string }>;
}

/** Loads the ticket once per request for both the metadata and the page. Returns null when it is not found. */
const loadTicket = cache(async (actor: Actor, ticketId: string): Promise<TicketDetail | null> => {
  try {
    return await getTicketForStaffOrThrow(actor, ticketId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
});

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const actor = await getActor();
  if (!actor || !isStaff(actor.role)) return { title: "Ticket" };
  const ticket = await loadTicket(actor, (await params).id);
  return { title: ticket ? `Ticket ${ticket.reference}` : "Ticket not found" };
}

export default async function TicketPage({ params }: PageProps) {
  const { id } = await params;
  const { actor, allowed } = await getStaffAccess(`/dashboard/tickets/${id}`);
  if (!allowed) return <StaffOnlyNotice actor={actor} title="Ticket" />;

  const ticket = await loadTicket(actor, id);
  if (!ticket) notFound();

  const restricted = ticket.isSensitive && !maySeeSensitiveDetails(actor);
  // Agents may not change a GBV ticket's status, and changeTicketStatus rejects it as well.
  const mayChangeStatus = !(ticket.isSensitive && actor.role === "agent");
  const statusOptions = TICKET_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

  return (
    <main id="main" className="wide">
      <p>
        <Link href="/dashboard">Back to tickets</Link>
      </p>
      <h1>
        Ticket <span className="reference-cell">{ticket.reference}</span>
      </h1>

      {restricted ? <RestrictedSummary ticket={ticket} /> : <TicketFacts ticket={ticket} tenantSlug={actor.tenantSlug} />}

      {ticket.isSensitive && actor.role === "saps_liaison" ? <GbvRevealPanel ticketId={ticket.id} reference={ticket.reference} /> : null}

      <section aria-labelledby="status-heading" className="panel">
        <h2 id="status-heading">Change status</h2>
        {mayChangeStatus ? (
          <TicketStatusForm ticketId={ticket.id} currentStatus={ticket.status} options={statusOptions} />
        ) : (
          <p>Only a manager or the SAPS liaison officer may change the status of a confidential report.</p>
        )}
      </section>

      <ResidentNotifications actor={actor} ticketId={ticket.id} />

      {restricted ? null : (
        <>
          <EvidenceList attachments={ticket.attachments} role={actor.role} ticketIsSensitive={ticket.isSensitive} />
          <History entries={ticket.history} />
        </>
      )}
    </main>
  );
}

function RestrictedSummary({ ticket }: { ticket: TicketDetail }) {
  return (
    <>
      <p className="notice">
        This is a confidential report. Its details, location, reporter and evidence are visible only to the SAPS liaison
        officer.
      </p>
      <dl className="facts">
        <dt>Reference</dt>
        <dd>{ticket.reference}</dd>
        <dt>Type</dt>
        <dd>{SENSITIVE_PLACEHOLDER}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`status status-${ticket.status}`}>{STATUS_LABELS[ticket.status]}</span>
        </dd>
        <dt>Reported</dt>
        <dd>
          <time dateTime={ticket.createdAt.toISOString()}>{formatDateTime(ticket.createdAt)}</time>
        </dd>
        <dt>Evidence</dt>
        <dd>{fileCount(ticket.attachmentCount)}</dd>
      </dl>
    </>
  );
}

function TicketFacts({ ticket, tenantSlug }: { ticket: TicketDetail; tenantSlug: string }) {
  const hasPosition = ticket.latitude !== null && ticket.longitude !== null;
  const outside = ticket.latitude !== null && ticket.longitude !== null ? isOutsideTenantArea(tenantSlug, ticket.latitude, ticket.longitude) : null;
  return (
    <>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`status status-${ticket.status}`}>{STATUS_LABELS[ticket.status]}</span>
        </dd>
        <dt>Category</dt>
        <dd>
          {ticket.categoryName}
          {ticket.isSensitive ? <span className="tag">Confidential</span> : null}
        </dd>
        <dt>Address</dt>
        <dd>{ticket.addressText ?? <span className="muted">None given</span>}</dd>
        <dt>Coordinates</dt>
        <dd>
          {hasPosition ? (
            <>
              {ticket.latitude?.toFixed(6)}, {ticket.longitude?.toFixed(6)}{" "}
              <a
                href={`https://www.openstreetmap.org/?mlat=${ticket.latitude}&mlon=${ticket.longitude}#map=18/${ticket.latitude}/${ticket.longitude}`}
                target="_blank"
                rel="noreferrer"
              >
                Open in OpenStreetMap
              </a>
              {outside ? (
                <p className="notice" role="note">
                  These coordinates lie well outside {getGazetteer(tenantSlug)?.municipality ?? "this municipality"}. They may come from a
                  photo taken elsewhere; check the address with the resident before sending a team.
                </p>
              ) : null}
            </>
          ) : (
            <span className="muted">None given</span>
          )}
        </dd>
        <dt>Reporter</dt>
        <dd>{ticket.reporterName ?? <span className="muted">Withheld</span>}</dd>
        <dt>Channel</dt>
        <dd>{CHANNEL_LABELS[ticket.channel]}</dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={ticket.createdAt.toISOString()}>{formatDateTime(ticket.createdAt)}</time>
        </dd>
        <dt>Last updated</dt>
        <dd>
          <time dateTime={ticket.updatedAt.toISOString()}>{formatDateTime(ticket.updatedAt)}</time>
        </dd>
      </dl>
      <section aria-labelledby="description-heading">
        <h2 id="description-heading">Description</h2>
        <p className="description">{ticket.description}</p>
      </section>
    </>
  );
}

function History({ entries }: { entries: TicketHistoryEntry[] }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {entries.length === 0 ? (
        <p className="muted">No recorded changes.</p>
      ) : (
        <ol className="history">
          {entries.map((entry, index) => (
            <li key={`${entry.createdAt.toISOString()}-${index}`}>
              <time dateTime={entry.createdAt.toISOString()}>{formatDateTime(entry.createdAt)}</time>{" "}
              <span>{describeEvent(entry)}</span>
              <span className="muted"> by {entry.actorName ?? "the system"}</span>
              {typeof entry.metadata.note === "string" && entry.metadata.note !== "" ? (
                <blockquote className="history-note">{entry.metadata.note}</blockquote>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function describeEvent(entry: TicketHistoryEntry): string {
  const { from, to, channel } = entry.metadata;
  switch (entry.action) {
    case "ticket.created":
      if (channel === "whatsapp") return "Reported on WhatsApp";
      if (channel === "web") return "Reported on the web portal";
      return "Reported";
    case "ticket.status_changed":
      return `Status changed from ${statusLabel(from)} to ${statusLabel(to)}`;
    default:
      return entry.action;
  }
}

function statusLabel(value: unknown): string {
  return typeof value === "string" && value in STATUS_LABELS ? STATUS_LABELS[value as keyof typeof STATUS_LABELS] : String(value);
}

function fileCount(count: number): string {
  return count === 1 ? "1 file" : `${count} files`;
}
