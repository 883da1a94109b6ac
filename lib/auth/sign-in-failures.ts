// Reason codes for a refused resident sign-in. next-auth hands the reason to the sign-in form as
// `?error=`, and the form picks the resident's message from it. Plain data, so client code may import it.

export const RESIDENT_SIGN_IN_FAILURES = [
  "invalid_request",
  "unknown_tenant",
  "wrong_code",
  "code_expired",
  "code_locked",
  "not_resident",
] as const;
export type ResidentSignInFailure = (typeof RESIDENT_SIGN_IN_FAILURES)[number];

export function isResidentSignInFailure(value: unknown): value is ResidentSignInFailure {
  return typeof value === "string" && (RESIDENT_SIGN_IN_FAILURES as readonly string[]).includes(value);
}
