import { and, eq, sql } from "drizzle-orm";
import { withTenant, type Database, type Tx } from "@/db/client";
import { users, whatsappConversations, whatsappMessages, type ConversationState, type WhatsAppParams } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { env } from "@/lib/env";
import { isLocale, type Locale } from "@/lib/i18n";
import type { Logger } from "@/lib/log";
import { maskPhoneNumber } from "@/lib/phone";
import type { Tenant } from "@/lib/tenants/get-tenant";
import type { ConversationRow, StepOutcome } from "./conversation/context";
import { isConfidentialState, readDraft } from "./conversation/draft";
import { handleConversationMessage } from "./conversation/handle-message";
import { redactConfidentialParams, type InboundMessage } from "./inbound-message";
import { whatsappTranslator } from "./messages";

/** Name given to a resident whose WhatsApp profile has none; the same default as a web sign-up. */
const DEFAULT_RESIDENT_NAME = "Resident";
const NAME_MAX = 100;

/**
 * Limit on each statement of the webhook's transaction, in milliseconds. Twilio gives up on the
 * webhook after 15 s; a stuck statement fails the request well before that instead.
 */
const STATEMENT_TIMEOUT_MS = 8000;

export interface InboundOutcome {
  /** True when this MessageSid was stored before: the delivery is acknowledged and nothing else happens. */
  duplicate: boolean;
  /** Texts to send back as TwiML, in order. */
  replies: string[];
  /** Conversation state after the message; null for a duplicate. */
  state: ConversationState | null;
}

/**
 * Stores an inbound WhatsApp message and acts on it, in one transaction of the message's tenant.
 * The conversation row of the sender is locked first, so the messages of one resident are handled
 * one at a time. Then the message is claimed by inserting it under its unique MessageSid: a second
 * delivery of the same message finds the claim (after waiting for the first to commit) and is
 * acknowledged without processing. Processing runs in a savepoint; if it fails, the message stays
 * stored as failed and the resident is asked to send it again.
 */
