import { createCipheriv, createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeBase64Url } from "./base64url";
import {
  Fernet,
  generateKey,
  InvalidKey,
  type InvalidKeyReason,
  InvalidToken,
  type InvalidTokenReason,
} from "./fernet";
import {
  fromUnixSeconds,
  pythonInterop,
  specGenerate,
  specInvalid,
  specVerify,
} from "./testing/fernet-fixtures";

const KEY = pythonInterop.keys.primary;
const OTHER_KEY = pythonInterop.keys.unrelated;
const MADE_AT = new Date("2026-11-30T08:00:00Z");
const MADE_AT_SECONDS = MADE_AT.getTime() / 1000;
const FIXED_IV = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");

/** Runs `action` and returns the InvalidToken it throws, failing the test if it throws anything else or nothing. */
function catchInvalidToken(action: () => unknown): InvalidToken {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidToken) return error;
    throw error;
  }
  throw new Error("expected InvalidToken, but nothing was thrown");
}

function catchInvalidKey(action: () => unknown): InvalidKey {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidKey) return error;
    throw error;
  }
  throw new Error("expected InvalidKey, but nothing was thrown");
}

function expectRejected(action: () => unknown, reason: InvalidTokenReason): void {
  const error = catchInvalidToken(action);
  expect(error.reason).toBe(reason);
  expect(error.message).toBe("Invalid Fernet token");
}

/** Encrypts `plaintext` under the primary key with a fixed time and IV, and returns the token bytes for tampering. */
function tokenBytes(plaintext = "Burst pipe on Ntuli Street"): Buffer {
  const token = new Fernet(KEY).encrypt(plaintext, { now: MADE_AT, iv: FIXED_IV });
  return Buffer.from(token, "base64url");
}

/**
 * Builds a correctly signed token around `padded`, which is encrypted as given without adding
 * PKCS #7 padding. Written separately from fernet.ts so that padding errors can be tested on
 * authentic tokens.
 */
function sealWithoutPadding(key: string, padded: Buffer): string {
  const bytes = Buffer.from(key, "base64url");
  const cipher = createCipheriv("aes-128-cbc", bytes.subarray(16), FIXED_IV).setAutoPadding(false);
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  const header = Buffer.alloc(9);
  header[0] = 0x80;
  header.writeBigUInt64BE(BigInt(MADE_AT_SECONDS), 1);
  const signed = Buffer.concat([header, FIXED_IV, ciphertext]);
  const mac = createHmac("sha256", bytes.subarray(0, 16)).update(signed).digest();
  return encodeBase64Url(Buffer.concat([signed, mac]));
}

describe("fernet spec vectors", () => {
  it.each(specGenerate)("generate $src", (vector) => {
    const token = new Fernet(vector.secret).encrypt(vector.src, {
      now: new Date(vector.now),
      iv: Uint8Array.from(vector.iv),
    });

    expect(token).toBe(vector.token);
  });

  it.each(specVerify)("verify $src", (vector) => {
    const fernet = new Fernet(vector.secret);

    const plaintext = fernet.decryptText(vector.token, { ttlSeconds: vector.ttl_sec, now: new Date(vector.now) });

    expect(plaintext).toBe(vector.src);
  });

  it.each(specInvalid)("invalid: $desc", (vector) => {
    const fernet = new Fernet(vector.secret);

    const error = catchInvalidToken(() =>
      fernet.decrypt(vector.token, { ttlSeconds: vector.ttl_sec, now: new Date(vector.now) }),
    );

    expect(error.message).toBe("Invalid Fernet token");
  });

  it("invalid reasons", () => {
    const reasons = Object.fromEntries(
      specInvalid.map((vector) => [
        vector.desc,
        catchInvalidToken(() =>
          new Fernet(vector.secret).decrypt(vector.token, { ttlSeconds: vector.ttl_sec, now: new Date(vector.now) }),
        ).reason,
      ]),
    );

    expect(reasons).toEqual({
      "incorrect mac": "bad_signature",
      "too short": "too_short",
      "invalid base64": "malformed_base64",
      // This vector is also below the 73-byte minimum, which is checked first.
      "payload size not multiple of block size": "too_short",
      "payload padding error": "bad_padding",
      "far-future TS (unacceptable clock skew)": "timestamp_in_future",
      "expired TTL": "expired",
      "incorrect IV (causes padding error)": "bad_padding",
    });
  });
});

