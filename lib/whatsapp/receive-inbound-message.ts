import { is } from "drizzle-orm";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import { withTenant, type Database, type Tx } from "@/db/client";
import type { ConversationState, WhatsAppParams } from "@/db/schema";
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
import {
  CACHED_REPLY_COUNTS,
  CLAIM_MESSAGE,
  COUNT_REDELIVERY,
  ensureResident,
  findResident,
  lockConversation,
  markFailed,
  type Resident,
  saveConversation,
  SET_STATEMENT_TIMEOUT,
  storeReplies,
} from "./inbound-statements";
import { whatsappTranslator } from "./messages";

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
      log.info({ fromState: conversation.state, toState: outcome.state, replies: outcome.replies.length, failed: failure !== null, locale }, "whatsapp message processed");
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

/** Describes a processing failure for the message row. For a confidential message it gives only the error's kind. */
function describeFailure(error: unknown, confidential: boolean): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown })?.code;
  const kind = typeof code === "string" ? `${name} (${code})` : name;
  if (confidential || !(error instanceof Error)) return kind;
  return `${kind}: ${error.message}`.slice(0, 1000);
}
