import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { encodeBase64Url } from "./base64url";
import { Fernet, generateKey } from "./fernet";
import { type EncryptedText, Keyring } from "./keyring";
import { pythonInterop } from "./testing/fernet-fixtures";

// Runs Python's `cryptography.fernet` (python3 with the `cryptography` package, tested with 48.0.0)
// in a child process, so that tokens made here are checked by the reference implementation and
// fresh Python tokens are checked here. Keys and tokens travel as JSON on stdin.

const PYTHON_SCRIPT = String.raw`
import base64, json, sys
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

def fernet(keys):
    return Fernet(keys[0]) if len(keys) == 1 else MultiFernet([Fernet(k) for k in keys])

results = []
for op in json.load(sys.stdin):
    f = fernet(op["keys"])
    try:
        kind = op["op"]
        if kind == "decrypt":
            if op.get("ttl") is None:
                value = f.decrypt(op["token"])
            else:
                value = f.decrypt_at_time(op["token"], op["ttl"], op["now"])
            value = base64.b64encode(value).decode()
        elif kind == "encrypt":
            value = f.encrypt_at_time(base64.b64decode(op["plaintext"]), op["time"]).decode()
        elif kind == "timestamp":
            value = f.extract_timestamp(op["token"])
        elif kind == "rotate":
            value = f.rotate(op["token"]).decode()
        else:
            raise ValueError("unknown op " + kind)
        results.append({"ok": True, "value": value})
    except InvalidToken:
        results.append({"ok": False, "error": "InvalidToken"})
json.dump(results, sys.stdout)
`;

type PythonOperation =
  | { op: "decrypt"; keys: string[]; token: string; ttl?: number; now?: number }
  | { op: "encrypt"; keys: string[]; plaintext: string; time: number }
  | { op: "timestamp"; keys: string[]; token: string }
  | { op: "rotate"; keys: string[]; token: string };

type PythonResult = { ok: true; value: string | number } | { ok: false; error: "InvalidToken" };

function runPython(operations: PythonOperation[]): PythonResult[] {
  let output: string;
  try {
    output = execFileSync("python3", ["-c", PYTHON_SCRIPT], {
      input: JSON.stringify(operations),
      encoding: "utf8",
      timeout: 30_000,
    });
  } catch (error) {
    throw new Error(
      "Running python3 with the `cryptography` package failed; this test needs both " +
        "(install with `pip install cryptography`).",
      { cause: error },
    );
  }
  return JSON.parse(output) as PythonResult[];
}

/** Runs one operation in Python and returns its value, or "InvalidToken". */
function python(operation: PythonOperation): string | number {
  const [result] = runPython([operation]);
  if (result === undefined) throw new Error("python3 returned no result");
  return result.ok ? result.value : result.error;
}

function base64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64");
}

function tokenText(token: EncryptedText): string {
  return token as unknown as string;
}

const { keys } = pythonInterop;
const MADE_AT = new Date("2026-11-30T08:00:00Z");
const MADE_AT_SECONDS = MADE_AT.getTime() / 1000;