describe("fernet python tokens", () => {
  it.each(pythonInterop.valid)("decrypt $id", (vector) => {
    const fernet = new Fernet(pythonInterop.keys[vector.key]);

    const { plaintext, timestamp } = fernet.decryptWithTimestamp(vector.token);
    const text = fernet.decryptText(vector.token);

    expect(text).toBe(vector.plaintext);
    expect(text.length).toBe(vector.plaintext_utf16_length);
    expect([...text].length).toBe(vector.plaintext_code_points);
    expect(plaintext.length).toBe(vector.plaintext_utf8_bytes);
    expect(createHash("sha256").update(plaintext).digest("hex")).toBe(vector.plaintext_sha256);
    if (vector.plaintext_utf8_hex !== undefined) {
      expect(plaintext.toString("hex")).toBe(vector.plaintext_utf8_hex);
    }
    expect(timestamp).toBe(BigInt(vector.timestamp));
  });

  it.each(pythonInterop.valid)("encrypt $id like python", (vector) => {
    const fernet = new Fernet(pythonInterop.keys[vector.key]);

    const token = fernet.encryptAtTimestamp(vector.plaintext, BigInt(vector.timestamp), {
      iv: Buffer.from(vector.iv_hex, "hex"),
    });

    expect(token).toBe(vector.token);
  });

  it.each(pythonInterop.ttl_valid)("ttl $id", (vector) => {
    const fernet = new Fernet(pythonInterop.keys[vector.key]);

    const text = fernet.decryptText(vector.token, { ttlSeconds: vector.ttl_sec, now: fromUnixSeconds(vector.now) });

    expect(text).toBe(vector.plaintext);
  });

  const singleKeyInvalid = pythonInterop.invalid.filter((vector) => vector.keys.length === 1);

  it.each(singleKeyInvalid)("reject $id", (vector) => {
    const [keyName] = vector.keys;
    const fernet = new Fernet(pythonInterop.keys[keyName!]);
    const options =
      vector.ttl_sec === null ? {} : { ttlSeconds: vector.ttl_sec, now: fromUnixSeconds(vector.now ?? 0) };

    expect(() => fernet.decrypt(vector.token, options)).toThrow(InvalidToken);
  });

  it("single-key invalid cases present", () => {
    expect(singleKeyInvalid.map((vector) => vector.id)).toEqual([
      "wrong_key",
      "tampered_ciphertext_byte",
      "tampered_iv_byte",
      "tampered_timestamp_byte",
      "tampered_hmac_last_byte",
      "wrong_version_byte",
      "truncated_token",
      "not_base64",
      "rotated_token_old_key_only",
      "expired_ttl",
      "timestamp_too_far_in_future",
    ]);
  });

  // Python accepts the standard alphabet and surrounding whitespace. This module rejects both on
  // purpose (no Fernet encoder writes them), and rejects missing padding as Python does.
  it.each(pythonInterop.edge_cases)("edge $id rejected", (vector) => {
    const fernet = new Fernet(pythonInterop.keys[vector.key]);

    expectRejected(() => fernet.decrypt(vector.token), "malformed_base64");
  });

  it("edge tokens decrypt once normalized", () => {
    const fernet = new Fernet(KEY);

    for (const vector of pythonInterop.edge_cases) {
      const normalized = vector.token.trim().replaceAll("+", "-").replaceAll("/", "_");
      const padded = normalized.padEnd(Math.ceil(normalized.length / 4) * 4, "=");
      expect(fernet.decryptText(padded)).toBe(vector.plaintext);
    }
  });
});

