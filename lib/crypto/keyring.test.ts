import { describe, expect, it } from "vitest";
import { Fernet, InvalidKey, InvalidToken } from "./fernet";
import { type EncryptedText, Keyring, keyringFromEnv } from "./keyring";
import { fromUnixSeconds, pythonInterop, readTokenTimestamp } from "./testing/fernet-fixtures";

const { keys, multifernet } = pythonInterop;
const MADE_AT = new Date("2026-11-30T08:00:00Z");

/** Treats a fixture token as stored ciphertext, as the encryptedText column does for database values. */
function stored(token: string): EncryptedText {
  return token as unknown as EncryptedText;
}

function tokenText(token: EncryptedText): string {
  return token as unknown as string;
}

/** Returns what `action` throws, or undefined when it returns. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function rotationKeyring(): Keyring {
  return new Keyring({ current: keys.primary, previous: [keys.previous] });
}

describe("keyring python multifernet", () => {
  it("decrypt with previous key", () => {
    const { token, plaintext } = multifernet.decrypt_with_previous_key;

    expect(rotationKeyring().decryptText(stored(token))).toBe(plaintext);
    expect(() => new Fernet(keys.primary).decrypt(token)).toThrow(InvalidToken);
    expect(new Fernet(keys.previous).decryptText(token)).toBe(plaintext);
  });

  it("previous key token past ttl", () => {
    const { token } = multifernet.decrypt_with_previous_key;

    const error = thrownBy(() => rotationKeyring().decrypt(stored(token), { ttlSeconds: 3600, now: MADE_AT }));

    expect(error).toBeInstanceOf(InvalidToken);
    expect((error as InvalidToken).reason).toBe("expired");
  });

  it("python rotate output", () => {
    const { output_token: token, plaintext, output_timestamp: timestamp } = multifernet.rotate;

    expect(new Fernet(keys.primary).decryptText(token)).toBe(plaintext);
    expect(() => new Fernet(keys.previous).decrypt(token)).toThrow(InvalidToken);
    expect(readTokenTimestamp(token)).toBe(timestamp);
    expect(rotationKeyring().isCurrent(stored(token))).toBe(true);
  });

  it("python encrypt output", () => {
    const { token, plaintext } = multifernet.encrypt_with_primary;

    expect(new Fernet(keys.primary).decryptText(token)).toBe(plaintext);
    expect(() => new Fernet(keys.previous).decrypt(token)).toThrow(InvalidToken);
    expect(rotationKeyring().decryptText(stored(token))).toBe(plaintext);
  });

  it("keys in python order", () => {
    expect(multifernet.keys_in_order).toEqual(["primary", "previous"]);
  });

  it.each(pythonInterop.invalid)("reject $id", (vector) => {
    const [current, ...previous] = vector.keys.map((name) => keys[name]);
    const keyring = new Keyring({ current: current!, previous });
    const options =
      vector.ttl_sec === null ? {} : { ttlSeconds: vector.ttl_sec, now: fromUnixSeconds(vector.now ?? 0) };

    expect(() => keyring.decrypt(stored(vector.token), options)).toThrow(InvalidToken);
  });
});

describe("keyring rotate", () => {
  it("previous key token", () => {
    const keyring = rotationKeyring();
    const { token, plaintext, timestamp } = multifernet.decrypt_with_previous_key;

    const rotated = keyring.rotate(stored(token));

    expect(new Fernet(keys.primary).decryptText(tokenText(rotated))).toBe(plaintext);
    expect(() => new Fernet(keys.previous).decrypt(tokenText(rotated))).toThrow(InvalidToken);
    expect(readTokenTimestamp(tokenText(rotated))).toBe(timestamp);
    expect(keyring.isCurrent(stored(token))).toBe(false);
    expect(keyring.isCurrent(rotated)).toBe(true);
  });

  it("current key token gets fresh iv", () => {
    const keyring = rotationKeyring();
    const token = keyring.encrypt("Illegal dumping behind the clinic", { now: MADE_AT });

    const rotated = keyring.rotate(token);

    expect(tokenText(rotated)).not.toBe(tokenText(token));
    expect(readTokenTimestamp(tokenText(rotated))).toBe(MADE_AT.getTime() / 1000);
    expect(keyring.decryptText(rotated)).toBe("Illegal dumping behind the clinic");
  });

  it("ignores ttl", () => {
    const keyring = rotationKeyring();
    const { token, plaintext } = multifernet.decrypt_with_previous_key;

    const rotated = keyring.rotate(stored(token));

    expect(keyring.decryptText(rotated)).toBe(plaintext);
  });

  it("unknown key rejected", () => {
    const keyring = rotationKeyring();
    const token = new Keyring({ current: keys.unrelated, previous: [] }).encrypt("x", { now: MADE_AT });

    expect(() => keyring.rotate(token)).toThrow(InvalidToken);
    expect(keyring.isCurrent(token)).toBe(false);
  });

  it("three generations", () => {
    const oldest = new Keyring({ current: keys.unrelated, previous: [] });
    const middle = new Keyring({ current: keys.previous, previous: [keys.unrelated] });
    const newest = new Keyring({ current: keys.primary, previous: [keys.previous, keys.unrelated] });
    const token = oldest.encrypt("Sewage overflow at the taxi rank", { now: MADE_AT });

    const once = middle.rotate(token);
    const twice = newest.rotate(once);

    expect(newest.decryptText(token)).toBe("Sewage overflow at the taxi rank");
    expect(newest.isCurrent(once)).toBe(false);
    expect(newest.isCurrent(twice)).toBe(true);
    expect(() => new Fernet(keys.primary).decrypt(tokenText(once))).toThrow(InvalidToken);
    expect(new Fernet(keys.primary).decryptText(tokenText(twice))).toBe("Sewage overflow at the taxi rank");
    expect(readTokenTimestamp(tokenText(twice))).toBe(MADE_AT.getTime() / 1000);
  });
});

describe("keyring encrypt and decrypt", () => {
  it("encrypts with current key", () => {
    const token = rotationKeyring().encrypt("Pothole on Umdoni Lane", { now: MADE_AT });

    expect(new Fernet(keys.primary).decryptText(tokenText(token))).toBe("Pothole on Umdoni Lane");
    expect(() => new Fernet(keys.previous).decrypt(tokenText(token))).toThrow(InvalidToken);
    expect(readTokenTimestamp(tokenText(token))).toBe(MADE_AT.getTime() / 1000);
  });

  it("bytes round trip", () => {
    const keyring = rotationKeyring();
    const bytes = Uint8Array.from([0, 1, 2, 250, 251, 252]);

    expect(keyring.decrypt(keyring.encrypt(bytes)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("malformed token stops at first key", () => {
    const keyring = rotationKeyring();

    const error = thrownBy(() => keyring.decrypt(stored("not a token")));

    expect(error).toBeInstanceOf(InvalidToken);
    expect((error as InvalidToken).reason).toBe("malformed_base64");
  });

  it("invalid previous key named", () => {
    expect(() => new Keyring({ current: keys.primary, previous: [keys.previous, "short="] })).toThrow(
      /^Previous key 2 of 2 is not a valid Fernet key/,
    );
  });
});

describe("keyringFromEnv", () => {
  it("builds from settings", () => {
    const keyring = keyringFromEnv({
      encryptionKeyCurrent: keys.primary,
      encryptionKeysPrevious: [keys.previous],
      nodeEnv: "production",
    });

    expect(keyring.decryptText(stored(multifernet.decrypt_with_previous_key.token))).toBe(
      multifernet.decrypt_with_previous_key.plaintext,
    );
  });

  it.each(["production", "development", "test"] as const)("missing key in %s", (nodeEnv) => {
    const build = () => keyringFromEnv({ encryptionKeyCurrent: null, encryptionKeysPrevious: [], nodeEnv });

    expect(build).toThrow(InvalidKey);
    expect(build).toThrow(/^ENCRYPTION_KEY_CURRENT is not set\..*npm run keys:generate/);
  });

  it("missing key in production says server stops", () => {
    expect(() =>
      keyringFromEnv({ encryptionKeyCurrent: null, encryptionKeysPrevious: [keys.previous], nodeEnv: "production" }),
    ).toThrow(/cannot start in production/);
  });

  it("invalid current key", () => {
    const invalid = `+${keys.primary.slice(1)}`;

    const build = () => keyringFromEnv({ encryptionKeyCurrent: invalid, encryptionKeysPrevious: [], nodeEnv: "test" });

    expect(build).toThrow(/^ENCRYPTION_KEY_CURRENT is not a valid Fernet key: it contains '\+'/);
  });

  it("invalid previous key", () => {
    const build = () =>
      keyringFromEnv({
        encryptionKeyCurrent: keys.primary,
        encryptionKeysPrevious: [keys.previous, keys.unrelated.slice(0, -1)],
        nodeEnv: "production",
      });

    expect(build).toThrow(/^ENCRYPTION_KEY_PREVIOUS entry 2 of 2 is not a valid Fernet key: it lacks the '=' padding/);
  });

  it("error hides the key", () => {
    const invalid = `A${keys.primary}`;

    const error = thrownBy(() =>
      keyringFromEnv({ encryptionKeyCurrent: invalid, encryptionKeysPrevious: [], nodeEnv: "test" }),
    );

    expect(error).toBeInstanceOf(InvalidKey);
    expect((error as InvalidKey).reason).toBe("wrong_length");
    expect((error as InvalidKey).message).not.toContain(keys.primary.slice(0, 8));
  });
});
