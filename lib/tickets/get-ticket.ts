import { and, asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { auditEvents, categories, mediaAttachments, tickets, users } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import { STAFF_ROLES, type Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { maySeeSensitiveDetails, ticketCategoryJoin, ticketSummaryColumns, toTicketSummary, type TicketSummary } from "./ticket-summary";

export interface AttachmentSummary {
  fileId: string;
  originalFilename: string;
  /** The type identified from the stored bytes, or the type pinned at upload before it is checked. */
  contentType: string;
  /** Bytes; null until the upload is confirmed. */
  size: number | null;
  state: "pending" | "uploaded" | "processed" | "rejected";
  rejectionReason: string | null;
}

export interface TicketHistoryEntry {
  action: string;
  /** Null for changes the system made on its own. */
  actorName: string | null;
  createdAt: Date;
  metadata: Record<string, unknown>;
}

export interface TicketDetail extends TicketSummary {
  /** WGS-84 decimal degrees; null when unknown, or for a sensitive ticket shown to anyone but saps_liaison. */
  latitude: number | null;
  longitude: number | null;
  channel: "web" | "whatsapp";
  /** Null for a sensitive ticket shown to anyone but saps_liaison, because the name identifies the victim. */
  reporterName: string | null;
  updatedAt: Date;
  /** Empty for a sensitive ticket shown to anyone but saps_liaison; `attachmentCount` still counts them. */
  attachments: AttachmentSummary[];
  /** Audit events about this ticket, oldest first. */
  history: TicketHistoryEntry[];
}

// History metadata that is safe to show on a sensitive ticket to roles other than saps_liaison:
// a status note may repeat the victim's account.
const SENSITIVE_HISTORY_KEYS = new Set(["from", "to", "reference", "channel", "attachmentCount"]);

const reporters = alias(users, "reporters");

/**
 * Returns one ticket of the actor's tenant with its evidence and history. A malformed id, an id of
 * another tenant's ticket and a missing ticket all throw not_found, so ids cannot be probed.
 */
export async function getTicketForStaffOrThrow(actor: Actor, ticketId: string, db?: Database): Promise<TicketDetail> {
  requireRole(actor, STAFF_ROLES);
  if (!z.uuid().safeParse(ticketId).success) throw ticketNotFound(ticketId);

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({
          ...ticketSummaryColumns,
          latitude: tickets.latitude,
          longitude: tickets.longitude,
          channel: tickets.channel,
          updatedAt: tickets.updatedAt,
          reporterName: reporters.name,
        })
        .from(tickets)
        .innerJoin(categories, ticketCategoryJoin)
        .innerJoin(reporters, and(eq(reporters.id, tickets.reporterId), eq(reporters.tenantId, tickets.tenantId)))
        .where(and(eq(tickets.id, ticketId), eq(tickets.tenantId, actor.tenantId)))
        .limit(1);
      if (!row) throw ticketNotFound(ticketId);
      const restricted = row.isSensitive && !maySeeSensitiveDetails(actor);

      const attachments = restricted
        ? []
        : await tx
            .select({
              fileId: mediaAttachments.fileId,
              originalFilename: mediaAttachments.originalFilename,
              contentType: mediaAttachments.contentType,
              sniffedContentType: mediaAttachments.sniffedContentType,
              size: mediaAttachments.size,
              state: mediaAttachments.state,
              rejectionReason: mediaAttachments.rejectionReason,
            })
            .from(mediaAttachments)
            .where(and(eq(mediaAttachments.ticketId, ticketId), eq(mediaAttachments.tenantId, actor.tenantId)))
            .orderBy(asc(mediaAttachments.createdAt), asc(mediaAttachments.id));

      const events = await tx
        .select({ action: auditEvents.action, actorName: users.name, createdAt: auditEvents.createdAt, metadata: auditEvents.metadata })
        .from(auditEvents)
        .leftJoin(users, eq(users.id, auditEvents.actorId))
        .where(
          and(eq(auditEvents.tenantId, actor.tenantId), eq(auditEvents.targetType, "ticket"), eq(auditEvents.targetId, ticketId)),
        )
        .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));

      return {
        ...toTicketSummary(row, actor),
        latitude: restricted ? null : row.latitude,
        longitude: restricted ? null : row.longitude,
        channel: row.channel,
        reporterName: restricted ? null : row.reporterName,
        updatedAt: row.updatedAt,
        attachments: attachments.map(({ sniffedContentType, ...attachment }) => ({
          ...attachment,
          contentType: sniffedContentType ?? attachment.contentType,
        })),
        history: events.map((event) => ({
          ...event,
          metadata: restricted ? pickKeys(event.metadata, SENSITIVE_HISTORY_KEYS) : event.metadata,
        })),
      };
    },
    db,
  );
}

function pickKeys(metadata: Record<string, unknown>, keys: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => keys.has(key)));
}

function ticketNotFound(ticketId: string): AppError {
  return new AppError("not_found", `Ticket ${JSON.stringify(ticketId)} was not found in this municipality.`);
}