describe("fernet round trip", () => {
  it("text", () => {
    const fernet = new Fernet(KEY);
    const text = "Ngiyabonga 🙏🏾 — Goeiemôre";

    const token = fernet.encrypt(text, { now: MADE_AT });

    expect(fernet.decryptText(token)).toBe(text);
    expect(token.startsWith("gAAAAA")).toBe(true);
    expect(token.length % 4).toBe(0);
  });

  it("binary bytes", () => {
    const fernet = new Fernet(KEY);
    const bytes = Uint8Array.from({ length: 300 }, (_, index) => (index * 37) % 256);

    const plaintext = fernet.decrypt(fernet.encrypt(bytes, { now: MADE_AT }));

    expect(Buffer.compare(plaintext, Buffer.from(bytes))).toBe(0);
  });

  it.each([0, 1, 15, 16, 17, 32])("%i byte plaintext", (length) => {
    const fernet = new Fernet(KEY);
    const bytes = Buffer.alloc(length, 0x61);

    const token = fernet.encrypt(bytes, { now: MADE_AT });
    const decoded = Buffer.from(token, "base64url");

    expect(decoded.length).toBe(57 + (Math.floor(length / 16) + 1) * 16);
    expect(fernet.decrypt(token).equals(bytes)).toBe(true);
  });

  it("timestamp from now", () => {
    const fernet = new Fernet(KEY);

    const token = fernet.encrypt("x", { now: new Date("2026-11-30T08:00:00.999Z") });

    expect(fernet.decryptWithTimestamp(token).timestamp).toBe(BigInt(MADE_AT_SECONDS));
  });

  it("random iv differs", () => {
    const fernet = new Fernet(KEY);

    const first = fernet.encrypt("same text", { now: MADE_AT });
    const second = fernet.encrypt("same text", { now: MADE_AT });

    expect(first).not.toBe(second);
  });

  it("lone surrogate rejected", () => {
    expect(() => new Fernet(KEY).encrypt("broken \ud83d text")).toThrow(/lone UTF-16 surrogate/);
  });

  it("iv of wrong length rejected", () => {
    expect(() => new Fernet(KEY).encrypt("x", { iv: new Uint8Array(15) })).toThrow(/IV must be 16 bytes, got 15/);
  });

  it("non-utf8 plaintext as text", () => {
    const fernet = new Fernet(KEY);
    const token = fernet.encrypt(Uint8Array.from([0xff, 0xfe, 0x00]), { now: MADE_AT });

    expectRejected(() => fernet.decryptText(token), "invalid_utf8");
    expect(fernet.decrypt(token).toString("hex")).toBe("fffe00");
  });
});

