import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { notificationDeliveries, whatsappConversations } from "@/db/schema";
import { env } from "@/lib/env";
import type { Locale } from "@/lib/i18n";
import type { Logger } from "@/lib/log";
import { sendResidentMessage } from "@/lib/outbox/send-resident-message";
import { maskPhoneNumber } from "@/lib/phone";
import type { Tenant } from "@/lib/tenants/get-tenant";
import type { TicketStatus } from "@/lib/tickets/ticket-summary";
import { sendWhatsAppThroughTwilio, TwilioSendError } from "@/lib/whatsapp/twilio-client";

/**
 * WhatsApp lets a business send free text only within this many hours of the resident's last
 * message. After that only a pre-approved template may be sent, and Twilio rejects free text with
 * error 63016.
 */
export const FREE_TEXT_WINDOW_HOURS = 24;

/** Path of the delivery-status callback, appended to the Twilio webhook origin (TWILIO_WEBHOOK_BASE_URL or PUBLIC_BASE_URL). */
export const STATUS_CALLBACK_PATH = "/api/whatsapp/status";

export type Delivery = typeof notificationDeliveries.$inferSelect;

export interface WhatsAppNotification {
  tenant: Tenant;
  ticketId: string | null;
  recipientId: string | null;
  /** E.164, or null when the resident has no number on file. */
  recipientPhone: string | null;
  purpose: Delivery["purpose"];
  ticketStatus?: TicketStatus;
  locale: Locale;
  /** The text sent inside the free-text window, and written to the development outbox. */
  body: string;
  /** The approved template sent outside the window; null when the message has none. */
  template: { contentSid: string; variables: Record<string, string> } | null;
}

export interface DeliveryContext {
  log: Logger;
  now: Date;
  /** This job's attempt (1-based) and its last one: a retryable failure before the last attempt throws. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Sends a notification to a resident on WhatsApp and records the delivery in the caller's
 * transaction: as free text within 24 hours of the resident's last message, else as the template.
 * Without Twilio credentials (TWILIO_ACCOUNT_SID unset) the text goes to the development outbox
 * instead. A retryable Twilio failure before the last attempt throws TwilioSendError so the job
 * runs again; any other failure is recorded as failed and returned.
 */
export async function deliverWhatsAppNotification(tx: Tx, notification: WhatsAppNotification, ctx: DeliveryContext): Promise<Delivery> {
  const { tenant } = notification;
  const base = {
    tenantId: tenant.id,
    ticketId: notification.ticketId,
    recipientId: notification.recipientId,
    recipientPhone: notification.recipientPhone,
    purpose: notification.purpose,
    ticketStatus: notification.ticketStatus ?? null,
    locale: notification.locale,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    statusUpdatedAt: ctx.now,
  };
  const phone = notification.recipientPhone;
  if (phone === null) {
    return record(tx, { ...base, kind: "free_text", transport: "outbox", status: "skipped", errorMessage: "The resident has no phone number on file." });
  }
  const log = ctx.log.child({ recipient: maskPhoneNumber(phone), purpose: notification.purpose, ticketId: notification.ticketId });

  const kind = (await isFreeTextWindowOpen(tx, tenant.id, phone, ctx.now)) ? "free_text" : "template";
  const template = kind === "template" ? notification.template : null;
  const content = {
    kind,
    body: notification.body,
    templateContentSid: template?.contentSid ?? null,
    templateVariables: template?.variables ?? null,
  } as const;
  if (kind === "template" && template === null) {
    log.warn("notification not sent: outside the 24-hour window and no template is configured");
    return record(tx, {
      ...base,
      ...content,
      transport: "outbox",
      status: "skipped",
      errorMessage: `The resident last wrote more than ${FREE_TEXT_WINDOW_HOURS} hours ago, so WhatsApp allows only a template, and ${tenant.name} has none configured (tenant setting whatsapp.statusTemplateContentSid).`,
    });
  }

  const settings = env().twilio;
  if (!settings?.accountSid) {
    await sendResidentMessage(tx, { tenantId: tenant.id, channel: "whatsapp", recipient: phone, body: notification.body }, { log });
    return record(tx, { ...base, ...content, transport: "outbox", status: "outbox" });
  }

  try {
    const sent = await sendWhatsAppThroughTwilio(
      { ...settings, accountSid: settings.accountSid },
      {
        from: tenant.whatsappNumber,
        messagingServiceSid: tenant.whatsappNumber === null ? (tenant.settings.whatsapp?.messagingServiceSid ?? null) : null,
        to: phone,
        ...(template ? { contentSid: template.contentSid, contentVariables: template.variables } : { body: notification.body }),
        statusCallback: `${settings.webhookBaseUrl}${STATUS_CALLBACK_PATH}`,
      },
    );
    log.info({ messageSid: sent.sid, kind, providerStatus: sent.status }, "whatsapp notification sent");
    return record(tx, {
      ...base,
      ...content,
      transport: "twilio",
      status: toDeliveryStatus(sent.status),
      providerMessageSid: sent.sid,
      providerStatus: sent.status,
    });
  } catch (error) {
    if (!(error instanceof TwilioSendError)) throw error;
    if (error.retryable && ctx.attempt < ctx.maxAttempts) throw error;
    log.error({ err: error, twilioCode: error.code, kind }, "whatsapp notification failed for good");
    return record(tx, { ...base, ...content, transport: "twilio", status: "failed", errorCode: error.code, errorMessage: error.message.slice(0, 1000) });
  }
}

/** Tells whether the resident wrote to this municipality within the last FREE_TEXT_WINDOW_HOURS. */
export async function isFreeTextWindowOpen(tx: Tx, tenantId: string, phone: string, now: Date): Promise<boolean> {
  const [conversation] = await tx
    .select({ lastInboundAt: whatsappConversations.lastInboundAt })
    .from(whatsappConversations)
    .where(and(eq(whatsappConversations.tenantId, tenantId), eq(whatsappConversations.phone, phone)))
    .limit(1);
  const last = conversation?.lastInboundAt;
  return last != null && now.getTime() - last.getTime() < FREE_TEXT_WINDOW_HOURS * 60 * 60 * 1000;
}

type DeliveryStatus = Delivery["status"];

/** Maps Twilio's message status words to the recorded delivery status. */
export function toDeliveryStatus(twilioStatus: string): DeliveryStatus {
  switch (twilioStatus) {
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
      return "read";
    case "undelivered":
      return "undelivered";
    case "failed":
    case "canceled":
      return "failed";
    default:
      // accepted, scheduled, queued, sending
      return "queued";
  }
}

async function record(tx: Tx, values: typeof notificationDeliveries.$inferInsert): Promise<Delivery> {
  const [row] = await tx.insert(notificationDeliveries).values(values).returning();
  if (!row) throw new Error("deliverWhatsAppNotification: the notification_deliveries insert returned no row");
  return row;
}
