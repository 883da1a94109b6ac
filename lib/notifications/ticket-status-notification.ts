import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { tenants, tickets, users } from "@/db/schema";
import { isLocale } from "@/lib/i18n";
import { enqueueJob, type JobContext } from "@/lib/jobs";
import { TICKET_STATUSES, type TicketStatus } from "@/lib/tickets/ticket-summary";
import { whatsappTranslator } from "@/lib/whatsapp/messages";
import { deliverWhatsAppNotification } from "./deliver-whatsapp-notification";

/** Job kind that notifies a ticket's reporter of a status change. */
export const TICKET_STATUS_NOTIFICATION_JOB = "notifications.ticket_status";

/** Attempts before a notification that Twilio keeps rejecting with 429 or 5xx is recorded as failed. */
export const NOTIFICATION_ATTEMPTS = 5;

const Payload = z.object({ ticketId: z.uuid(), status: z.enum(TICKET_STATUSES) });

/**
 * Queues the WhatsApp message that informs the reporter their ticket is now `status`, in the
 * caller's transaction, so it is sent exactly when the status change commits.
 */
export async function enqueueTicketStatusNotification(tx: Tx, input: { tenantId: string; ticketId: string; status: TicketStatus }): Promise<void> {
  await enqueueJob(tx, {
    tenantId: input.tenantId,
    kind: TICKET_STATUS_NOTIFICATION_JOB,
    payload: { ticketId: input.ticketId, status: input.status },
    maxAttempts: NOTIFICATION_ATTEMPTS,
  });
}

/**
 * Sends the status notification in the reporter's language. For a confidential ticket it contains no
 * more than for any other: the reference and the status, never a detail of the report.
 */
export async function runTicketStatusNotification(payload: Record<string, unknown>, ctx: JobContext): Promise<void> {
  const { ticketId, status } = Payload.parse(payload);
  const [row] = await ctx.tx
    .select({ ticket: { id: tickets.id, reference: tickets.reference }, reporter: { id: users.id, phone: users.phone, preferredLanguage: users.preferredLanguage }, tenant: tenants })
    .from(tickets)
    .innerJoin(users, and(eq(users.id, tickets.reporterId), eq(users.tenantId, tickets.tenantId)))
    .innerJoin(tenants, eq(tenants.id, tickets.tenantId))
    .where(and(eq(tickets.id, ticketId), eq(tickets.tenantId, ctx.tenantId)))
    .limit(1);
  if (!row) {
    ctx.log.warn({ ticketId }, "status notification dropped: the ticket no longer exists");
    return;
  }

  const locale = isLocale(row.reporter.preferredLanguage) ? row.reporter.preferredLanguage : "en";
  const t = whatsappTranslator(locale);
  const statusLabel = t.statusLabel(status);
  const contentSid = row.tenant.settings.whatsapp?.statusTemplateContentSid;
  await deliverWhatsAppNotification(
    ctx.tx,
    {
      tenant: row.tenant,
      ticketId: row.ticket.id,
      recipientId: row.reporter.id,
      recipientPhone: row.reporter.phone,
      purpose: "ticket_status",
      ticketStatus: status,
      locale,
      body: t("statusUpdate", { reference: row.ticket.reference, municipality: row.tenant.name, status: statusLabel }),
      // The approved template reads, for example, "Update on your report {{1}}: {{2}}."
      template: contentSid ? { contentSid, variables: { "1": row.ticket.reference, "2": statusLabel } } : null,
    },
    { log: ctx.log, now: new Date(), attempt: ctx.attempt, maxAttempts: NOTIFICATION_ATTEMPTS },
  );
}
