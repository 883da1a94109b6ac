import { and, asc, eq } from "drizzle-orm";
import { withTenant, type Database } from "@/db/client";
import { auditEvents, categories, mediaAttachments, tickets } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { ticketCategoryJoin, ticketSummaryColumns, toTicketSummary, type TicketStatus, type TicketSummary } from "./ticket-summary";

/** Shape of a reference such as TSH-2026-000123, checked before the lookup. The first part is the tenant's code. */
const REFERENCE_SHAPE = /^[A-Z0-9]{1,16}-\d{4}-\d{6,}$/;

/** One evidence file, as shown to its reporter. */
export interface ResidentAttachment {
  fileId: string;
  originalFilename: string;
  contentType: string;
  state: "pending" | "uploaded" | "processed" | "rejected";
  /** Whether a thumbnail has been made, so the page can show it instead of the file's name alone. */
  hasThumbnail: boolean;
}

/** A status change, as shown to the reporter: when and to what, never the staff member or their note. */
export interface ResidentStatusChange {
  status: TicketStatus;
  changedAt: Date;
}

export interface ResidentTicket extends TicketSummary {
  channel: "web" | "whatsapp";
  attachments: ResidentAttachment[];
  /** Status changes, oldest first. */
  statusChanges: ResidentStatusChange[];
}

/**
 * Returns one of the resident's own reports by its reference. Another resident's report, another
 * tenant's, a malformed reference and a confidential report all throw not_found. Confidential
 * reports stay off the web, because a shared phone must not show that one was made.
 */
export async function getTicketForResidentOrThrow(actor: Actor, reference: string, db?: Database): Promise<ResidentTicket> {
  requireRole(actor, ["resident"]);
  const normalised = reference.trim().toUpperCase();
  if (!REFERENCE_SHAPE.test(normalised)) throw reportNotFound(reference);

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({ ...ticketSummaryColumns, channel: tickets.channel })
        .from(tickets)
        .innerJoin(categories, ticketCategoryJoin)
        .where(and(eq(tickets.reference, normalised), eq(tickets.tenantId, actor.tenantId), eq(tickets.reporterId, actor.userId)))
        .limit(1);
      if (!row || row.isSensitive) throw reportNotFound(reference);

      const attachments = await tx
        .select({
          fileId: mediaAttachments.fileId,
          originalFilename: mediaAttachments.originalFilename,
          contentType: mediaAttachments.contentType,
          state: mediaAttachments.state,
          thumbnailKey: mediaAttachments.thumbnailKey,
        })
        .from(mediaAttachments)
        .where(and(eq(mediaAttachments.ticketId, row.id), eq(mediaAttachments.tenantId, actor.tenantId)))
        .orderBy(asc(mediaAttachments.createdAt), asc(mediaAttachments.id));

      const changes = await tx
        .select({ metadata: auditEvents.metadata, createdAt: auditEvents.createdAt })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.tenantId, actor.tenantId),
            eq(auditEvents.targetType, "ticket"),
            eq(auditEvents.targetId, row.id),
            eq(auditEvents.action, "ticket.status_changed"),
          ),
        )
        .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));

      return {
        ...toTicketSummary(row, actor),
        channel: row.channel,
        attachments: attachments.map(({ thumbnailKey, ...attachment }) => ({ ...attachment, hasThumbnail: thumbnailKey !== null })),
        statusChanges: changes.flatMap((change) =>
          typeof change.metadata.to === "string" ? [{ status: change.metadata.to as TicketStatus, changedAt: change.createdAt }] : [],
        ),
      };
    },
    db,
  );
}

function reportNotFound(reference: string): AppError {
  return new AppError("not_found", `Report ${JSON.stringify(reference)} was not found among your reports.`);
}
