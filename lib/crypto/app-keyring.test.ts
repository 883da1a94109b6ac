import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { resetEnvForTests } from "@/lib/env";
import {
  decodeBase64LikePython,
  getAppKeyring,
  isKeyAcceptedLikePython,
  loadAppKeyring,
  resetAppKeyringForTests,
  startAppKeyring,
  startAppKeyringOrExit,
} from "./app-keyring";
import { encodeBase64Url } from "./base64url";
import { Fernet, generateKey, InvalidKey } from "./fernet";
import { pythonInterop } from "./testing/fernet-fixtures";

const { keys } = pythonInterop;

// Python's own verdict on each key: the canonical encoding of the decoded bytes when
// `Fernet(key)` accepts it, or null when it raises. Runs python3 with `cryptography` (tested with
// 48.0.0 on Python 3.11.7), and fails when either is missing.
const PYTHON_SCRIPT = String.raw`
import base64, json, sys
from cryptography.fernet import Fernet

results = []
for key in json.load(sys.stdin):
    try:
        Fernet(key)
        results.append(base64.urlsafe_b64encode(base64.urlsafe_b64decode(key)).decode())
    except (ValueError, TypeError):
        results.append(None)
json.dump(results, sys.stdout)
`;

function pythonVerdicts(candidates: string[]): (string | null)[] {
  let output: string;
  try {
    output = execFileSync("python3", ["-c", PYTHON_SCRIPT], { input: JSON.stringify(candidates), encoding: "utf8", timeout: 30_000 });
  } catch (error) {
    throw new Error("Running python3 with the `cryptography` package failed; this test needs both (install with `pip install cryptography`).", {
      cause: error,
    });
  }
  return JSON.parse(output) as (string | null)[];
}

function ourVerdict(key: string): string | null {
  const bytes = decodeBase64LikePython(key);
  return bytes?.length === 32 ? encodeBase64Url(bytes) : null;
}

/** Returns what `action` throws, or fails the test when it returns. */
function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

const KEY = keys.primary;
const thirtyOneBytes = encodeBase64Url(Buffer.alloc(31, 0x5a));
const thirtyThreeBytes = encodeBase64Url(Buffer.alloc(33, 0x5a));

const ALMOST_RIGHT_KEYS: Record<string, string> = {
  canonical: KEY,
  "trailing newline": `${KEY}\n`,
  "trailing CRLF": `${KEY}\r\n`,
  "leading space": ` ${KEY}`,
  "newline inside": `${KEY.slice(0, 20)}\n${KEY.slice(20)}`,
  "missing padding": KEY.slice(0, -1),
  "standard alphabet": encodeBase64Url(Buffer.from(KEY, "base64url")).replaceAll("-", "+").replaceAll("_", "/"),
  "plus at start": `+${KEY.slice(1)}`,
  "slash at start": `/${KEY.slice(1)}`,
  "31 bytes": thirtyOneBytes,
  "31 bytes without padding": thirtyOneBytes.replace(/=+$/, ""),
  "33 bytes": thirtyThreeBytes,
  "double padding": `${KEY}=`,
  "text after padding": `${KEY}AAAA`,
  "stray bits": `${KEY.slice(0, 42)}9=`,
  "character outside alphabet": `${KEY.slice(0, 5)}*${KEY.slice(6)}`,
  "non-ASCII letter": `${KEY.slice(0, 5)}é${KEY.slice(6)}`,
  "43 characters no padding": KEY.slice(0, 43),
  "45 characters": `A${KEY}`,
  "padding in the middle": `${KEY.slice(0, 20)}=${KEY.slice(20)}`,
  "hex key": randomBytes(32).toString("hex"),
  empty: "",
};

