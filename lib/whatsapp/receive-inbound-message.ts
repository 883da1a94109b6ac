import { and, eq, getTableColumns, is, sql } from "drizzle-orm";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import { CachedStatement } from "@/db/cached-statement";
import { withTenant, type Database, type Tx } from "@/db/client";
import { users, whatsappConversations, whatsappMessages, type ConversationState, type WhatsAppParams } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import type { EncryptedText } from "@/lib/crypto/keyring";
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
 * resident lookup, then the claim and the savepoint, then the writes of the outcome and the
 * commit. With the begin that is four round trips to PostgreSQL for a known resident whose
 * message needs no query of its own, and one more for a new or renamed resident.
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
      // statements in the order they are executed, so it is sent at once.
      const timeout = pipelined ? SET_STATEMENT_TIMEOUT.sendNow(tx, {}) : SET_STATEMENT_TIMEOUT.run(tx, {});
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
      const claimValues = {
        tenantId: tenant.id,
        messageSid: message.messageSid,
        phone: message.from,
        params: confidential ? redactConfidentialParams(input.params) : input.params,
        isConfidential: confidential,
        now,
      };
      const claimQuery = pipelined ? handledLater(CLAIM_MESSAGE.sendNow(tx, claimValues)) : Promise.resolve(await CLAIM_MESSAGE.run(tx, claimValues));

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

      // With postgres.js the last writes are queued on the connection and not awaited, so the
      // commit goes out in the same round trip. If one of them fails, PostgreSQL turns the commit
      // into a rollback, the transaction rejects and nothing of the message is stored.
      const claimId = claimed.id;
      if (outcome === null || claimId === undefined) {
        const redelivery = { tenantId: tenant.id, messageSid: message.messageSid };
        if (pipelined) handledLater(COUNT_REDELIVERY.sendNow(tx, redelivery));
        else await COUNT_REDELIVERY.run(tx, redelivery);
        log.info("repeated delivery acknowledged without processing");
        return { duplicate: true, replies: [], state: null };
      }

      const conversationUpdate = { tenantId: tenant.id, conversationId: conversation.id, userId: resident.id, outcome, now };
      const replies = { tenantId: tenant.id, phone: message.from, claimId, outcome, confidential, now };
      if (pipelined && failure === null && outcome.replies.length <= CACHED_REPLY_COUNTS) {
        handledLater(saveConversation(tx, conversationUpdate, "now"));
        handledLater(storeReplies(tx, replies, "now"));
      } else {
        await Promise.all([
          saveConversation(tx, conversationUpdate, "await"),
          failure === null ? null : markFailed(tx, tenant.id, claimId, failure),
          storeReplies(tx, replies, "await"),
        ]);
      }

      const locale = outcome.locale ?? localeOf(resident);
      log.info({ from: conversation.state, to: outcome.state, replies: outcome.replies.length, failed: failure !== null, locale }, "whatsapp message processed");
      return { duplicate: false, replies: outcome.replies, state: outcome.state };
    },
    db,
  );
}


/**
 * Marks a rejection of `promise` as handled, so that a query whose result is never awaited (because
 * an earlier statement failed) does not end the process as an unhandled rejection. The returned
 * promise still rejects with the same error when it is awaited.
 */
function handledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
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

// The statements every message runs, built once per process (see db/cached-statement.ts).

const SET_STATEMENT_TIMEOUT = new CachedStatement<never>("whatsapp_set_statement_timeout", () => ({
  toSQL: () => ({ sql: `set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`, params: [] }),
}));

/**
 * Upserts the sender's conversation: an update that writes back the same `updated_at` takes the
 * row lock and returns the row in one statement, and leaves the row as it was.
 */
const LOCK_CONVERSATION = new CachedStatement<ConversationRow>(
  "whatsapp_lock_conversation",
  (tx) =>
    tx
      .insert(whatsappConversations)
      .values({ tenantId: sql.placeholder("tenantId"), phone: sql.placeholder("phone"), createdAt: sql.placeholder("now"), updatedAt: sql.placeholder("now") })
      .onConflictDoUpdate({
        target: [whatsappConversations.tenantId, whatsappConversations.phone],
        set: { updatedAt: sql`${whatsappConversations.updatedAt}` },
      })
      .returning(),
  getTableColumns(whatsappConversations),
);

