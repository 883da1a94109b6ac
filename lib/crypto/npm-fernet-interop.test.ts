import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Fernet } from "./fernet";
import { pythonInterop, REPOSITORY_ROOT, specGenerate } from "./testing/fernet-fixtures";

// Cross-checks against the npm package `fernet` (0.4.0, a devDependency), an independent
// implementation on crypto-js. It adds methods to String.prototype when loaded, so it runs in a
// child Node process and never in the test worker. It can only encrypt text, and an empty message
// makes it fail, so the cases here are non-empty strings.

const NODE_SCRIPT = String.raw`
const fernet = require("fernet");
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((op) => {
    const secret = new fernet.Secret(op.key);
    try {
      if (op.op === "decrypt") {
        // ttl 0 turns off the package's TTL check, which reads the system clock.
        return { ok: true, value: new fernet.Token({ secret, token: op.token, ttl: 0 }).decode() };
      }
      const token = new fernet.Token({ secret, time: op.time, iv: op.iv });
      return { ok: true, value: token.encode(op.message) };
    } catch (error) {
      return { ok: false, error: String(error.message) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
`;

type NpmOperation =
  | { op: "decrypt"; key: string; token: string }
  | { op: "encrypt"; key: string; message: string; time: string; iv?: number[] };

type NpmResult = { ok: true; value: string } | { ok: false; error: string };

function runNpmFernet(operations: NpmOperation[]): NpmResult[] {
  const output = execFileSync(process.execPath, ["-e", NODE_SCRIPT], {
    cwd: REPOSITORY_ROOT,
    input: JSON.stringify(operations),
    encoding: "utf8",
    timeout: 30_000,
  });
  return JSON.parse(output) as NpmResult[];
}

function valueOf(result: NpmResult | undefined): string {
  if (result === undefined) throw new Error("the npm fernet process returned no result");
  if (!result.ok) throw new Error(`the npm fernet package failed: ${result.error}`);
  return result.value;
}

const KEY = pythonInterop.keys.primary;
const MADE_AT = "2026-11-30T08:00:00Z";
const MESSAGES = [
  ...pythonInterop.valid.map((vector) => vector.plaintext).filter((plaintext) => plaintext !== ""),
  "Ngiyabonga 🙏🏾 — Goeiemôre",
];

describe("npm fernet interop", () => {
  it("spec vector matches", () => {
    const [vector] = specGenerate;
    if (vector === undefined) throw new Error("generate.json has no case");

    const [result] = runNpmFernet([
      { op: "encrypt", key: vector.secret, message: vector.src, time: vector.now, iv: vector.iv },
    ]);

    expect(valueOf(result)).toBe(vector.token);
  });

  it("package decrypts tokens made here", () => {
    const fernet = new Fernet(KEY);
    const tokens = MESSAGES.map((message) => fernet.encrypt(message, { now: new Date(MADE_AT) }));
    tokens.push(fernet.encrypt("", { now: new Date(MADE_AT) }));

    const results = runNpmFernet(tokens.map((token) => ({ op: "decrypt", key: KEY, token })));

    expect(results.map(valueOf)).toEqual([...MESSAGES, ""]);
  });

  it("tokens made by package decrypt here", () => {
    const results = runNpmFernet(MESSAGES.map((message) => ({ op: "encrypt", key: KEY, message, time: MADE_AT })));

    const fernet = new Fernet(KEY);
    for (const [index, result] of results.entries()) {
      const decrypted = fernet.decryptWithTimestamp(valueOf(result));
      expect(decrypted.plaintext.toString("utf8")).toBe(MESSAGES[index]);
      expect(decrypted.timestamp).toBe(BigInt(Date.parse(MADE_AT) / 1000));
    }
    expect(results).toHaveLength(MESSAGES.length);
  });

  it("wrong key rejected by both", () => {
    const token = new Fernet(KEY).encrypt("Pothole", { now: new Date(MADE_AT) });
    const [result] = runNpmFernet([{ op: "decrypt", key: pythonInterop.keys.unrelated, token }]);

    expect(result).toEqual({ ok: false, error: "Invalid Token: HMAC" });
    expect(() => new Fernet(pythonInterop.keys.unrelated).decrypt(token)).toThrow("Invalid Fernet token");
  });
});
