import { z } from "zod";

// The plaintext that a confidential (GBV) report keeps encrypted, and its encoding inside the three
// encrypted ticket columns:
//   encrypted_description   JSON {"account": text, "when": text | null}
//   encrypted_location      UTF-8 text of the place
//   encrypted_safe_contact  JSON {"method": SafeContactMethod | null, "details": text | null}
// Decoding also accepts plain text in the JSON columns, so a report written by another channel as
// bare text still reveals.

/** Text stored in `tickets.description` of every confidential report, in place of the account. */
export const GBV_GENERIC_DESCRIPTION = "GBV incident report";

/** Slug of the seeded sensitive category that confidential reports are filed under. */
export const GBV_CATEGORY_SLUG = "gbv";

/** Maximum lengths, in characters, of what a reporter types. */
export const ACCOUNT_MAX = 4000;
export const WHEN_MAX = 200;
export const PLACE_MAX = 500;
export const CONTACT_DETAILS_MAX = 500;

/** Length limits, in characters, of the reason a saps_liaison states for a reveal. */
export const REVEAL_REASON_MIN = 10;
export const REVEAL_REASON_MAX = 500;

export const SAFE_CONTACT_METHODS = ["phone_call", "sms", "whatsapp", "email", "in_person", "do_not_contact"] as const;
export type SafeContactMethod = (typeof SAFE_CONTACT_METHODS)[number];

export const SAFE_CONTACT_METHOD_LABELS: Record<SafeContactMethod, string> = {
  phone_call: "Phone call",
  sms: "SMS",
  whatsapp: "WhatsApp",
  email: "Email",
  in_person: "In person",
  do_not_contact: "Do not contact",
};

export interface ConfidentialAccount {
  /** The reporter's account of the incident, in their own words. */
  account: string;
  /** When it happened, as the reporter put it; free text because people often know only roughly. */
  when: string | null;
}

export interface SafeContact {
  /** Null when the reporter chose no method. */
  method: SafeContactMethod | null;
  /** Number, address or times at which contact is safe, in the reporter's words. */
  details: string | null;
}

/** Everything a reveal returns, decrypted. */
export interface ConfidentialDetails {
  account: ConfidentialAccount | null;
  place: string | null;
  safeContact: SafeContact | null;
}

const StoredAccount = z.object({ account: z.string(), when: z.string().nullable() });
const StoredSafeContact = z.object({ method: z.enum(SAFE_CONTACT_METHODS).nullable(), details: z.string().nullable() });

export function encodeAccount(value: ConfidentialAccount): string {
  return JSON.stringify({ account: value.account, when: value.when });
}

export function encodeSafeContact(value: SafeContact): string {
  return JSON.stringify({ method: value.method, details: value.details });
}

/** Reads an account written by `encodeAccount`; any other text is taken as the account itself. */
export function decodeAccount(text: string): ConfidentialAccount {
  const parsed = StoredAccount.safeParse(parseJson(text));
  return parsed.success ? parsed.data : { account: text, when: null };
}

/** Reads safe-contact details written by `encodeSafeContact`; any other text becomes the details. */
export function decodeSafeContact(text: string): SafeContact {
  const parsed = StoredSafeContact.safeParse(parseJson(text));
  return parsed.success ? parsed.data : { method: null, details: text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
