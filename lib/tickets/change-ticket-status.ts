import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { tickets } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { invalidInput } from "@/lib/http";
import { enqueueTicketStatusNotification } from "@/lib/notifications/ticket-status-notification";
import { TICKET_STATUSES } from "./ticket-summary";

export const ChangeTicketStatusInput = z.object({
  ticketId: z.string(),
  status: z.enum(TICKET_STATUSES, { message: `Status must be one of ${TICKET_STATUSES.join(", ")}.` }),
  note: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.string().trim().max(1000, "Shorten the note to 1000 characters or fewer.").optional(),
  ),
});
export type ChangeTicketStatusInput = z.input<typeof ChangeTicketStatusInput>;

/** Roles that may change a ticket's status. Agents are further kept off sensitive tickets. */
export const STATUS_CHANGE_ROLES = ["agent", "manager", "saps_liaison"] as const;

/**
 * Moves a ticket to another status, audits the change and queues the reporter's WhatsApp
 * notification, all in one transaction. Any status may follow any other, except that a closed
 * ticket stays closed.
 */
export async function changeTicketStatus(
  actor: Actor,
  input: ChangeTicketStatusInput,
  ctx: { requestId: string },
  db?: Database,
): Promise<void> {
  requireRole(actor, STATUS_CHANGE_ROLES);
  const parsed = ChangeTicketStatusInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { ticketId, status, note } = parsed.data;
  if (!z.uuid().safeParse(ticketId).success) throw ticketNotFound(ticketId);

  await withTenant(
    actor.tenantId,
    async (tx) => {
      const [ticket] = await tx
        .select({ id: tickets.id, reference: tickets.reference, status: tickets.status, isSensitive: tickets.isSensitive })
        .from(tickets)
        .where(and(eq(tickets.id, ticketId), eq(tickets.tenantId, actor.tenantId)))
        .limit(1)
        .for("update");
      if (!ticket) throw ticketNotFound(ticketId);

      if (ticket.isSensitive && actor.role === "agent") {
        throw new AppError("forbidden", `Ticket ${ticket.reference} is a confidential report; only a manager or the SAPS liaison may change its status.`);
      }
      if (ticket.status === "closed") {
        throw new AppError("conflict", `Ticket ${ticket.reference} is closed, and a closed ticket cannot change status.`);
      }
      if (ticket.status === status) {
        throw new AppError("invalid_input", `Ticket ${ticket.reference} is already ${status}. Choose a different status.`, {
          fieldErrors: { status: [`The ticket is already ${status}.`] },
        });
      }

      await tx
        .update(tickets)
        .set({ status, updatedAt: new Date() })
        .where(and(eq(tickets.id, ticket.id), eq(tickets.tenantId, actor.tenantId)));

      await writeAuditEvent(tx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: "ticket.status_changed",
        targetType: "ticket",
        targetId: ticket.id,
        requestId: ctx.requestId,
        metadata: { from: ticket.status, to: status, note: note ?? null },
      });

      await enqueueTicketStatusNotification(tx, { tenantId: actor.tenantId, ticketId: ticket.id, status });
    },
    db,
  );
}

function ticketNotFound(ticketId: string): AppError {
  return new AppError("not_found", `Ticket ${JSON.stringify(ticketId)} was not found in this municipality.`);
}