describe("fernet tampering", () => {
  const regions: { name: string; index: (length: number) => number; reason: InvalidTokenReason }[] = [
    { name: "version", index: () => 0, reason: "unsupported_version" },
    { name: "timestamp first byte", index: () => 1, reason: "bad_signature" },
    { name: "timestamp last byte", index: () => 8, reason: "bad_signature" },
    { name: "iv first byte", index: () => 9, reason: "bad_signature" },
    { name: "iv last byte", index: () => 24, reason: "bad_signature" },
    { name: "ciphertext first byte", index: () => 25, reason: "bad_signature" },
    { name: "ciphertext last byte", index: (length) => length - 33, reason: "bad_signature" },
    { name: "hmac first byte", index: (length) => length - 32, reason: "bad_signature" },
    { name: "hmac last byte", index: (length) => length - 1, reason: "bad_signature" },
  ];

  it.each(regions)("flipped $name", (region) => {
    for (const bit of [0x01, 0x80]) {
      const bytes = tokenBytes();
      const index = region.index(bytes.length);
      bytes[index] = bytes[index]! ^ bit;

      expectRejected(() => new Fernet(KEY).decrypt(encodeBase64Url(bytes)), region.reason);
    }
  });

  it("untampered token accepted", () => {
    expect(new Fernet(KEY).decryptText(encodeBase64Url(tokenBytes()))).toBe("Burst pipe on Ntuli Street");
  });

  it("truncated by one byte", () => {
    const bytes = tokenBytes();

    expectRejected(() => new Fernet(KEY).decrypt(encodeBase64Url(bytes.subarray(0, -1))), "not_block_aligned");
  });

  it("truncated by one block", () => {
    const bytes = tokenBytes("more than one block of text here");

    expectRejected(() => new Fernet(KEY).decrypt(encodeBase64Url(bytes.subarray(0, -16))), "bad_signature");
  });

  it("truncated below minimum", () => {
    const bytes = tokenBytes();

    expectRejected(() => new Fernet(KEY).decrypt(encodeBase64Url(bytes.subarray(0, 72))), "too_short");
    expectRejected(() => new Fernet(KEY).decrypt(encodeBase64Url(bytes.subarray(0, 1))), "too_short");
    expectRejected(() => new Fernet(KEY).decrypt(""), "too_short");
  });

  it("truncated text", () => {
    const token = encodeBase64Url(tokenBytes());

    expectRejected(() => new Fernet(KEY).decrypt(token.slice(0, -3)), "malformed_base64");
  });

  it("non-canonical last character", () => {
    const token = encodeBase64Url(tokenBytes());
    const padding = token.length - token.replace(/=+$/, "").length;
    expect(padding).toBeGreaterThan(0);
    const last = token.length - padding - 1;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const stray = alphabet[alphabet.indexOf(token[last]!) + 1]!;

    const altered = token.slice(0, last) + stray + token.slice(last + 1);

    expectRejected(() => new Fernet(KEY).decrypt(altered), "malformed_base64");
  });

  it("extra padding", () => {
    const token = encodeBase64Url(tokenBytes());

    expectRejected(() => new Fernet(KEY).decrypt(`${token}====`), "malformed_base64");
  });

  it("wrong key", () => {
    const token = new Fernet(KEY).encrypt("x", { now: MADE_AT });

    expectRejected(() => new Fernet(OTHER_KEY).decrypt(token), "bad_signature");
  });

  it("keys with swapped halves", () => {
    const bytes = Buffer.from(KEY, "base64url");
    const swapped = encodeBase64Url(Buffer.concat([bytes.subarray(16), bytes.subarray(0, 16)]));
    const token = new Fernet(KEY).encrypt("x", { now: MADE_AT });

    expectRejected(() => new Fernet(swapped).decrypt(token), "bad_signature");
  });

  it("token is not a string", () => {
    expect(() => new Fernet(KEY).decrypt(42 as unknown as string)).toThrow(TypeError);
  });
});

describe("fernet padding", () => {
  it("valid padding accepted", () => {
    const token = sealWithoutPadding(KEY, Buffer.concat([Buffer.from("abcdefghijklmn"), Buffer.from([2, 2])]));

    expect(new Fernet(KEY).decryptText(token)).toBe("abcdefghijklmn");
  });

  it.each([
    { name: "zero count", tail: [0x00] },
    { name: "count above block", tail: [0x11] },
    { name: "mismatched bytes", tail: [0x01, 0x03, 0x03] },
    { name: "whole block mismatched", tail: [0x0f, ...Array<number>(15).fill(0x10)] },
  ])("$name rejected", ({ tail }) => {
    const body = Buffer.alloc(16 - tail.length, 0x61);
    const token = sealWithoutPadding(KEY, Buffer.concat([body, Buffer.from(tail)]));

    expectRejected(() => new Fernet(KEY).decrypt(token), "bad_padding");
  });

  it("full padding block accepted", () => {
    const token = sealWithoutPadding(KEY, Buffer.concat([Buffer.alloc(16, 0x61), Buffer.alloc(16, 0x10)]));

    expect(new Fernet(KEY).decryptText(token)).toBe("a".repeat(16));
  });
});

