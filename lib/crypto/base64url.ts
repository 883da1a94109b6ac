// URL-safe base64 (RFC 4648 section 5) with '=' padding, the encoding of Fernet keys and tokens.
// Node's "base64url" encoding omits the padding and its decoder skips characters it does not know,
// so both directions go through these two functions instead.

const URL_SAFE_BASE64 = /^[A-Za-z0-9_-]*={0,2}$/;

/** Encodes bytes as URL-safe base64 with '=' padding, the form Python's `base64.urlsafe_b64encode` writes. */
export function encodeBase64Url(bytes: Uint8Array): string {
  const unpadded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
  return unpadded + PADDING[unpadded.length % 4];
}

/** '=' characters that complete unpadded base64 of each length modulo 4 (1 cannot occur). */
const PADDING = ["", "===", "==", "="] as const;

/**
 * Decodes canonical URL-safe base64 with '=' padding, or returns null. Canonical means the text is
 * exactly what `encodeBase64Url` gives for the decoded bytes: no whitespace, no '+' or '/', the full
 * padding, and zero bits in the unused low bits of the last character.
 */
export function decodeBase64Url(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !URL_SAFE_BASE64.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  if (text.length === 0) return bytes;
  // Each full quantum before the last maps one to one onto its 3 bytes, so only the last one can
  // hide stray bits or odd padding. Re-encoding it alone is the same check as re-encoding all.
  const lastQuantumStart = (text.length / 4 - 1) * 3;
  return encodeBase64Url(bytes.subarray(lastQuantumStart)) === text.slice(-4) ? bytes : null;
}