describe("python interop", () => {
  it("python decrypts tokens made here", () => {
    const fernet = new Fernet(keys.primary);
    const plaintexts: (string | Uint8Array)[] = [
      ...pythonInterop.valid.map((vector) => vector.plaintext),
      Uint8Array.from({ length: 256 }, (_, index) => index),
      "Ngiyabonga 🙏🏾",
    ];
    const tokens = plaintexts.map((plaintext) => fernet.encrypt(plaintext, { now: MADE_AT }));

    const results = runPython(tokens.map((token) => ({ op: "decrypt", keys: [keys.primary], token })));
    const timestamps = runPython(tokens.map((token) => ({ op: "timestamp", keys: [keys.primary], token })));

    expect(results).toEqual(plaintexts.map((plaintext) => ({ ok: true, value: base64(plaintext) })));
    expect(timestamps).toEqual(tokens.map(() => ({ ok: true, value: MADE_AT_SECONDS })));
  });

  it("tokens made in python decrypt here", () => {
    const plaintexts = ["Sawubona", "", "Goeiemôre 💧", "x".repeat(1000)];

    const results = runPython(
      plaintexts.map((plaintext) => ({
        op: "encrypt",
        keys: [keys.primary],
        plaintext: base64(plaintext),
        time: MADE_AT_SECONDS,
      })),
    );

    const fernet = new Fernet(keys.primary);
    for (const [index, result] of results.entries()) {
      if (!result.ok) throw new Error(`python3 failed to encrypt plaintext ${index}`);
      const decrypted = fernet.decryptWithTimestamp(String(result.value));
      expect(decrypted.plaintext.toString("utf8")).toBe(plaintexts[index]);
      expect(decrypted.timestamp).toBe(BigInt(MADE_AT_SECONDS));
    }
    expect(results).toHaveLength(plaintexts.length);
  });

  it("python binary plaintext", () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, index) => 255 - index);

    const token = python({ op: "encrypt", keys: [keys.primary], plaintext: base64(bytes), time: MADE_AT_SECONDS });

    expect(new Fernet(keys.primary).decrypt(String(token)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("ttl agrees with python", () => {
    const token = new Fernet(keys.primary).encrypt("Water outage in ward 12", { now: MADE_AT });
    const offsets = [-61, -60, 0, 60, 61];

    const results = runPython(
      offsets.map((offset) => ({ op: "decrypt", keys: [keys.primary], token, ttl: 60, now: MADE_AT_SECONDS + offset })),
    );
    const local = offsets.map((offset) => {
      try {
        new Fernet(keys.primary).decrypt(token, { ttlSeconds: 60, now: new Date((MADE_AT_SECONDS + offset) * 1000) });
        return true;
      } catch {
        return false;
      }
    });

    expect(results.map((result) => result.ok)).toEqual([false, true, true, true, false]);
    expect(local).toEqual([false, true, true, true, false]);
  });

  it("python rejects tampered tokens", () => {
    const token = Buffer.from(new Fernet(keys.primary).encrypt("Pothole", { now: MADE_AT }), "base64url");
    const tampered = [0, 1, 8, 9, 24, 25, token.length - 33, token.length - 32, token.length - 1].map((index) => {
      const copy = Buffer.from(token);
      copy[index] = copy[index]! ^ 0x01;
      return encodeBase64Url(copy);
    });

    const results = runPython(tampered.map((candidate) => ({ op: "decrypt", keys: [keys.primary], token: candidate })));

    expect(results).toEqual(tampered.map(() => ({ ok: false, error: "InvalidToken" })));
    for (const candidate of tampered) {
      expect(() => new Fernet(keys.primary).decrypt(candidate)).toThrow("Invalid Fernet token");
    }
  });

  it("python accepts generated keys", () => {
    const key = generateKey();
    const token = new Fernet(key).encrypt("key check", { now: MADE_AT });

    expect(python({ op: "decrypt", keys: [key], token })).toBe(base64("key check"));
  });
});

describe("python interop keyring", () => {
  const keyring = new Keyring({ current: keys.primary, previous: [keys.previous] });

  it("multifernet decrypts keyring tokens", () => {
    const token = tokenText(keyring.encrypt("Account 5012 (synthetic)", { now: MADE_AT }));

    const expected = base64("Account 5012 (synthetic)");

    expect(python({ op: "decrypt", keys: [keys.primary, keys.previous], token })).toBe(expected);
    expect(python({ op: "decrypt", keys: [keys.primary], token })).toBe(expected);
    expect(python({ op: "decrypt", keys: [keys.previous], token })).toBe("InvalidToken");
  });

  it("keyring rotates python tokens", () => {
    const oldTime = MADE_AT_SECONDS - 86_400 * 200;
    const original = String(
      python({ op: "encrypt", keys: [keys.previous], plaintext: base64("Rotated account"), time: oldTime }),
    );

    const rotated = tokenText(keyring.rotate(original as unknown as EncryptedText));

    expect(python({ op: "decrypt", keys: [keys.primary], token: rotated })).toBe(base64("Rotated account"));
    expect(python({ op: "decrypt", keys: [keys.previous], token: rotated })).toBe("InvalidToken");
    expect(python({ op: "timestamp", keys: [keys.primary], token: rotated })).toBe(oldTime);
  });

  it("python rotates keyring tokens", () => {
    const old = new Keyring({ current: keys.previous, previous: [] });
    const token = tokenText(old.encrypt("Streetlight report", { now: MADE_AT }));

    const rotated = String(python({ op: "rotate", keys: [keys.primary, keys.previous], token }));

    const stored = rotated as unknown as EncryptedText;
    expect(keyring.isCurrent(stored)).toBe(true);
    expect(keyring.isCurrent(token as unknown as EncryptedText)).toBe(false);
    expect(keyring.decryptText(stored)).toBe("Streetlight report");
    expect(new Fernet(keys.primary).decryptWithTimestamp(rotated).timestamp).toBe(BigInt(MADE_AT_SECONDS));
  });
});