export async function receiveInboundMessage(
  input: { tenant: Tenant; message: InboundMessage; params: WhatsAppParams },
  ctx: { requestId: string; log: Logger; now?: Date },
  db?: Database,
): Promise<InboundOutcome> {
  const { tenant, message } = input;
  const now = ctx.now ?? new Date();
  const log = ctx.log.child({ messageSid: message.messageSid, from: maskPhoneNumber(message.from) });

  return withTenant(
    tenant.id,
    async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`));
      const conversation = await lockConversation(tx, tenant.id, message.from, now);
      // A confidential conversation's messages are stored redacted even when it has expired,
      // because the resident may still be writing details.
      const confidential = isConfidentialState(conversation.state);

      const [claim] = await tx
        .insert(whatsappMessages)
        .values({
          tenantId: tenant.id,
          direction: "inbound",
          messageSid: message.messageSid,
          phone: message.from,
          params: confidential ? redactConfidentialParams(input.params) : input.params,
          isConfidential: confidential,
          // Stored as processed at once, which saves a round trip. The claim only becomes visible
          // when the transaction commits, and a failed step below changes it to failed first.
          state: "processed",
          processedAt: now,
          createdAt: now,
        })
        .onConflictDoNothing({ target: whatsappMessages.messageSid })
        .returning({ id: whatsappMessages.id });
      if (!claim) {
        await tx
          .update(whatsappMessages)
          .set({ redeliveries: sql`${whatsappMessages.redeliveries} + 1` })
          .where(and(eq(whatsappMessages.tenantId, tenant.id), eq(whatsappMessages.messageSid, message.messageSid)));
        log.info("repeated delivery acknowledged without processing");
        return { duplicate: true, replies: [], state: null };
      }

      const resident = await findOrCreateResident(tx, tenant, message);
      let locale: Locale = isLocale(resident.preferredLanguage) ? resident.preferredLanguage : "en";
      let outcome: StepOutcome;
      let failure: string | null = null;

      if (resident.role !== "resident") {
        outcome = { state: "menu", draft: null, encryptedDraft: null, replies: [whatsappTranslator(locale)("staffNumber")] };
      } else {
        const actor: Actor = { userId: resident.id, tenantId: tenant.id, tenantSlug: tenant.slug, role: "resident", name: resident.name };
        const t = whatsappTranslator(locale);
        try {
          outcome = await tx.transaction((step) =>
            handleConversationMessage({
              tx: step,
              tenant,
              actor,
              verificationStatus: resident.verificationStatus,
              conversation,
              draft: readDraft(conversation.draft),
              message,
              now,
              t,
              requestId: ctx.requestId,
              log,
              publicBaseUrl: env().publicBaseUrl,
            }),
          );
        } catch (error) {
          failure = describeFailure(error, confidential);
          // The error of a confidential step may quote a query's parameters, so only its kind is logged.
          if (confidential) log.error({ error: failure, state: conversation.state }, "whatsapp message processing failed");
          else log.error({ err: error, state: conversation.state }, "whatsapp message processing failed");
          outcome = {
            state: conversation.state,
            draft: readDraft(conversation.draft),
            encryptedDraft: conversation.encryptedDraft,
            replies: [t("processingFailed")],
          };
        }
      }
      locale = outcome.locale ?? locale;

      await tx
        .update(whatsappConversations)
        .set({
          state: outcome.state,
          draft: outcome.draft ?? {},
          encryptedDraft: outcome.encryptedDraft,
          userId: resident.id,
          lastInboundAt: now,
          updatedAt: now,
        })
        .where(and(eq(whatsappConversations.id, conversation.id), eq(whatsappConversations.tenantId, tenant.id)));
      if (failure !== null) {
        await tx
          .update(whatsappMessages)
          .set({ state: "failed", error: failure })
          .where(and(eq(whatsappMessages.id, claim.id), eq(whatsappMessages.tenantId, tenant.id)));
      }
      if (outcome.replies.length > 0) {
        await tx.insert(whatsappMessages).values(
          outcome.replies.map((body) => ({
            tenantId: tenant.id,
            direction: "outbound" as const,
            phone: message.from,
            body,
            isConfidential: confidential || isConfidentialState(outcome.state),
            state: "sent" as const,
            replyToId: claim.id,
            createdAt: now,
          })),
        );
      }

      log.info({ from: conversation.state, to: outcome.state, replies: outcome.replies.length, failed: failure !== null, locale }, "whatsapp message processed");
      return { duplicate: false, replies: outcome.replies, state: outcome.state };
    },
    db,
  );
}

/**
 * Returns the sender's conversation row, created on first contact, locked until the transaction
 * ends. An upsert whose update writes back the same `updated_at` takes the row lock and returns
 * the row in one statement, so a repeated delivery leaves the row as it was.
 */
async function lockConversation(tx: Tx, tenantId: string, phone: string, now: Date): Promise<ConversationRow> {
  const [conversation] = await tx
    .insert(whatsappConversations)
    .values({ tenantId, phone, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [whatsappConversations.tenantId, whatsappConversations.phone],
      set: { updatedAt: sql`${whatsappConversations.updatedAt}` },
    })
    .returning();
  if (!conversation) throw new Error("lockConversation: the conversation upsert returned no row");
  return conversation;
}

/**
 * Finds the account with the sender's number in this municipality, the one the resident signs in
 * to on the web with, or creates a resident account named after the WhatsApp profile.
 */
async function findOrCreateResident(tx: Tx, tenant: Tenant, message: InboundMessage) {
  const columns = {
    id: users.id,
    name: users.name,
    role: users.role,
    preferredLanguage: users.preferredLanguage,
    verificationStatus: users.verificationStatus,
  };
  const profileName = message.profileName?.replace(/\s+/g, " ").trim().slice(0, NAME_MAX) || null;
  const find = async () => {
    const [user] = await tx
      .select(columns)
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.phone, message.from)))
      .limit(1);
    return user ?? null;
  };

  const existing = await find();
  if (existing) {
    if (existing.role === "resident" && existing.name === DEFAULT_RESIDENT_NAME && profileName) {
      await tx.update(users).set({ name: profileName }).where(and(eq(users.id, existing.id), eq(users.tenantId, tenant.id)));
      return { ...existing, name: profileName };
    }
    return existing;
  }
  // A web sign-in may create the same account at this moment; the unique index decides.
  const [created] = await tx
    .insert(users)
    .values({ tenantId: tenant.id, role: "resident", name: profileName ?? DEFAULT_RESIDENT_NAME, phone: message.from })
    .onConflictDoNothing({ target: [users.tenantId, users.phone], where: sql`${users.phone} is not null` })
    .returning(columns);
  const user = created ?? (await find());
  if (!user) throw new Error("findOrCreateResident: the users insert returned no row and no account was found");
  return user;
}

/** Describes a processing failure for the message row. For a confidential message it gives only the error's kind. */
function describeFailure(error: unknown, confidential: boolean): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown })?.code;
  const kind = typeof code === "string" ? `${name} (${code})` : name;
  if (confidential || !(error instanceof Error)) return kind;
  return `${kind}: ${error.message}`.slice(0, 1000);
}
