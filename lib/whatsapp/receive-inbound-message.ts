import { and, eq, is, sql } from "drizzle-orm";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
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
 *
 * Nothing leaves the transaction before it commits: the step writes only to the database (jobs
 * included), and the replies go out as TwiML after the commit. So if the transaction rolls back,
 * nothing was acted on and Twilio's retry is processed as new.
 *
 * Statements that do not wait for each other's results are sent together: the lock and the
 * resident lookup, then the claim, the resident's account and the savepoint, then the writes of
 * the outcome. With the begin and the commit that is five round trips to PostgreSQL for a message
 * that needs no query of its own.
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
      const pipelined = is(tx._.session, PostgresJsSession);
      // The timeout must reach the server before the lock, and drizzle does not promise to send
      // statements in the order its builders are executed, so it goes out first on its own.
      const timeout = pipelined ? sendInOrder(tx, { sql: SET_STATEMENT_TIMEOUT, params: [] }, false) : tx.execute(sql.raw(SET_STATEMENT_TIMEOUT));
      const [, conversation, existingResident] = await Promise.all([
        timeout,
        lockConversation(tx, tenant.id, message.from, now),
        findResident(tx, tenant.id, message.from),
      ]);
      // A confidential conversation's messages are stored redacted even when it has expired,
      // because the resident may still be writing details.
      const confidential = isConfidentialState(conversation.state);
      // The account is created or renamed before the savepoint, because the conversation row
      // refers to it and a failed step must not undo it.
      const resident = await ensureResident(tx, tenant, message, existingResident);

      // The claim goes out before the savepoint, in the same round trip, so a failed step cannot
      // undo the claim either. Without pipelining (PGlite) it is awaited first.
      const claimStatement = claimMessage(tx, { tenant, message, params: input.params, confidential, now });
      const claimQuery = pipelined ? handledLater(sendInOrder<{ id: string }>(tx, claimStatement.toSQL(), true)) : Promise.resolve(await claimStatement);

      // `claimed.id` is set once the claim is known to be new. An error before that is not a
      // failure of the step, and fails the whole transaction.
      const claimed: { id?: string } = {};
      let outcome: StepOutcome | null;
      let failure: string | null = null;
      try {
        outcome = await tx.transaction(async (step) => {
          const [claim] = await claimQuery;
          if (!claim) return null;
          claimed.id = claim.id;
          return runStep(step, { tenant, message, conversation, resident, now, requestId: ctx.requestId, log });
        });
      } catch (error) {
        if (claimed.id === undefined) throw error;
        failure = describeFailure(error, confidential);
        // The error of a confidential step may quote a query's parameters, so only its kind is logged.
        if (confidential) log.error({ error: failure, state: conversation.state }, "whatsapp message processing failed");
        else log.error({ err: error, state: conversation.state }, "whatsapp message processing failed");
        outcome = {
          state: conversation.state,
          draft: readDraft(conversation.draft),
          encryptedDraft: conversation.encryptedDraft,
          replies: [translatorFor(resident)("processingFailed")],
        };
      }

      const claimId = claimed.id;
      if (outcome === null || claimId === undefined) {
        await tx
          .update(whatsappMessages)
          .set({ redeliveries: sql`${whatsappMessages.redeliveries} + 1` })
          .where(and(eq(whatsappMessages.tenantId, tenant.id), eq(whatsappMessages.messageSid, message.messageSid)))
          .prepare("whatsapp_count_redelivery")
          .execute();
        log.info("repeated delivery acknowledged without processing");
        return { duplicate: true, replies: [], state: null };
      }

      await Promise.all([
        saveConversation(tx, { tenantId: tenant.id, conversationId: conversation.id, userId: resident.id, outcome, now }),
        failure === null ? null : markFailed(tx, tenant.id, claimId, failure),
        storeReplies(tx, { tenantId: tenant.id, phone: message.from, claimId, outcome, confidential, now }),
      ]);

      const locale = outcome.locale ?? localeOf(resident);
      log.info({ from: conversation.state, to: outcome.state, replies: outcome.replies.length, failed: failure !== null, locale }, "whatsapp message processed");
      return { duplicate: false, replies: outcome.replies, state: outcome.state };
    },
    db,
  );
}

const SET_STATEMENT_TIMEOUT = `set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`;

type Resident = NonNullable<Awaited<ReturnType<typeof findResident>>>;

/**
 * Marks a rejection of `promise` as handled, so that a query whose result is never awaited (because
 * an earlier statement failed) does not end the process as an unhandled rejection. The returned
 * promise still rejects with the same error when it is awaited.
 */
function handledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Sends a statement on the transaction's postgres.js connection at once, so that it reaches the
 * server before any statement issued after this call. Drizzle's builders send after a few
 * microtasks instead. `prepare` makes it a named prepared statement, for text that never varies.
 * Returns the rows with the column names of the statement.
 */
function sendInOrder<T>(tx: Tx, query: { sql: string; params: unknown[] }, prepare: boolean): Promise<T[]> {
  const session = tx._.session;
  if (!is(session, PostgresJsSession)) throw new Error("sendInOrder: the transaction does not run on postgres.js");
  return session.client.unsafe(query.sql, query.params as never[], { prepare }).execute() as unknown as Promise<T[]>;
}

function localeOf(resident: Resident): Locale {
  return isLocale(resident.preferredLanguage) ? resident.preferredLanguage : "en";
}

function translatorFor(resident: Resident) {
  return whatsappTranslator(localeOf(resident));
}

