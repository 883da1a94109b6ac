import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { encryptedText } from "@/lib/crypto/encrypted-column";
import { id, tenantPolicies, timestamps } from "./common";
import { tenants } from "./tenants";
import { tickets, ticketStatus } from "./tickets";
import { languageCode, users } from "./users";

export const whatsappDirection = pgEnum("whatsapp_direction", ["inbound", "outbound"]);

/**
 * Inbound messages are stored as processed, or as failed when their step threw. The claim and the
 * processing commit together, so "received" is never seen today. Outbound TwiML replies are sent.
 */
export const whatsappMessageState = pgEnum("whatsapp_message_state", ["received", "processed", "failed", "sent"]);

/** Raw form parameters in the order Twilio sent them; a name may repeat. */
export type WhatsAppParams = [name: string, value: string][];

/**
 * Every WhatsApp message in or out. An inbound row is the claim on its MessageSid: it is inserted
 * before the message is acted on, and the unique index makes a repeated delivery a no-op.
 */
export const whatsappMessages = pgTable(
  "whatsapp_messages",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    direction: whatsappDirection("direction").notNull(),
    /** Twilio's MessageSid (SM... or MM...); null for a reply sent as TwiML, which Twilio numbers later. */
    messageSid: text("message_sid"),
    /** The resident's number in E.164, whichever way the message went. */
    phone: text("phone").notNull(),
    /**
     * Inbound form parameters as received. In a confidential conversation the values that carry
     * what the resident wrote or where they are (Body, Latitude, Longitude, Address, Label, media
     * URLs, button text) are replaced by "[confidential]" before the row is written. The details
     * themselves reach the database only encrypted, in the draft and then the ticket.
     */
    params: jsonb("params").$type<WhatsAppParams>(),
    /** Text of an outbound reply. Replies never repeat confidential details. */
    body: text("body"),
    /** True when the message belongs to a confidential (GBV) conversation. */
    isConfidential: boolean("is_confidential").notNull().default(false),
    state: whatsappMessageState("state").notNull(),
    /** Reason processing failed, for operators. It never contains what the resident wrote. */
    error: text("error"),
    /** The inbound message an outbound reply responds to. */
    replyToId: uuid("reply_to_id").references((): AnyPgColumn => whatsappMessages.id, { onDelete: "set null" }),
    /** Further deliveries of the same MessageSid that were acknowledged without processing. */
    redeliveries: integer("redeliveries").notNull().default(0),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    /** Idempotency: one row per Twilio message. NULLs (TwiML replies) do not collide. */
    uniqueIndex("whatsapp_messages_message_sid_idx").on(t.messageSid),
    /** A resident's message history with one municipality. */
    index("whatsapp_messages_tenant_id_phone_created_at_idx").on(t.tenantId, t.phone, t.createdAt),
    ...tenantPolicies("whatsapp_messages"),
  ],
).enableRLS();

export const CONVERSATION_STATES = [
  "menu",
  "language",
  "status_reference",
  "report_category",
  "report_description",
  "report_location",
  "report_evidence",
  "report_confirm",
  "gbv_account",
  "gbv_when",
  "gbv_place",
  "gbv_contact_method",
  "gbv_contact_details",
  "gbv_confirm",
] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];
export const conversationState = pgEnum("whatsapp_conversation_state", CONVERSATION_STATES);

/** Position of one resident in the WhatsApp menu of one municipality. */
export const whatsappConversations = pgTable(
  "whatsapp_conversations",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The resident's number in E.164. */
    phone: text("phone").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    state: conversationState("state").notNull().default("menu"),
    /** The report being put together, shaped by lib/whatsapp/conversation/draft.ts. Empty in a confidential conversation. */
    draft: jsonb("draft").$type<Record<string, unknown>>().notNull().default({}),
    /** Fernet token of a confidential report being put together (JSON); null outside the confidential path. */
    encryptedDraft: encryptedText("encrypted_draft"),
    /** Time of the resident's latest message: starts the 24-hour free-text window and the idle restart. */
    lastInboundAt: timestamp("last_inbound_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex("whatsapp_conversations_tenant_id_phone_idx").on(t.tenantId, t.phone), ...tenantPolicies("whatsapp_conversations")],
).enableRLS();

export const notificationPurpose = pgEnum("notification_purpose", ["ticket_status", "media_failed", "verification_outcome"]);
/** free_text inside the 24-hour window after the resident's last message; template outside it. */
export const notificationKind = pgEnum("notification_kind", ["free_text", "template"]);
export const notificationTransport = pgEnum("notification_transport", ["twilio", "outbox"]);
export const notificationStatus = pgEnum("notification_status", [
  "pending",
  "queued",
  "sent",
  "delivered",
  "read",
  "undelivered",
  "failed",
  "outbox",
  "skipped",
]);

/** One WhatsApp message the platform sent a resident on its own initiative, and what became of it. */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    recipientId: uuid("recipient_id").references(() => users.id, { onDelete: "set null" }),
    /** E.164; null when the reporter has no phone number. */
    recipientPhone: text("recipient_phone"),
    purpose: notificationPurpose("purpose").notNull(),
    /** The status a ticket_status notification announces. */
    ticketStatus: ticketStatus("ticket_status"),
    kind: notificationKind("kind").notNull(),
    transport: notificationTransport("transport").notNull(),
    status: notificationStatus("status").notNull().default("pending"),
    /** Free text as sent, or the template rendered for the outbox. Never carries confidential details. */
    body: text("body"),
    locale: languageCode("locale").notNull().default("en"),
    /** Content SID (HX...) of the approved template, for kind template. */
    templateContentSid: text("template_content_sid"),
    templateVariables: jsonb("template_variables").$type<Record<string, string>>(),
    /** SID Twilio gave the message; status callbacks are matched on it. */
    providerMessageSid: text("provider_message_sid"),
    /** Twilio's own status word from the latest response or callback, such as "accepted" or "delivered". */
    providerStatus: text("provider_status"),
    /** Twilio error code, such as 63016 (outside the 24-hour window) or 21211 (invalid number). */
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    statusUpdatedAt: timestamp("status_updated_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("notification_deliveries_provider_message_sid_idx").on(t.providerMessageSid),
    /** Ticket page: a ticket's notifications, newest first. */
    index("notification_deliveries_ticket_id_created_at_idx").on(t.ticketId, t.createdAt),
    ...tenantPolicies("notification_deliveries"),
  ],
).enableRLS();
