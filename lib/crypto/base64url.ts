// URL-safe base64 (RFC 4648 section 5) with '=' padding, the encoding of Fernet keys and tokens.
// Node's "base64url" encoding omits the padding and its decoder skips characters it does not know,
// so both directions go through these two functions instead.

const URL_SAFE_BASE64 = /^[A-Za-z0-9_-]*={0,2}$/;

/** Encodes bytes as URL-safe base64 with '=' padding, the form Python's `base64.urlsafe_b64encode` writes. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("base64")
    .replaceAll("+", "-")
    .replaceAll("/", "_");
}

/**
 * Decodes canonical URL-safe base64 with '=' padding, or returns null. Canonical means the text is
 * exactly what `encodeBase64Url` gives for the decoded bytes: no whitespace, no '+' or '/', the full
 * padding, and zero bits in the unused low bits of the last character.
 */
export function decodeBase64Url(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !URL_SAFE_BASE64.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return encodeBase64Url(bytes) === text ? bytes : null;
}
