import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { encodeBase64Url } from "./base64url";
import { assertFernetKey, InvalidKey } from "./fernet";
import { Keyring, keyringFromEnv, type KeyringSettings } from "./keyring";

// The process keyring, built once from ENCRYPTION_KEY_CURRENT and ENCRYPTION_KEY_PREVIOUS.
//
// Keys from the environment are read the way Python's `cryptography.fernet.Fernet(key)` reads them
// (cryptography 48.0.0 on Python 3.11), so a key that Python accepts also starts this server and a
// key Python rejects stops it. Python decodes keys with `base64.urlsafe_b64decode`, which ignores
// characters outside the alphabet (a trailing newline), accepts '+' and '/' as well as '-' and '_',
// and ignores anything after the padding, but rejects missing padding. The strict `Fernet` class
// never receives those forms, because each accepted key is re-encoded canonically first.

export interface AppKeyringStartup {
  /** Null outside production when ENCRYPTION_KEY_CURRENT is unset, and confidential reports then fail. */
  keyring: Keyring | null;
  /** Problems that do not stop the start, for the log. They never contain a key. */
  warnings: string[];
}

const PYTHON_BASE64_VALUES: ReadonlyMap<string, number> = new Map(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"]
    .map((character, index) => [character, index] as const)
    .concat([
      ["+", 62],
      ["-", 62],
      ["/", 63],
      ["_", 63],
    ]),
);

/**
 * Decodes text as Python 3.11's `base64.urlsafe_b64decode` does (binascii.a2b_base64 with
 * strict_mode off, after mapping '-' and '_' to '+' and '/'), or returns null where Python raises.
 * Characters outside the alphabet are skipped, decoding stops at the padding that completes a
 * quantum, and a final quantum of 2 or 3 characters without that padding is an error.
 */
export function decodeBase64LikePython(text: string): Buffer | null {
  // Python refuses a str with any non-ASCII character before it decodes.
  if (!/^[\x00-\x7f]*$/.test(text)) return null;

  const bytes: number[] = [];
  let quadPosition = 0;
  let leftover = 0;
  let pads = 0;
  for (const character of text) {
    if (character === "=") {
      if (quadPosition >= 2) {
        pads += 1;
        if (quadPosition + pads >= 4) return Buffer.from(bytes);
      }
      continue;
    }
    const value = PYTHON_BASE64_VALUES.get(character);
    if (value === undefined) continue;
    pads = 0;
    switch (quadPosition) {
      case 0:
        leftover = value;
        quadPosition = 1;
        break;
      case 1:
        bytes.push(((leftover << 2) | (value >> 4)) & 0xff);
        leftover = value & 0x0f;
        quadPosition = 2;
        break;
      case 2:
        bytes.push(((leftover << 4) | (value >> 2)) & 0xff);
        leftover = value & 0x03;
        quadPosition = 3;
        break;
      default:
        bytes.push(((leftover << 6) | value) & 0xff);
        leftover = 0;
        quadPosition = 0;
    }
  }
  return quadPosition === 0 ? Buffer.from(bytes) : null;
}

/** Tells whether Python's `Fernet(key)` accepts the key: it must decode to exactly 32 bytes. */
export function isKeyAcceptedLikePython(key: string): boolean {
  return decodeBase64LikePython(key)?.length === 32;
}

/**
 * Returns the canonical form of a key Python accepts, or throws InvalidKey naming `keyName` (the
 * variable and list position) with the reason. The message never contains the key.
 */
function canonicalKey(key: string, keyName: string, warnings: string[]): string {
  const bytes = decodeBase64LikePython(key);
  if (bytes?.length === 32) {
    const canonical = encodeBase64Url(bytes);
    if (canonical !== key) {
      warnings.push(
        `${keyName} is not written in canonical URL-safe base64 (44 characters from A-Z, a-z, 0-9, '-' and '_', ending in one '='). ` +
          "It decodes to 32 bytes the way Python's Fernet reads keys, so it is used; rewrite it in the canonical form when you next change the setting.",
      );
    }
    return canonical;
  }
  // The strict check rejects every key Python rejects, and its message gives the reason.
  assertFernetKey(key, keyName);
  throw new InvalidKey("wrong_length", `${keyName} is not a valid Fernet key. Generate one with \`npm run keys:generate\`.`);
}

