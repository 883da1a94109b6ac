import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { categories, type ConversationState } from "@/db/schema";
import { getAppKeyring } from "@/lib/crypto/app-keyring";
import { InvalidToken } from "@/lib/crypto/fernet";
import type { EncryptedText, Keyring } from "@/lib/crypto/keyring";
import { AppError } from "@/lib/errors";
import { SAFE_CONTACT_METHODS } from "@/lib/gbv/confidential-details";
import { ACCOUNT_MAX, CONTACT_DETAILS_MAX, createConfidentialReport, PLACE_MAX, WHEN_MAX } from "@/lib/gbv/create-confidential-report";
import { isCommand, parseChoice } from "../commands";
import { backToMenu, type ConversationContext, type StepOutcome } from "./context";
import { ConfidentialDraft } from "./draft";

// The confidential (GBV) report: emergency numbers first, then the account, when and where it
// happened, and a safe way to make contact. Every detail the resident sends goes straight into the
// encrypted draft. No reply repeats it, and nothing the resident writes is logged.

const ACCOUNT_MIN = 10;

/** Starts the confidential path, or explains that it is unavailable (no encryption key or no sensitive category). */
export async function startConfidentialReport(c: ConversationContext): Promise<StepOutcome> {
  const keyring = availableKeyring(c);
  const [category] = await c.tx
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.tenantId, c.tenant.id), eq(categories.isSensitive, true)))
    .limit(1);
  if (!keyring || !category) {
    c.log.warn({ keyring: keyring !== null, sensitiveCategory: category !== undefined }, "confidential reports are unavailable on WhatsApp");
    return backToMenu([c.t("gbvUnavailable"), c.t("menu")]);
  }
  return { state: "gbv_account", draft: null, encryptedDraft: seal(keyring, {}), replies: [c.t("gbvEmergency"), c.t("gbvIntro")] };
}

/** Handles a message in one of the confidential states. */
export async function continueConfidentialReport(c: ConversationContext): Promise<StepOutcome> {
  const keyring = availableKeyring(c);
  const data = keyring ? unseal(keyring, c.conversation.encryptedDraft) : null;
  if (!keyring || !data) {
    c.log.warn("confidential draft could not be read; the resident starts again");
    return backToMenu([c.t("gbvSessionLost"), c.t("menu")]);
  }

  const state = c.conversation.state;
  const text = c.message.text.trim();
  const notes: string[] = [];
  // Files are not downloaded on this path: evidence of a GBV report is collected by the officer.
  if (c.message.media.length > 0) notes.push(c.t("gbvNoFiles"));
  const skipped = isCommand(text, "skip");
  const place = c.message.location ? describePin(c.message.location) : text;

  let next = data;
  let nextState: ConversationState = state;
  switch (state) {
    case "gbv_account":
      if (text === "") break;
      if (text.length < ACCOUNT_MIN) notes.push(c.t("gbvAccountTooShort"));
      else if (text.length > ACCOUNT_MAX) notes.push(c.t("gbvTooLong", { max: ACCOUNT_MAX }));
      else {
        next = { ...data, account: text };
        nextState = "gbv_when";
      }
      break;
    case "gbv_when":
      if (text === "") break;
      if (!skipped && text.length > WHEN_MAX) notes.push(c.t("gbvTooLong", { max: WHEN_MAX }));
      else {
        next = { ...data, when: skipped ? null : text };
        nextState = "gbv_place";
      }
      break;
    case "gbv_place":
      if (place === "") break;
      if (!skipped && place.length > PLACE_MAX) notes.push(c.t("gbvTooLong", { max: PLACE_MAX }));
      else {
        next = { ...data, place: skipped ? null : place };
        nextState = "gbv_contact_method";
      }
      break;
    case "gbv_contact_method": {
      const choice = parseChoice(text, SAFE_CONTACT_METHODS.length);
      if (choice === null) {
        if (text !== "") notes.push(c.t("notUnderstood"));
        break;
      }
      const method = SAFE_CONTACT_METHODS[choice - 1]!;
      next = { ...data, contactMethod: method, contactDetails: null };
      nextState = method === "do_not_contact" ? "gbv_confirm" : "gbv_contact_details";
      break;
    }
    case "gbv_contact_details":
      if (text === "") break;
      if (!skipped && text.length > CONTACT_DETAILS_MAX) notes.push(c.t("gbvTooLong", { max: CONTACT_DETAILS_MAX }));
      else {
        next = { ...data, contactDetails: skipped ? null : text };
        nextState = "gbv_confirm";
      }
      break;
    case "gbv_confirm":
      if (parseChoice(text, 2) === 1 || isCommand(text, "yes")) return submit(c, keyring, data);
      if (parseChoice(text, 2) === 2 || isCommand(text, "no")) return backToMenu([c.t("gbvDiscarded"), c.t("menu")]);
      if (text !== "") notes.push(c.t("notUnderstood"));
      break;
    default:
      throw new Error(`continueConfidentialReport: ${state} is not a confidential state`);
  }
  return { state: nextState, draft: null, encryptedDraft: seal(keyring, next), replies: [...notes, confidentialPrompt(c, nextState)] };
}

