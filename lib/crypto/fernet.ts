import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { decodeBase64Url, encodeBase64Url } from "./base64url";

// Fernet tokens, version 0x80, as the published specification (github.com/fernet/spec, Spec.md)
// defines them and Python's `cryptography.fernet` writes them:
//
//   base64url( 0x80 | timestamp (8 bytes, big-endian Unix seconds) | IV (16 bytes)
//              | AES-128-CBC ciphertext with PKCS #7 padding | HMAC-SHA256 (32 bytes) )
//
// The HMAC covers every byte before it, with the first half of the 32-byte key. The second half is
// the AES key.
//
// Where Python is lenient this module is strict. Python (cryptography 48.0.0) also accepts tokens
// with whitespace, the standard base64 alphabet ('+', '/'), extra '=' or stray bits in the last
// character. No Fernet encoder writes those forms, so rejecting them costs no interoperability, and
// each ciphertext then has exactly one text form. Like Python, a token without its '=' padding is
// rejected.

const VERSION = 0x80;
const TIMESTAMP_BYTES = 8;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;
const HMAC_BYTES = 32;
const KEY_BYTES = 32;
const HEADER_BYTES = 1 + TIMESTAMP_BYTES + IV_BYTES;
/** Header, one cipher block (PKCS #7 always adds at least one byte) and the HMAC. */
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES;
/**
 * How far in the future a token's timestamp may lie when a TTL is checked. Python and the
 * specification's test vectors use the same 60 seconds.
 */
export const MAX_CLOCK_SKEW_SECONDS = 60;

const KEY_ADVICE =
  "A Fernet key is 32 random bytes in URL-safe base64: 44 characters from A-Z, a-z, 0-9, '-' and '_', " +
  "ending in '='. Generate one with `npm run keys:generate`.";

/** Name of the check that rejected a token, for logs and tests. Callers must not tell users which check failed. */
export type InvalidTokenReason =
  | "malformed_base64"
  | "unsupported_version"
  | "too_short"
  | "not_block_aligned"
  | "bad_signature"
  | "expired"
  | "timestamp_in_future"
  | "bad_padding"
  | "invalid_utf8";

/** Any failure to read a token. The message is the same for every cause, and `reason` identifies it. */
export class InvalidToken extends Error {
  readonly reason: InvalidTokenReason;

  constructor(reason: InvalidTokenReason, options: { cause?: unknown } = {}) {
    super("Invalid Fernet token", options);
    this.name = "InvalidToken";
    this.reason = reason;
  }
}

export type InvalidKeyReason =
  | "missing"
  | "not_a_string"
  | "whitespace"
  | "standard_alphabet"
  | "invalid_character"
  | "missing_padding"
  | "bad_padding"
  | "wrong_length"
  | "non_canonical";

/** A Fernet key that is missing or is not 32 bytes of URL-safe base64. The message never contains the key. */
export class InvalidKey extends Error {
  readonly reason: InvalidKeyReason;

  constructor(reason: InvalidKeyReason, message: string) {
    super(message);
    this.name = "InvalidKey";
    this.reason = reason;
  }
}

export interface EncryptOptions {
  /** Time written into the token. Defaults to the system clock. */
  now?: Date;
  /**
   * Fixed IV, for the specification's generate vectors only. Reusing an IV under one key shows
   * which tokens start with the same 16-byte plaintext blocks, so production code must leave it unset.
   */
  iv?: Uint8Array;
}

export interface DecryptOptions {
  /**
   * Maximum token age in whole seconds. When set, a token older than this, or stamped more than
   * MAX_CLOCK_SKEW_SECONDS after `now`, is rejected. Without it, as in Python, no time check is made.
   */
  ttlSeconds?: number;
  /** Clock for the TTL check. Defaults to the system clock. */
  now?: Date;
}

export interface DecryptedToken {
  plaintext: Buffer;
  /** Unix seconds from the token header. A bigint because the field is 64 bits wide. */
  timestamp: bigint;
}

/** Returns a new random key in the form Python's `Fernet.generate_key()` returns. */
export function generateKey(): string {
  return encodeBase64Url(randomBytes(KEY_BYTES));
}

/** Throws InvalidKey, naming the key `keyName`, unless `key` is 32 bytes of URL-safe base64. */
export function assertFernetKey(key: string, keyName: string): void {
  parseKey(key, keyName);
}