describe("app keyring python verdicts", () => {
  it("almost-right keys match python", () => {
    const names = Object.keys(ALMOST_RIGHT_KEYS);
    const candidates = Object.values(ALMOST_RIGHT_KEYS);
    const python = pythonVerdicts(candidates);

    names.forEach((name, index) => {
      expect(ourVerdict(candidates[index]!), name).toBe(python[index]);
    });
    // The four cases the loader must get right, spelled out.
    expect(python[names.indexOf("trailing newline")], "trailing newline").not.toBeNull();
    expect(python[names.indexOf("standard alphabet")], "standard alphabet").not.toBeNull();
    expect(python[names.indexOf("missing padding")], "missing padding").toBeNull();
    expect(python[names.indexOf("31 bytes")], "31 bytes").toBeNull();
  });

  it("random mutations match python", () => {
    const pool = ["A", "z", "0", "-", "_", "+", "/", "=", "\n", " ", "*", "."];
    const candidates: string[] = [];
    for (let round = 0; round < 400; round += 1) {
      let key = generateKey();
      const edits = 1 + (round % 3);
      for (let edit = 0; edit < edits; edit += 1) {
        const position = randomBytes(1)[0]! % (key.length + 1);
        const character = pool[randomBytes(1)[0]! % pool.length]!;
        const kind = randomBytes(1)[0]! % 3;
        if (kind === 0) key = key.slice(0, position) + character + key.slice(position);
        else if (kind === 1) key = key.slice(0, position) + key.slice(position + 1);
        else key = key.slice(0, position) + character + key.slice(position + 1);
      }
      candidates.push(key);
    }
    const python = pythonVerdicts(candidates);

    candidates.forEach((candidate, index) => {
      expect(ourVerdict(candidate), JSON.stringify(candidate)).toBe(python[index]);
    });
  });

  it("accepted key decodes to same bytes", () => {
    const bytes = decodeBase64LikePython(`${KEY}\n`);

    expect(bytes).toEqual(Buffer.from(KEY, "base64url"));
    expect(isKeyAcceptedLikePython(`${KEY}\n`)).toBe(true);
    expect(isKeyAcceptedLikePython(thirtyOneBytes)).toBe(false);
  });
});

describe("loadAppKeyring", () => {
  it("builds from canonical keys", () => {
    const { keyring, warnings } = loadAppKeyring({ encryptionKeyCurrent: KEY, encryptionKeysPrevious: [keys.previous], nodeEnv: "production" });

    expect(warnings).toEqual([]);
    const token = new Fernet(keys.previous).encrypt("made under the previous key");
    expect(keyring?.decryptText(token as never)).toBe("made under the previous key");
  });

  it("accepts python-accepted forms", () => {
    const standard = KEY.replaceAll("-", "+").replaceAll("_", "/");
    const { keyring, warnings } = loadAppKeyring({
      encryptionKeyCurrent: `${standard}\n`,
      encryptionKeysPrevious: [`${keys.previous}=`],
      nodeEnv: "production",
    });

    const token = keyring!.encrypt("same key");
    expect(new Fernet(KEY).decryptText(token as never)).toBe("same key");
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^ENCRYPTION_KEY_PREVIOUS entry 1 of 1 is not written in canonical/);
    expect(warnings[1]).toMatch(/^ENCRYPTION_KEY_CURRENT is not written in canonical/);
    for (const warning of warnings) {
      expect(warning).not.toContain(KEY.slice(0, 12));
      expect(warning).not.toContain(standard.slice(0, 12));
    }
  });

  it("production without key fails", () => {
    const error = thrownBy(() => loadAppKeyring({ encryptionKeyCurrent: null, encryptionKeysPrevious: [], nodeEnv: "production" }));

    expect(error).toBeInstanceOf(InvalidKey);
    expect(error.message).toMatch(/^ENCRYPTION_KEY_CURRENT is not set\./);
    expect(error.message).toMatch(/cannot start in production/);
  });

  it("development without key warns", () => {
    const { keyring, warnings } = loadAppKeyring({ encryptionKeyCurrent: null, encryptionKeysPrevious: [], nodeEnv: "development" });

    expect(keyring).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^ENCRYPTION_KEY_CURRENT is not set/);
  });

  it.each(["production", "development"] as const)("invalid current key fails in %s", (nodeEnv) => {
    const error = thrownBy(() => loadAppKeyring({ encryptionKeyCurrent: thirtyOneBytes, encryptionKeysPrevious: [], nodeEnv }));

    expect(error).toBeInstanceOf(InvalidKey);
    expect(error.message).toMatch(/^ENCRYPTION_KEY_CURRENT is not a valid Fernet key: it decodes to 31 bytes/);
    expect(error.message).not.toContain(thirtyOneBytes.slice(0, 12));
  });

  it("rejected previous key names position", () => {
    const secretLooking = KEY.slice(0, -1);

    const error = thrownBy(() =>
      loadAppKeyring({ encryptionKeyCurrent: keys.unrelated, encryptionKeysPrevious: [keys.previous, secretLooking, KEY], nodeEnv: "production" }),
    );

    expect(error).toBeInstanceOf(InvalidKey);
    expect(error.message).toMatch(/^ENCRYPTION_KEY_PREVIOUS entry 2 of 3 is not a valid Fernet key/);
    expect(error.message).not.toContain(secretLooking.slice(0, 12));
    expect(error.message).not.toContain(keys.previous.slice(0, 12));
  });

  it("invalid previous key fails without current key", () => {
    const error = thrownBy(() => loadAppKeyring({ encryptionKeyCurrent: null, encryptionKeysPrevious: ["short"], nodeEnv: "development" }));

    expect(error.message).toMatch(/^ENCRYPTION_KEY_PREVIOUS entry 1 of 1 is not a valid Fernet key/);
  });
});