/**
 * Inserts the message under its MessageSid and returns its id, or no row when the MessageSid was
 * stored before. It is stored as processed at once, which saves a round trip: the claim only
 * becomes visible when the transaction commits, and a failed step changes it to failed first.
 */
const CLAIM_MESSAGE = new CachedStatement<{ id: string }>("whatsapp_claim_message", (tx) =>
  tx
    .insert(whatsappMessages)
    .values({
      tenantId: sql.placeholder("tenantId"),
      direction: "inbound",
      messageSid: sql.placeholder("messageSid"),
      phone: sql.placeholder("phone"),
      params: sql.placeholder("params"),
      isConfidential: sql.placeholder("isConfidential"),
      state: "processed",
      processedAt: sql.placeholder("now"),
      createdAt: sql.placeholder("now"),
    })
    .onConflictDoNothing({ target: whatsappMessages.messageSid })
    .returning({ id: whatsappMessages.id }),
);

const COUNT_REDELIVERY = new CachedStatement<never>("whatsapp_count_redelivery", (tx) =>
  tx
    .update(whatsappMessages)
    .set({ redeliveries: sql`${whatsappMessages.redeliveries} + 1` })
    .where(and(eq(whatsappMessages.tenantId, sql.placeholder("tenantId")), eq(whatsappMessages.messageSid, sql.placeholder("messageSid")))),
);

const RESIDENT_COLUMNS = {
  id: users.id,
  name: users.name,
  role: users.role,
  preferredLanguage: users.preferredLanguage,
  verificationStatus: users.verificationStatus,
};

type Resident = { [K in keyof typeof RESIDENT_COLUMNS]: (typeof RESIDENT_COLUMNS)[K]["_"]["data"] };

const FIND_RESIDENT = new CachedStatement<Resident>(
  "whatsapp_find_resident",
  (tx) =>
    tx
      .select(RESIDENT_COLUMNS)
      .from(users)
      .where(and(eq(users.tenantId, sql.placeholder("tenantId")), eq(users.phone, sql.placeholder("phone"))))
      .limit(1),
  RESIDENT_COLUMNS,
);

/**
 * Returns a placeholder typed as a column value, for `update().set()`. Drizzle 0.45's types do not
 * accept a placeholder there, but at run time it encodes one with the column's mapping like any
 * other value, as it does in `insert().values()`.
 */
function setPlaceholder<T>(name: string): T {
  return sql.placeholder(name) as unknown as T;
}

const SAVE_CONVERSATION = new CachedStatement<never>("whatsapp_save_conversation", (tx) =>
  tx
    .update(whatsappConversations)
    .set({
      state: setPlaceholder<ConversationState>("state"),
      draft: setPlaceholder<Record<string, unknown>>("draft"),
      encryptedDraft: setPlaceholder<EncryptedText | null>("encryptedDraft"),
      userId: setPlaceholder<string>("userId"),
      lastInboundAt: setPlaceholder<Date>("now"),
      updatedAt: setPlaceholder<Date>("now"),
    })
    .where(and(eq(whatsappConversations.id, sql.placeholder("conversationId")), eq(whatsappConversations.tenantId, sql.placeholder("tenantId")))),
);

/** Replies per message with a statement built once; a step with more replies builds its own. */
const CACHED_REPLY_COUNTS = 4;

/** Inserts `count` replies, each an outbound message that refers to the claim. */
const STORE_REPLIES = Array.from(
  { length: CACHED_REPLY_COUNTS },
  (_, index) =>
    new CachedStatement<never>(`whatsapp_store_replies_${index + 1}`, (tx) =>
      tx.insert(whatsappMessages).values(
        Array.from({ length: index + 1 }, (_unused, reply) => ({
          tenantId: sql.placeholder("tenantId"),
          direction: "outbound" as const,
          phone: sql.placeholder("phone"),
          body: sql.placeholder(`body${reply}`),
          isConfidential: sql.placeholder("isConfidential"),
          state: "sent" as const,
          replyToId: sql.placeholder("claimId"),
          createdAt: sql.placeholder("now"),
        })),
      ),
    ),
);

