import { and, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { auditEvents, mediaAttachments, tickets, users } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor, Role } from "@/lib/auth/types";
import { invalidInput } from "@/lib/http";
import { decodeTicketCursor, encodeTicketCursor } from "@/lib/tickets/ticket-cursor";
import { EVIDENCE_ACCESS_ACTIONS, REVEAL_ACTIONS } from "./audit-actions";

/** Roles that may read the access log of confidential details and evidence. */
export const AUDIT_LOG_ROLES = ["manager", "saps_liaison"] as const satisfies readonly Role[];

export const AUDIT_EVENT_KINDS = ["all", "reveals", "evidence"] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

const ACTIONS_BY_KIND: Record<AuditEventKind, readonly string[]> = {
  all: [...REVEAL_ACTIONS, ...EVIDENCE_ACCESS_ACTIONS],
  reveals: REVEAL_ACTIONS,
  evidence: EVIDENCE_ACCESS_ACTIONS,
};

export const ListAuditEventsInput = z.object({
  kind: z.enum(AUDIT_EVENT_KINDS, { message: `Kind must be one of ${AUDIT_EVENT_KINDS.join(", ")}.` }).default("all"),
  cursor: z.string().max(500, "The page cursor is too long. Start again from the first page.").optional(),
  limit: z.coerce
    .number()
    .int("Page size must be a whole number.")
    .min(1, "Page size must be between 1 and 100.")
    .max(100, "Page size must be between 1 and 100.")
    .default(50),
});
export type ListAuditEventsInput = z.input<typeof ListAuditEventsInput>;

export interface AuditEventSummary {
  id: string;
  action: string;
  /** Null for work the system did on its own. */
  actorName: string | null;
  actorRole: Role | null;
  /** The ticket the event concerns, directly or through its attachment; null when it has none. */
  ticketId: string | null;
  ticketReference: string | null;
  /** True when the ticket is a confidential report. */
  ticketIsSensitive: boolean;
  /** File id of the attachment for evidence-access events. */
  fileId: string | null;
  reason: string | null;
  requestId: string | null;
  createdAt: Date;
}

// Microsecond UTC text for the cursor, so events within one millisecond are neither skipped nor repeated.
const createdAtText = sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Lists the tenant's reveal and evidence-access audit events, newest first, one page at a time,
 * for managers and saps_liaison. `nextCursor` is null on the last page.
 */
export async function listAuditEvents(
  actor: Actor,
  input: ListAuditEventsInput = {},
  db?: Database,
): Promise<{ items: AuditEventSummary[]; nextCursor: string | null }> {
  requireRole(actor, AUDIT_LOG_ROLES);
  const parsed = ListAuditEventsInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { kind, limit } = parsed.data;
  const cursor = parsed.data.cursor ? decodeTicketCursor(parsed.data.cursor) : null;

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const conditions: SQL[] = [eq(auditEvents.tenantId, actor.tenantId), inArray(auditEvents.action, [...ACTIONS_BY_KIND[kind]])];
      if (cursor) {
        conditions.push(sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
      }

      // One row past the page shows whether another page follows.
      const rows = await tx
        .select({
          id: auditEvents.id,
          action: auditEvents.action,
          actorName: users.name,
          actorRole: users.role,
          ticketId: tickets.id,
          ticketReference: tickets.reference,
          ticketIsSensitive: tickets.isSensitive,
          fileId: mediaAttachments.fileId,
          reason: auditEvents.reason,
          requestId: auditEvents.requestId,
          createdAt: auditEvents.createdAt,
          createdAtText,
        })
        .from(auditEvents)
        .leftJoin(users, and(eq(users.id, auditEvents.actorId), eq(users.tenantId, auditEvents.tenantId)))
        .leftJoin(
          mediaAttachments,
          and(
            eq(auditEvents.targetType, "media_attachment"),
            eq(mediaAttachments.id, auditEvents.targetId),
            eq(mediaAttachments.tenantId, auditEvents.tenantId),
          ),
        )
        .leftJoin(
          tickets,
          and(
            eq(tickets.tenantId, auditEvents.tenantId),
            or(and(eq(auditEvents.targetType, "ticket"), eq(tickets.id, auditEvents.targetId)), eq(tickets.id, mediaAttachments.ticketId)),
          ),
        )
        .where(and(...conditions))
        .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
        .limit(limit + 1);

      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last ? encodeTicketCursor({ createdAt: last.createdAtText, id: last.id }) : null;
      return {
        items: page.map(({ createdAtText: _text, ...row }) => ({ ...row, ticketIsSensitive: row.ticketIsSensitive === true })),
        nextCursor,
      };
    },
    db,
  );
}