/** Returns the question for a confidential state. None of them repeats what the resident wrote. */
export function confidentialPrompt(c: ConversationContext, state: ConversationState): string {
  switch (state) {
    case "gbv_account":
      return c.t("gbvIntro");
    case "gbv_when":
      return c.t("gbvWhenPrompt");
    case "gbv_place":
      return c.t("gbvPlacePrompt");
    case "gbv_contact_method":
      return c.t("gbvContactMethodPrompt");
    case "gbv_contact_details":
      return c.t("gbvContactDetailsPrompt");
    case "gbv_confirm":
      return c.t("gbvConfirmPrompt");
    default:
      throw new Error(`confidentialPrompt: ${state} is not a confidential state`);
  }
}

async function submit(c: ConversationContext, keyring: Keyring, data: ConfidentialDraft): Promise<StepOutcome> {
  if (data.account === undefined) return backToMenu([c.t("gbvSessionLost"), c.t("menu")]);
  const ticket = await createConfidentialReport(
    c.actor,
    {
      account: data.account,
      when: data.when ?? undefined,
      place: data.place ?? undefined,
      contactMethod: data.contactMethod ?? undefined,
      contactDetails: data.contactDetails ?? undefined,
      attachmentFileIds: [],
    },
    { requestId: c.requestId, channel: "whatsapp" },
    // A transaction is a database handle too; the report's own transaction becomes a savepoint.
    { db: c.tx as Database, keyring },
  );
  c.log.info({ ticketId: ticket.id, reference: ticket.reference }, "whatsapp confidential report filed");
  return backToMenu([c.t("gbvCreated", { reference: ticket.reference })]);
}

function availableKeyring(c: ConversationContext): Keyring | null {
  try {
    return getAppKeyring();
  } catch (error) {
    if (error instanceof AppError && error.code === "unavailable") {
      c.log.warn({ reason: error.message }, "no encryption key for confidential reports");
      return null;
    }
    throw error;
  }
}

function seal(keyring: Keyring, data: ConfidentialDraft): EncryptedText {
  return keyring.encrypt(JSON.stringify(data));
}

/** Decrypts the stored draft; null when there is none, no configured key opens it, or it does not parse. */
function unseal(keyring: Keyring, token: EncryptedText | null): ConfidentialDraft | null {
  if (token === null) return null;
  try {
    const parsed = ConfidentialDraft.safeParse(JSON.parse(keyring.decryptText(token)));
    return parsed.success ? parsed.data : null;
  } catch (error) {
    if (error instanceof InvalidToken || error instanceof SyntaxError) return null;
    throw error;
  }
}

function describePin(location: { latitude: number; longitude: number; address: string | null; label: string | null }): string {
  const named = [location.label, location.address].filter((part) => part !== null).join(", ");
  const pin = `${location.latitude}, ${location.longitude}`;
  return named === "" ? pin : `${named} (${pin})`;
}
