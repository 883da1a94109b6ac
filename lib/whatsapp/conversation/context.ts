import type { Tx } from "@/db/client";
import type { ConversationState, whatsappConversations } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import type { EncryptedText } from "@/lib/crypto/keyring";
import type { Locale } from "@/lib/i18n";
import type { Logger } from "@/lib/log";
import type { Tenant } from "@/lib/tenants/get-tenant";
import type { InboundMessage } from "../inbound-message";
import type { WhatsAppTranslator } from "../messages";
import type { Draft } from "./draft";

export type ConversationRow = typeof whatsappConversations.$inferSelect;

/** Everything a conversation step may use. `tx` is a savepoint inside the webhook's transaction. */
export interface ConversationContext {
  tx: Tx;
  tenant: Tenant;
  /** The resident who sent the message. */
  actor: Actor;
  verificationStatus: "unverified" | "pending" | "verified" | "rejected";
  conversation: ConversationRow;
  /** The stored draft, parsed; null when empty or unreadable. */
  draft: Draft | null;
  message: InboundMessage;
  now: Date;
  t: WhatsAppTranslator;
  requestId: string;
  log: Logger;
  /** Origin residents reach the portal at, for links in replies. */
  publicBaseUrl: string;
}

/** Result of a step: the next state, the drafts to store, and the replies to send in order. */
export interface StepOutcome {
  state: ConversationState;
  draft: Draft | null;
  encryptedDraft: EncryptedText | null;
  replies: string[];
  /** Set when the resident chose another language in this step. */
  locale?: Locale;
}

/** Keeps the state and drafts as they are and sends the replies. */
export function stay(c: ConversationContext, replies: string[]): StepOutcome {
  return { state: c.conversation.state, draft: c.draft, encryptedDraft: c.conversation.encryptedDraft, replies };
}

/** Returns to the menu, dropping any draft. */
export function backToMenu(replies: string[]): StepOutcome {
  return { state: "menu", draft: null, encryptedDraft: null, replies };
}