/**
 * Builds the keyring from the settings, or throws InvalidKey. The start-up rules: an invalid key
 * in either variable always stops the start, and so does a missing ENCRYPTION_KEY_CURRENT in
 * production. Elsewhere a missing key is only a warning, and confidential reports fail until it is set.
 */
export function loadAppKeyring(settings: KeyringSettings): AppKeyringStartup {
  const warnings: string[] = [];
  const previous = settings.encryptionKeysPrevious.map((key, index, all) =>
    canonicalKey(key, `ENCRYPTION_KEY_PREVIOUS entry ${index + 1} of ${all.length}`, warnings),
  );
  const current = settings.encryptionKeyCurrent;
  if (current === null || current === "") {
    if (settings.nodeEnv === "production") {
      // keyringFromEnv throws for a missing key, with a message that names the variable and how to make a key.
      keyringFromEnv({ ...settings, encryptionKeysPrevious: previous });
    }
    warnings.push(
      "ENCRYPTION_KEY_CURRENT is not set, so confidential (GBV) reports can be neither stored nor revealed. " +
        "Generate a key with `npm run keys:generate` and set ENCRYPTION_KEY_CURRENT to it (in .env.local for development).",
    );
    return { keyring: null, warnings };
  }

  const keyring = keyringFromEnv({
    ...settings,
    encryptionKeyCurrent: canonicalKey(current, "ENCRYPTION_KEY_CURRENT", warnings),
    encryptionKeysPrevious: previous,
  });
  return { keyring, warnings };
}

// Next.js bundles instrumentation.ts apart from the pages and actions, so the keyring built at
// start lives on globalThis, where both bundles find it.
const globalForKeyring = globalThis as typeof globalThis & { __bikaKeyring?: Keyring | null };

/**
 * Builds the process keyring at server start, or throws InvalidKey so that the start fails.
 * Returns the warnings for the caller to log. instrumentation.ts calls it.
 */
export function startAppKeyring(settings: KeyringSettings = env()): string[] {
  const { keyring, warnings } = loadAppKeyring(settings);
  globalForKeyring.__bikaKeyring = keyring;
  return warnings;
}

/**
 * Runs `startAppKeyring` for instrumentation.ts, and ends the process with status 1 when it throws.
 * Next.js 16.5 logs an error thrown from register() but keeps the server up, returning 500 for
 * every request. The message goes to stderr, because the logger needs a valid configuration too.
 */
export function startAppKeyringOrExit(settings?: KeyringSettings): string[] {
  try {
    return startAppKeyring(settings);
  } catch (error) {
    console.error(`Bika cannot start: ${error instanceof Error ? error.message : String(error)}`);
    return process.exit(1);
  }
}

/**
 * Returns the process keyring, building it from the environment on first use when the start did
 * not (scripts, tests). Throws AppError unavailable when no key is configured or a key is invalid.
 */
export function getAppKeyring(): Keyring {
  if (globalForKeyring.__bikaKeyring === undefined) {
    try {
      globalForKeyring.__bikaKeyring = loadAppKeyring(env()).keyring;
    } catch (error) {
      if (!(error instanceof InvalidKey)) throw error;
      throw new AppError("unavailable", `Confidential reports are unavailable: ${error.message}`, { cause: error });
    }
  }
  const keyring = globalForKeyring.__bikaKeyring;
  if (keyring === null) {
    throw new AppError(
      "unavailable",
      "Confidential reports are unavailable because ENCRYPTION_KEY_CURRENT is not set. Generate a key with `npm run keys:generate` and set it.",
    );
  }
  return keyring;
}

/** Drops the process keyring so the next `getAppKeyring` reads the environment again. For tests. */
export function resetAppKeyringForTests(): void {
  globalForKeyring.__bikaKeyring = undefined;
}
