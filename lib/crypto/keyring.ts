import type { Env } from "../env";
import {
  assertFernetKey,
  type DecryptedToken,
  type DecryptOptions,
  Fernet,
  InvalidKey,
  InvalidToken,
  toText,
} from "./fernet";

// The application's keys: one current key that encrypts and any number of previous keys that only
// decrypt, with the semantics of Python's `cryptography.fernet.MultiFernet`.

declare const encryptedTextBrand: unique symbol;

/**
 * A Fernet token made by `Keyring.encrypt` or `Keyring.rotate`, or read from an `encryptedText`
 * column. At run time it is the token string, but the type is deliberately not a string. It cannot
 * be rendered in JSX, passed where text is expected, or written into a plain text column, and a
 * plain string cannot be written into an encrypted column. A cast defeats this, so only this module
 * and the column type cast.
 */
export type EncryptedText = { readonly [encryptedTextBrand]: "EncryptedText" };

export interface KeyringKeys {
  current: string;
  /** Keys that only decrypt, newest first. */
  previous: readonly string[];
}

export class Keyring {
  readonly #current: Fernet;
  readonly #previous: readonly Fernet[];

  /** Parses every key, or throws InvalidKey naming the one that is wrong. */
  constructor(keys: KeyringKeys) {
    this.#current = new Fernet(keys.current, { keyName: "The current key" });
    this.#previous = keys.previous.map(
      (key, index) => new Fernet(key, { keyName: `Previous key ${index + 1} of ${keys.previous.length}` }),
    );
  }

  /** Encrypts bytes, or a string as UTF-8, under the current key. */
  encrypt(plaintext: Uint8Array | string, options: { now?: Date } = {}): EncryptedText {
    return toEncryptedText(this.#current.encrypt(plaintext, { now: options.now }));
  }

  /** Decrypts with the current key, then each previous key, newest first. Throws InvalidToken if none fits. */
  decrypt(token: EncryptedText, options: DecryptOptions = {}): Buffer {
    return this.#decryptWithTimestamp(token, options).plaintext;
  }

  /** Decrypts a token whose plaintext is UTF-8 text. Throws InvalidToken like `decrypt`. */
  decryptText(token: EncryptedText, options: DecryptOptions = {}): string {
    return toText(this.decrypt(token, options));
  }

  /**
   * Re-encrypts a token under the current key with a fresh IV, keeping the timestamp of the
   * original so that TTL checks give the same result before and after. Like Python's
   * `MultiFernet.rotate`, it applies no TTL and re-encrypts tokens already under the current key.
   */
  rotate(token: EncryptedText): EncryptedText {
    const { plaintext, timestamp } = this.#decryptWithTimestamp(token, {});
    return toEncryptedText(this.#current.encryptAtTimestamp(plaintext, timestamp));
  }

  /** Checks whether the current key decrypts the token, so that a rotation run can skip it. Applies no TTL. */
  isCurrent(token: EncryptedText): boolean {
    try {
      this.#current.decrypt(fromEncryptedText(token));
      return true;
    } catch (error) {
      if (error instanceof InvalidToken) return false;
      throw error;
    }
  }

  #decryptWithTimestamp(token: EncryptedText, options: DecryptOptions): DecryptedToken {
    const text = fromEncryptedText(token);
    let failure: InvalidToken | undefined;
    for (const fernet of [this.#current, ...this.#previous]) {
      try {
        return fernet.decryptWithTimestamp(text, options);
      } catch (error) {
        if (!(error instanceof InvalidToken)) throw error;
        // Any other reason comes from the token's structure, or from a key whose HMAC matched, so
        // the remaining keys cannot do better.
        if (error.reason !== "bad_signature") throw error;
        failure = error;
      }
    }
    throw failure ?? new InvalidToken("bad_signature");
  }
}

export type KeyringSettings = Pick<Env, "encryptionKeyCurrent" | "encryptionKeysPrevious" | "nodeEnv">;

/**
 * Builds the keyring from ENCRYPTION_KEY_CURRENT and ENCRYPTION_KEY_PREVIOUS, or throws InvalidKey
 * naming the variable that is missing or invalid. A production server must not start without it.
 * In development and tests the caller decides whether encryption is optional.
 */
export function keyringFromEnv(settings: KeyringSettings): Keyring {
  const current = settings.encryptionKeyCurrent;
  if (current === null || current === "") {
    const consequence =
      settings.nodeEnv === "production"
        ? "The server cannot start in production without it, because sensitive reports are stored only encrypted."
        : "Confidential (GBV) reports cannot be stored without it.";
    throw new InvalidKey(
      "missing",
      `ENCRYPTION_KEY_CURRENT is not set. ${consequence} Generate a key with \`npm run keys:generate\` ` +
        "and set ENCRYPTION_KEY_CURRENT to it (in .env.local for development).",
    );
  }

  // Checked here first only so that an error names the environment variable and the list position.
  assertFernetKey(current, "ENCRYPTION_KEY_CURRENT");
  const previous = settings.encryptionKeysPrevious;
  for (const [index, key] of previous.entries()) {
    assertFernetKey(key, `ENCRYPTION_KEY_PREVIOUS entry ${index + 1} of ${previous.length}`);
  }

  return new Keyring({ current, previous });
}

function toEncryptedText(token: string): EncryptedText {
  return token as unknown as EncryptedText;
}

function fromEncryptedText(token: EncryptedText): string {
  return token as unknown as string;
}
