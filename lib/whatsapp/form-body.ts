import type { WhatsAppParams } from "@/db/schema";

/** Largest webhook body accepted, in bytes. Twilio's inbound requests are a few kilobytes. */
export const MAX_FORM_BODY_BYTES = 64 * 1024;

/**
 * Decodes an application/x-www-form-urlencoded body into its parameters in order. A repeated name
 * keeps every value, "+" becomes a space and "%2B" a plus sign, exactly as the sender encoded them,
 * so the signature check gets the values Twilio signed.
 */
export function parseFormBody(body: string): WhatsAppParams {
  return [...new URLSearchParams(body)];
}

/**
 * Groups parameters by name for `twilio.validateRequest`: a name that occurs once maps to its
 * value, a repeated one to the list of its values, which the library sorts before signing.
 */
export function toSignatureParams(params: WhatsAppParams): Record<string, string | string[]> {
  const grouped: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = grouped[name];
    if (existing === undefined) grouped[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else grouped[name] = [existing, value];
  }
  return grouped;
}

/** Returns the first value of a parameter, or undefined. */
export function firstParam(params: WhatsAppParams, name: string): string | undefined {
  return params.find(([candidate]) => candidate === name)?.[1];
}
