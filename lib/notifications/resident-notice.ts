import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { LOCALES } from "@/lib/i18n";
import { enqueueJob, type JobContext } from "@/lib/jobs";
import { deliverWhatsAppNotification } from "./deliver-whatsapp-notification";
import { NOTIFICATION_ATTEMPTS } from "./ticket-status-notification";

/**
 * Job kind that sends a resident a one-off WhatsApp notice, such as a file that could not be saved
 * or the decision on a proof of residence sent on WhatsApp.
 */
export const RESIDENT_NOTICE_JOB = "notifications.resident_notice";

const Payload = z.object({
  recipientId: z.uuid(),
  ticketId: z.uuid().nullable(),
  purpose: z.enum(["media_failed", "verification_outcome"]),
  locale: z.enum(LOCALES),
  /** Already in the resident's language. Never confidential details: the job payload is stored in plain text. */
  body: z.string().min(1).max(1600),
});
export type ResidentNotice = z.infer<typeof Payload>;

/** Queues a notice in the caller's transaction. */
export async function enqueueResidentNotice(tx: Tx, tenantId: string, notice: ResidentNotice): Promise<void> {
  await enqueueJob(tx, { tenantId, kind: RESIDENT_NOTICE_JOB, payload: notice, maxAttempts: NOTIFICATION_ATTEMPTS });
}

/** Sends a queued notice as free text. It has no template, so outside the 24-hour window it is recorded as skipped. */
export async function runResidentNotice(payload: Record<string, unknown>, ctx: JobContext): Promise<void> {
  const notice = Payload.parse(payload);
  const [row] = await ctx.tx
    .select({ recipient: { id: users.id, phone: users.phone }, tenant: tenants })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.id, notice.recipientId), eq(users.tenantId, ctx.tenantId)))
    .limit(1);
  if (!row) {
    ctx.log.warn({ recipientId: notice.recipientId }, "resident notice dropped: the account no longer exists");
    return;
  }
  await deliverWhatsAppNotification(
    ctx.tx,
    {
      tenant: row.tenant,
      ticketId: notice.ticketId,
      recipientId: row.recipient.id,
      recipientPhone: row.recipient.phone,
      purpose: notice.purpose,
      locale: notice.locale,
      body: notice.body,
      template: null,
    },
    { log: ctx.log, now: new Date(), attempt: ctx.attempt, maxAttempts: NOTIFICATION_ATTEMPTS },
  );
}