describe("startAppKeyring", () => {
  const saved = { current: process.env.ENCRYPTION_KEY_CURRENT, previous: process.env.ENCRYPTION_KEY_PREVIOUS };

  afterEach(() => {
    resetAppKeyringForTests();
    for (const [name, value] of [
      ["ENCRYPTION_KEY_CURRENT", saved.current],
      ["ENCRYPTION_KEY_PREVIOUS", saved.previous],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvForTests();
  });

  it("production start without key throws", () => {
    expect(() => startAppKeyring({ encryptionKeyCurrent: null, encryptionKeysPrevious: [], nodeEnv: "production" })).toThrow(
      /ENCRYPTION_KEY_CURRENT is not set/,
    );
  });

  it("production start with bad previous key throws", () => {
    expect(() => startAppKeyring({ encryptionKeyCurrent: KEY, encryptionKeysPrevious: [thirtyThreeBytes], nodeEnv: "production" })).toThrow(
      /^ENCRYPTION_KEY_PREVIOUS entry 1 of 1 is not a valid Fernet key: it decodes to 33 bytes/,
    );
  });

  it("started keyring is the app keyring", () => {
    const warnings = startAppKeyring({ encryptionKeyCurrent: KEY, encryptionKeysPrevious: [], nodeEnv: "production" });

    expect(warnings).toEqual([]);
    const token = getAppKeyring().encrypt("started");
    expect(new Fernet(KEY).decryptText(token as never)).toBe("started");
  });

  it("development start without key leaves reports unavailable", () => {
    const warnings = startAppKeyring({ encryptionKeyCurrent: null, encryptionKeysPrevious: [], nodeEnv: "development" });

    expect(warnings[0]).toMatch(/ENCRYPTION_KEY_CURRENT is not set/);
    const error = thrownBy(() => getAppKeyring());
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("unavailable");
    expect(error.message).toMatch(/ENCRYPTION_KEY_CURRENT is not set/);
  });

  it("reads the environment on first use", () => {
    process.env.ENCRYPTION_KEY_CURRENT = KEY;
    process.env.ENCRYPTION_KEY_PREVIOUS = `${keys.previous},${keys.unrelated}`;
    resetEnvForTests();
    resetAppKeyringForTests();

    const token = new Fernet(keys.unrelated).encrypt("from the environment");
    expect(getAppKeyring().decryptText(token as never)).toBe("from the environment");
  });

  it("invalid environment key is unavailable", () => {
    process.env.ENCRYPTION_KEY_CURRENT = thirtyOneBytes;
    resetEnvForTests();
    resetAppKeyringForTests();

    const error = thrownBy(() => getAppKeyring());
    expect((error as AppError).code).toBe("unavailable");
    expect(error.message).toMatch(/ENCRYPTION_KEY_CURRENT is not a valid Fernet key/);
  });
});

describe("startAppKeyringOrExit", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    resetAppKeyringForTests();
  });

  it("exits with the variable named", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const badKey = KEY.slice(0, -1);

    expect(() => startAppKeyringOrExit({ encryptionKeyCurrent: badKey, encryptionKeysPrevious: [], nodeEnv: "production" })).toThrow("exit 1");
    expect(exit).toHaveBeenCalledWith(1);
    expect(printed).toHaveBeenCalledTimes(1);
    const message = String(printed.mock.calls[0]![0]);
    expect(message).toMatch(/^Bika cannot start: ENCRYPTION_KEY_CURRENT is not a valid Fernet key/);
    expect(message).not.toContain(badKey.slice(0, 12));
  });

  it("returns warnings when the keys are valid", () => {
    const exit = vi.spyOn(process, "exit");

    expect(startAppKeyringOrExit({ encryptionKeyCurrent: `${KEY}\n`, encryptionKeysPrevious: [], nodeEnv: "production" })).toHaveLength(1);
    expect(exit).not.toHaveBeenCalled();
  });
});
