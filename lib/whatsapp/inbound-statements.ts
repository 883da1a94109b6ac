// The statements the WhatsApp webhook runs for every inbound message, built once per process (see
// db/cached-statement.ts), and the functions that run them in the message's transaction.
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { CachedStatement } from "@/db/cached-statement";
import type { Tx } from "@/db/client";
import { users, whatsappConversations, whatsappMessages, type ConversationState } from "@/db/schema";
import type { EncryptedText } from "@/lib/crypto/keyring";
import type { Tenant } from "@/lib/tenants/get-tenant";
import type { ConversationRow, StepOutcome } from "./conversation/context";
import { isConfidentialState } from "./conversation/draft";
import type { InboundMessage } from "./inbound-message";

/** Name given to a resident whose WhatsApp profile has none; the same default as a web sign-up. */
const DEFAULT_RESIDENT_NAME = "Resident";
const NAME_MAX = 100;

/**
 * Limit on each statement of the webhook's transaction, in milliseconds. Twilio gives up on the
 * webhook after 15 s; a stuck statement fails the request well before that instead.
 */
const STATEMENT_TIMEOUT_MS = 8000;

export const SET_STATEMENT_TIMEOUT = new CachedStatement<never>("whatsapp_set_statement_timeout", () => ({
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
export const CLAIM_MESSAGE = new CachedStatement<{ id: string }>("whatsapp_claim_message", (tx) =>
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

export const COUNT_REDELIVERY = new CachedStatement<never>("whatsapp_count_redelivery", (tx) =>
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

export type Resident = { [K in keyof typeof RESIDENT_COLUMNS]: (typeof RESIDENT_COLUMNS)[K]["_"]["data"] };

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
export const CACHED_REPLY_COUNTS = 4;

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

export async function lockConversation(tx: Tx, tenantId: string, phone: string, now: Date): Promise<ConversationRow> {
  const [conversation] = await LOCK_CONVERSATION.run(tx, { tenantId, phone, now });
  if (!conversation) throw new Error("lockConversation: the conversation upsert returned no row");
  return conversation;
}

/** Returns the account with the sender's number in this municipality, the one the resident signs in to on the web with, or null. */
export async function findResident(tx: Tx, tenantId: string, phone: string): Promise<Resident | null> {
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
export async function ensureResident(tx: Tx, tenant: Tenant, message: InboundMessage, existing: Resident | null): Promise<Resident> {
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
export type Send = "now" | "await";

export function saveConversation(tx: Tx, input: { tenantId: string; conversationId: string; userId: string; outcome: StepOutcome; now: Date }, send: Send) {
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

export function markFailed(tx: Tx, tenantId: string, claimId: string, failure: string) {
  return tx
    .update(whatsappMessages)
    .set({ state: "failed", error: failure })
    .where(and(eq(whatsappMessages.id, claimId), eq(whatsappMessages.tenantId, tenantId)))
    .execute();
}

/** Stores each reply as an outbound message that refers to the claim. */
export async function storeReplies(
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