/** Inserts a resident account for the number, or returns no row when the number has one. */
const CREATE_RESIDENT = new CachedStatement<Resident>(
  "whatsapp_create_resident",
  (tx) =>
    tx
      .insert(users)
      .values({ tenantId: sql.placeholder("tenantId"), role: "resident", name: sql.placeholder("name"), phone: sql.placeholder("phone") })
      .onConflictDoNothing({ target: [users.tenantId, users.phone], where: sql`${users.phone} is not null` })
      .returning(RESIDENT_COLUMNS),
  RESIDENT_COLUMNS,
);

async function lockConversation(tx: Tx, tenantId: string, phone: string, now: Date): Promise<ConversationRow> {
  const [conversation] = await LOCK_CONVERSATION.run(tx, { tenantId, phone, now });
  if (!conversation) throw new Error("lockConversation: the conversation upsert returned no row");
  return conversation;
}

/** Returns the account with the sender's number in this municipality, the one the resident signs in to on the web with, or null. */
async function findResident(tx: Tx, tenantId: string, phone: string): Promise<Resident | null> {
  const [user] = await FIND_RESIDENT.run(tx, { tenantId, phone });
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
  const [created] = await CREATE_RESIDENT.run(tx, { tenantId: tenant.id, name: profileName ?? DEFAULT_RESIDENT_NAME, phone: message.from });
  return created ?? (await findResidentOrThrow(tx, tenant.id, message.from));
}

/**
 * Sending mode of an outcome statement: "now" queues it on the postgres.js connection at once
 * (see CachedStatement.sendNow), and "await" runs it through drizzle on any driver.
 */
type Send = "now" | "await";

function saveConversation(tx: Tx, input: { tenantId: string; conversationId: string; userId: string; outcome: StepOutcome; now: Date }, send: Send) {
  const { outcome } = input;
  const statement = send === "now" ? SAVE_CONVERSATION.sendNow.bind(SAVE_CONVERSATION) : SAVE_CONVERSATION.run.bind(SAVE_CONVERSATION);
  return statement(tx, {
    state: outcome.state,
    draft: outcome.draft ?? {},
    encryptedDraft: outcome.encryptedDraft,
    userId: input.userId,
    now: input.now,
    conversationId: input.conversationId,
    tenantId: input.tenantId,
  });
}

function markFailed(tx: Tx, tenantId: string, claimId: string, failure: string) {
  return tx
    .update(whatsappMessages)
    .set({ state: "failed", error: failure })
    .where(and(eq(whatsappMessages.id, claimId), eq(whatsappMessages.tenantId, tenantId)))
    .execute();
}

/** Stores each reply as an outbound message that refers to the claim. */
async function storeReplies(
  tx: Tx,
  input: { tenantId: string; phone: string; claimId: string; outcome: StepOutcome; confidential: boolean; now: Date },
  send: Send,
): Promise<void> {
  const { outcome } = input;
  if (outcome.replies.length === 0) return;
  const isConfidential = input.confidential || isConfidentialState(outcome.state);

  const statement = STORE_REPLIES[outcome.replies.length - 1];
  if (statement) {
    const values: Record<string, unknown> = { tenantId: input.tenantId, phone: input.phone, isConfidential, claimId: input.claimId, now: input.now };
    outcome.replies.forEach((body, index) => (values[`body${index}`] = body));
    if (send === "now") await statement.sendNow(tx, values);
    else await statement.run(tx, values);
    return;
  }
  await tx.insert(whatsappMessages).values(
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
  );
}

/** Describes a processing failure for the message row. For a confidential message it gives only the error's kind. */
function describeFailure(error: unknown, confidential: boolean): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown })?.code;
  const kind = typeof code === "string" ? `${name} (${code})` : name;
  if (confidential || !(error instanceof Error)) return kind;
  return `${kind}: ${error.message}`.slice(0, 1000);
}
