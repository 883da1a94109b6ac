import { z } from "zod";
import { AppError } from "./errors";

// Phone numbers are stored in E.164 (+ then country code and subscriber number, at most 15 digits).
// Residents type South African numbers in national form, so a leading 0 means +27.

const SOUTH_AFRICA = "27";

/** Explains the expected form; shown when a number cannot be read. */
export const PHONE_NUMBER_HINT =
  "Enter a South African mobile number such as 082 555 0123 or +27 82 555 0123, or another country's number starting with + and its country code.";

/** Returns the number in E.164, or null when it cannot be read as a phone number. */
export function parsePhoneNumber(input: string): string | null {
  // Spaces, hyphens, dots and brackets are how people group digits; nothing else may appear.
  const compact = input.trim().replace(/[\s().-]/g, "");
  if (!/^(\+|00)?\d+$/.test(compact)) return null;

  let international: string;
  if (compact.startsWith("+")) international = compact.slice(1);
  else if (compact.startsWith("00")) international = compact.slice(2);
  else if (compact.startsWith("0")) international = SOUTH_AFRICA + compact.slice(1);
  else if (compact.startsWith(SOUTH_AFRICA) && compact.length === 11) international = compact;
  else return null;

  if (international.startsWith(SOUTH_AFRICA)) {
    // "+27 (0)82 ..." keeps the trunk 0 after the country code; dialling drops it.
    if (/^270\d{9}$/.test(international)) international = SOUTH_AFRICA + international.slice(3);
    // A South African national significant number has nine digits and never starts with 0.
    return /^27[1-9]\d{8}$/.test(international) ? `+${international}` : null;
  }
  // Country codes never start with 0; E.164 allows at most 15 digits, and no real number has fewer than 8.
  return /^[1-9]\d{7,14}$/.test(international) ? `+${international}` : null;
}

/** Converts a typed phone number to E.164 ("082 555 0123" -> "+27825550123"), or throws AppError invalid_input. */
export function normalizePhoneNumber(input: string): string {
  const phone = parsePhoneNumber(input);
  if (phone === null) {
    // The number itself stays out of the message because action outcomes are logged.
    throw new AppError("invalid_input", `The phone number is not valid. ${PHONE_NUMBER_HINT}`, {
      fieldErrors: { phone: [PHONE_NUMBER_HINT] },
    });
  }
  return phone;
}

/** A phone number as typed, parsed to E.164. */
export const PhoneNumber = z.string().transform((input, ctx) => {
  const phone = parsePhoneNumber(input);
  if (phone === null) {
    ctx.addIssue({ code: "custom", message: PHONE_NUMBER_HINT });
    return z.NEVER;
  }
  return phone;
});
export type PhoneNumber = z.output<typeof PhoneNumber>;

/** Groups a South African E.164 number the way it is read aloud ("+27 82 555 0123"); other numbers stay as they are. */
export function formatPhoneNumber(e164: string): string {
  const match = /^\+27(\d{2})(\d{3})(\d{4})$/.exec(e164);
  return match ? `+27 ${match[1]} ${match[2]} ${match[3]}` : e164;
}

/** Hides all but the last four digits, for logs ("+27*****0123"). */
export function maskPhoneNumber(e164: string): string {
  if (e164.length <= 7) return "*".repeat(e164.length);
  return `${e164.slice(0, 3)}${"*".repeat(e164.length - 7)}${e164.slice(-4)}`;
}