describe("fernet ttl", () => {
  const fernet = new Fernet(KEY);
  const token = fernet.encrypt("Streetlight out on Kerkstraat", { now: MADE_AT });
  const at = (offsetSeconds: number) => new Date((MADE_AT_SECONDS + offsetSeconds) * 1000);

  it("within ttl", () => {
    expect(fernet.decryptText(token, { ttlSeconds: 60, now: at(60) })).toBe("Streetlight out on Kerkstraat");
  });

  it("expired", () => {
    expectRejected(() => fernet.decrypt(token, { ttlSeconds: 60, now: at(61) }), "expired");
  });

  it("ttl zero", () => {
    expect(fernet.decryptText(token, { ttlSeconds: 0, now: at(0) })).toBe("Streetlight out on Kerkstraat");
    expectRejected(() => fernet.decrypt(token, { ttlSeconds: 0, now: at(1) }), "expired");
  });

  it("clock skew allowance", () => {
    expect(fernet.decryptText(token, { ttlSeconds: 60, now: at(-60) })).toBe("Streetlight out on Kerkstraat");
  });

  it("far future", () => {
    expectRejected(() => fernet.decrypt(token, { ttlSeconds: 60, now: at(-61) }), "timestamp_in_future");
    expectRejected(() => fernet.decrypt(token, { ttlSeconds: 86_400, now: at(-3_600) }), "timestamp_in_future");
  });

  it("no ttl, no time check", () => {
    expect(fernet.decryptText(token, { now: at(10 * 365 * 86_400) })).toBe("Streetlight out on Kerkstraat");
    expect(fernet.decryptText(token, { now: at(-86_400) })).toBe("Streetlight out on Kerkstraat");
  });

  it("signature checked before age", () => {
    const bytes = Buffer.from(token, "base64url");
    bytes[30] = bytes[30]! ^ 0x01;

    expectRejected(() => fernet.decrypt(encodeBase64Url(bytes), { ttlSeconds: 60, now: at(3_600) }), "bad_signature");
  });

  it.each([-1, 1.5, Number.NaN])("invalid ttl %s", (ttlSeconds) => {
    expect(() => fernet.decrypt(token, { ttlSeconds, now: at(0) })).toThrow(RangeError);
  });
});

describe("fernet keys", () => {
  const bytesKey = (length: number) => encodeBase64Url(Buffer.alloc(length, 0x5a));

  function expectKeyRejected(key: string, reason: InvalidKeyReason, message: RegExp): void {
    const error = catchInvalidKey(() => new Fernet(key));
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/npm run keys:generate/);
    if (key.length > 4) expect(error.message).not.toContain(key);
  }

  it("31 bytes", () => {
    expectKeyRejected(
      bytesKey(31),
      "wrong_length",
      /^The key is not a valid Fernet key: it decodes to 31 bytes \(44 characters\), not 32\./,
    );
  });

  it("33 bytes", () => {
    expectKeyRejected(bytesKey(33), "wrong_length", /decodes to 33 bytes \(44 characters\), not 32/);
  });

  it("16 bytes", () => {
    expectKeyRejected(bytesKey(16), "wrong_length", /decodes to 16 bytes/);
  });

  it("standard alphabet plus", () => {
    const key = `${KEY.slice(0, 10)}+${KEY.slice(11)}`;

    expectKeyRejected(key, "standard_alphabet", /contains '\+' at position 11.*'-' in place of '\+'/);
  });

  it("standard alphabet slash", () => {
    const key = `/${KEY.slice(1)}`;

    expectKeyRejected(key, "standard_alphabet", /contains '\/' at position 1.*'_' in place of '\/'/);
  });

  it("character outside alphabet", () => {
    const key = `${KEY.slice(0, 5)}*${KEY.slice(6)}`;

    expectKeyRejected(key, "invalid_character", /outside the URL-safe base64 alphabet at position 6/);
  });

  it("whitespace", () => {
    expectKeyRejected(`${KEY}\n`, "whitespace", /whitespace at position 45/);
  });

  it("missing padding", () => {
    expectKeyRejected(KEY.slice(0, -1), "missing_padding", /lacks the '=' padding/);
  });

  it("double padding", () => {
    expectKeyRejected(`${KEY}=`, "bad_padding", /ends in 2 '=' characters/);
  });

  it("stray bits", () => {
    const key = `${KEY.slice(0, 42)}9=`;

    expectKeyRejected(key, "non_canonical", /stray bits/);
  });

  it("empty", () => {
    expectKeyRejected("", "missing", /is empty/);
  });

  it("custom key name", () => {
    const error = catchInvalidKey(() => new Fernet(bytesKey(31), { keyName: "ENCRYPTION_KEY_CURRENT" }));

    expect(error.message).toMatch(/^ENCRYPTION_KEY_CURRENT is not a valid Fernet key/);
  });

  it("generated key", () => {
    const key = generateKey();

    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(key, "base64url").length).toBe(32);
    expect(generateKey()).not.toBe(key);
    expect(new Fernet(key).decryptText(new Fernet(key).encrypt("ok"))).toBe("ok");
  });
});