/** One Fernet key, ready to encrypt and decrypt tokens. */
export class Fernet {
  readonly #signingKey: Buffer;
  readonly #encryptionKey: Buffer;

  /**
   * Parses `key` (URL-safe base64 of 32 bytes) or throws InvalidKey. `keyName` names the key in
   * that error, for example the environment variable it came from.
   */
  constructor(key: string, options: { keyName?: string } = {}) {
    const bytes = parseKey(key, options.keyName ?? "The key");
    this.#signingKey = bytes.subarray(0, KEY_BYTES / 2);
    this.#encryptionKey = bytes.subarray(KEY_BYTES / 2);
  }

  /** Encrypts bytes, or a string as UTF-8, into a token stamped with the current time. */
  encrypt(plaintext: Uint8Array | string, options: EncryptOptions = {}): string {
    return this.encryptAtTimestamp(plaintext, toUnixSeconds(options.now ?? new Date()), { iv: options.iv });
  }

  /** Encrypts into a token stamped with `timestamp` (Unix seconds). Key rotation uses it to keep the original time. */
  encryptAtTimestamp(plaintext: Uint8Array | string, timestamp: bigint, options: { iv?: Uint8Array } = {}): string {
    const iv = options.iv ?? randomBytes(IV_BYTES);
    if (iv.byteLength !== IV_BYTES) {
      throw new RangeError(`The IV must be ${IV_BYTES} bytes, got ${iv.byteLength}.`);
    }
    if (timestamp < 0n || timestamp >= 2n ** 64n) {
      throw new RangeError(`The timestamp must fit in 64 unsigned bits, got ${timestamp}.`);
    }

    const cipher = createCipheriv("aes-128-cbc", this.#encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(toBytes(plaintext)), cipher.final()]);

    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = VERSION;
    header.writeBigUInt64BE(timestamp, 1);
    header.set(iv, 1 + TIMESTAMP_BYTES);
    const signed = Buffer.concat([header, ciphertext]);
    return encodeBase64Url(Buffer.concat([signed, this.#sign(signed)]));
  }

  /** Decrypts a token into its plaintext bytes, or throws InvalidToken. */
  decrypt(token: string, options: DecryptOptions = {}): Buffer {
    return this.decryptWithTimestamp(token, options).plaintext;
  }

  /** Decrypts a token whose plaintext is UTF-8 text, or throws InvalidToken. */
  decryptText(token: string, options: DecryptOptions = {}): string {
    return toText(this.decrypt(token, options));
  }

  /** Decrypts a token and also returns the time in its header, or throws InvalidToken. */
  decryptWithTimestamp(token: string, options: DecryptOptions = {}): DecryptedToken {
    if (typeof token !== "string") {
      throw new TypeError(`A Fernet token must be a string, got ${typeof token}.`);
    }
    const data = decodeBase64Url(token);
    if (data === null) throw new InvalidToken("malformed_base64");

    if (data.length === 0) throw new InvalidToken("too_short");
    if (data[0] !== VERSION) throw new InvalidToken("unsupported_version");
    if (data.length < MIN_TOKEN_BYTES) throw new InvalidToken("too_short");
    if ((data.length - HEADER_BYTES - HMAC_BYTES) % BLOCK_BYTES !== 0) throw new InvalidToken("not_block_aligned");

    // The HMAC is checked in constant time before anything else reads the payload, so neither the
    // time checks nor the padding check can be probed with forged tokens. The specification checks
    // the age first, but a token fails either way, and only `reason` differs.
    const signed = data.subarray(0, data.length - HMAC_BYTES);
    const mac = data.subarray(data.length - HMAC_BYTES);
    if (!timingSafeEqual(this.#sign(signed), mac)) throw new InvalidToken("bad_signature");

    const timestamp = data.readBigUInt64BE(1);
    if (options.ttlSeconds !== undefined) {
      checkAge(timestamp, options.ttlSeconds, options.now ?? new Date());
    }

    const iv = data.subarray(1 + TIMESTAMP_BYTES, HEADER_BYTES);
    const ciphertext = data.subarray(HEADER_BYTES, data.length - HMAC_BYTES);
    const decipher = createDecipheriv("aes-128-cbc", this.#encryptionKey, iv).setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return { plaintext: removePadding(padded), timestamp };
  }

  #sign(signed: Buffer): Buffer {
    return createHmac("sha256", this.#signingKey).update(signed).digest();
  }
}

/** Converts a JS string to UTF-8 bytes, or throws when it contains a lone surrogate, which UTF-8 cannot carry. */
function toBytes(plaintext: Uint8Array | string): Uint8Array {
  if (typeof plaintext !== "string") return plaintext;
  if (!plaintext.isWellFormed()) {
    throw new TypeError("The plaintext contains a lone UTF-16 surrogate and cannot be encoded as UTF-8.");
  }
  return Buffer.from(plaintext, "utf8");
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes decrypted bytes as UTF-8, or throws InvalidToken when they are not UTF-8 text. */
export function toText(plaintext: Uint8Array): string {
  try {
    return utf8.decode(plaintext);
  } catch (error) {
    throw new InvalidToken("invalid_utf8", { cause: error });
  }
}

function toUnixSeconds(time: Date): bigint {
  const milliseconds = time.getTime();
  if (!Number.isFinite(milliseconds) || milliseconds < 0) {
    throw new RangeError(`The token time must be a valid date from 1970 on, got ${String(time)}.`);
  }
  return BigInt(Math.floor(milliseconds / 1000));
}

function checkAge(timestamp: bigint, ttlSeconds: number, now: Date): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 0) {
    throw new RangeError(`ttlSeconds must be a whole number of seconds, 0 or more, got ${ttlSeconds}.`);
  }
  const nowSeconds = toUnixSeconds(now);
  if (timestamp + BigInt(ttlSeconds) < nowSeconds) throw new InvalidToken("expired");
  if (nowSeconds + BigInt(MAX_CLOCK_SKEW_SECONDS) < timestamp) throw new InvalidToken("timestamp_in_future");
}

/** Strips PKCS #7 padding. The last byte n (1 to 16) is the count of padding bytes, and each of them must equal n. */
function removePadding(padded: Buffer): Buffer {
  const count = padded[padded.length - 1] ?? 0;
  if (count < 1 || count > BLOCK_BYTES) throw new InvalidToken("bad_padding");
  for (let index = padded.length - count; index < padded.length; index += 1) {
    if (padded[index] !== count) throw new InvalidToken("bad_padding");
  }
  return padded.subarray(0, padded.length - count);
}

/** Decodes a key to its 32 bytes, or throws InvalidKey with a message that names the problem and the fix. */
function parseKey(key: string, keyName: string): Buffer {
  const fail = (reason: InvalidKeyReason, problem: string): never => {
    throw new InvalidKey(reason, `${keyName} is not a valid Fernet key: it ${problem}. ${KEY_ADVICE}`);
  };

  if (typeof key !== "string") fail("not_a_string", `is a ${typeof key}, not a string`);
  if (key === "") fail("missing", "is empty");

  const whitespace = key.search(/\s/);
  if (whitespace !== -1) fail("whitespace", `contains whitespace at position ${whitespace + 1}; remove it`);

  const standard = key.search(/[+/]/);
  if (standard !== -1) {
    fail(
      "standard_alphabet",
      `contains '${key[standard]}' at position ${standard + 1}, which belongs to standard base64; ` +
        "the URL-safe alphabet uses '-' in place of '+' and '_' in place of '/'",
    );
  }

  const body = key.replace(/=+$/, "");
  const invalid = body.search(/[^A-Za-z0-9_-]/);
  if (invalid !== -1) {
    fail("invalid_character", `contains a character outside the URL-safe base64 alphabet at position ${invalid + 1}`);
  }

  const byteLength = Math.floor((body.length * 6) / 8);
  if (byteLength !== KEY_BYTES) {
    fail("wrong_length", `decodes to ${byteLength} bytes (${key.length} characters), not ${KEY_BYTES}`);
  }

  const padding = key.length - body.length;
  if (padding === 0) fail("missing_padding", "lacks the '=' padding at the end");
  if (padding !== 1) fail("bad_padding", `ends in ${padding} '=' characters instead of one`);

  const bytes = decodeBase64Url(key);
  if (bytes === null) {
    // Only the last character before '=' is left to check, because its 2 unused low bits must be zero.
    return fail("non_canonical", "has stray bits in its last character before '=', so it is probably mistyped");
  }
  return bytes;
}