/** Runs the conversation step for a resident, or returns a fixed reply to a staff member's number. */
async function runStep(
  step: Tx,
  input: {
    tenant: Tenant;
    message: InboundMessage;
    conversation: ConversationRow;
    resident: Resident;
    now: Date;
    requestId: string;
    log: Logger;
  },
): Promise<StepOutcome> {
  const { tenant, resident } = input;
  const t = translatorFor(resident);
  if (resident.role !== "resident") return { state: "menu", draft: null, encryptedDraft: null, replies: [t("staffNumber")] };

  const actor: Actor = { userId: resident.id, tenantId: tenant.id, tenantSlug: tenant.slug, role: "resident", name: resident.name };
  return handleConversationMessage({
    tx: step,
    tenant,
    actor,
    verificationStatus: resident.verificationStatus,
    conversation: input.conversation,
    draft: readDraft(input.conversation.draft),
    message: input.message,
    now: input.now,
    t,
    requestId: input.requestId,
    log: input.log,
    publicBaseUrl: env().publicBaseUrl,
  });
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
    .returning()
    .prepare("whatsapp_lock_conversation")
    .execute();
  if (!conversation) throw new Error("lockConversation: the conversation upsert returned no row");
  return conversation;
}

/**
 * Inserts the message under its MessageSid and returns its id, or no row when the MessageSid was
 * stored before. It is stored as processed at once, which saves a round trip: the claim only
 * becomes visible when the transaction commits, and a failed step changes it to failed first.
 */
function claimMessage(tx: Tx, input: { tenant: Tenant; message: InboundMessage; params: WhatsAppParams; confidential: boolean; now: Date }) {
  const { tenant, message, confidential, now } = input;
  return tx
    .insert(whatsappMessages)
    .values({
      tenantId: tenant.id,
      direction: "inbound",
      messageSid: message.messageSid,
      phone: message.from,
      params: confidential ? redactConfidentialParams(input.params) : input.params,
      isConfidential: confidential,
      state: "processed",
      processedAt: now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: whatsappMessages.messageSid })
    .returning({ id: whatsappMessages.id });
}

const RESIDENT_COLUMNS = {
  id: users.id,
  name: users.name,
  role: users.role,
  preferredLanguage: users.preferredLanguage,
  verificationStatus: users.verificationStatus,
};

/** Returns the account with the sender's number in this municipality, the one the resident signs in to on the web with, or null. */
async function findResident(tx: Tx, tenantId: string, phone: string) {
  const [user] = await tx
    .select(RESIDENT_COLUMNS)
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.phone, phone)))
    .limit(1)
    .prepare("whatsapp_find_resident")
    .execute();
  return user ?? null;
}

async function findResidentOrThrow(tx: Tx, tenantId: string, phone: string): Promise<Resident> {
  const user = await findResident(tx, tenantId, phone);
  if (!user) throw new Error("ensureResident: the users insert returned no row and no account was found");
  return user;
}

/**
 * Returns the sender's account, creating a resident account named after the WhatsApp profile when
 * there is none, and naming a default-named resident after the profile.
 */
async function ensureResident(tx: Tx, tenant: Tenant, message: InboundMessage, existing: Resident | null): Promise<Resident> {
  const profileName = message.profileName?.replace(/\s+/g, " ").trim().slice(0, NAME_MAX) || null;
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
    .returning(RESIDENT_COLUMNS);
  return created ?? (await findResidentOrThrow(tx, tenant.id, message.from));
}

function saveConversation(tx: Tx, input: { tenantId: string; conversationId: string; userId: string; outcome: StepOutcome; now: Date }) {
  const { outcome, now } = input;
  return tx
    .update(whatsappConversations)
    .set({
      state: outcome.state,
      draft: outcome.draft ?? {},
      encryptedDraft: outcome.encryptedDraft,
      userId: input.userId,
      lastInboundAt: now,
      updatedAt: now,
    })
    .where(and(eq(whatsappConversations.id, input.conversationId), eq(whatsappConversations.tenantId, input.tenantId)))
    .prepare("whatsapp_save_conversation")
    .execute();
}

function markFailed(tx: Tx, tenantId: string, claimId: string, failure: string) {
  return tx
    .update(whatsappMessages)
    .set({ state: "failed", error: failure })
    .where(and(eq(whatsappMessages.id, claimId), eq(whatsappMessages.tenantId, tenantId)))
    .execute();
}

/** Stores each reply as an outbound message that refers to the claim. */
function storeReplies(
  tx: Tx,
  input: { tenantId: string; phone: string; claimId: string; outcome: StepOutcome; confidential: boolean; now: Date },
) {
  const { outcome } = input;
  if (outcome.replies.length === 0) return null;
  const isConfidential = input.confidential || isConfidentialState(outcome.state);
  return tx
    .insert(whatsappMessages)
    .values(
      outcome.replies.map((body) => ({
        tenantId: input.tenantId,
        direction: "outbound" as const,
        phone: input.phone,
        body,
        isConfidential,
        state: "sent" as const,
        replyToId: input.claimId,
        createdAt: input.now,
      })),
    )
    .prepare("whatsapp_store_replies")
    .execute();
}

/** Describes a processing failure for the message row. For a confidential message it gives only the error's kind. */
function describeFailure(error: unknown, confidential: boolean): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown })?.code;
  const kind = typeof code === "string" ? `${name} (${code})` : name;
  if (confidential || !(error instanceof Error)) return kind;
  return `${kind}: ${error.message}`.slice(0, 1000);
}
