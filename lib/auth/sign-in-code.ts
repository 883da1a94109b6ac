import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";

// Rules for resident one-time sign-in codes, shared by issuing and verifying.

export const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Wrong tries allowed on one code; after that the code is dead and the resident must request another. */
export const MAX_CODE_ATTEMPTS = 5;
/** Codes one phone number may request in one tenant: 3 per 15 minutes and 10 per 24 hours. */
export const CODE_RATE_LIMITS = [
  { maxCodes: 3, windowMs: 15 * 60 * 1000 },
  { maxCodes: 10, windowMs: 24 * 60 * 60 * 1000 },
] as const;

/** Returns a uniformly random six-digit code, leading zeros kept. */
export function generateSignInCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/**
 * HMAC-SHA256 of the code, keyed with the app secret and bound to the tenant and phone number, so a
 * leaked table reveals no code and a hash cannot be moved to another tenant or number. Hex-encoded.
 */
export function hashSignInCode(input: { tenantId: string; phone: string; code: string }): string {
  return createHmac("sha256", env().appSecret)
    .update(`bika-sign-in-code\n${input.tenantId}\n${input.phone}\n${input.code}`)
    .digest("hex");
}

/** Compares two hex hashes in constant time. */
export function signInCodeHashesMatch(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, "hex");
  const b = Buffer.from(actual, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
