import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Typed readers for test/fixtures/fernet: the Fernet specification's acceptance vectors and the
// tokens made by Python's `cryptography` (see that folder's README for where each file comes from).

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const FIXTURE_DIR = path.join(REPOSITORY_ROOT, "test/fixtures/fernet");

function readFixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, name), "utf8")) as T;
}

export interface SpecGenerateCase {
  token: string;
  /** RFC 3339 time written into the token. */
  now: string;
  iv: number[];
  src: string;
  secret: string;
}

export interface SpecVerifyCase {
  token: string;
  now: string;
  ttl_sec: number;
  src: string;
  secret: string;
}

export interface SpecInvalidCase {
  desc: string;
  token: string;
  now: string;
  ttl_sec: number;
  secret: string;
}

export type PythonKeyName = "primary" | "previous" | "unrelated";

export interface PythonValidCase {
  id: string;
  key: PythonKeyName;
  token: string;
  plaintext: string;
  plaintext_code_points: number;
  plaintext_utf16_length: number;
  plaintext_utf8_bytes: number;
  plaintext_sha256: string;
  plaintext_utf8_hex?: string;
  timestamp: number;
  iv_hex: string;
}

export interface PythonTtlCase {
  id: string;
  key: PythonKeyName;
  token: string;
  ttl_sec: number;
  /** Unix seconds. */
  now: number;
  plaintext: string;
}

export interface PythonInvalidCase {
  id: string;
  /** One name means a plain Fernet, more than one a MultiFernet with the keys in this order. */
  keys: PythonKeyName[];
  token: string;
  ttl_sec: number | null;
  now: number | null;
  reason: string;
}

export interface PythonEdgeCase {
  id: string;
  key: PythonKeyName;
  token: string;
  plaintext: string;
  python_result: "decrypts" | "InvalidToken";
}

export interface PythonInterop {
  keys: Record<PythonKeyName, string>;
  valid: PythonValidCase[];
  ttl_valid: PythonTtlCase[];
  multifernet: {
    keys_in_order: PythonKeyName[];
    decrypt_with_previous_key: { token: string; timestamp: number; plaintext: string };
    rotate: {
      input_token: string;
      output_token: string;
      plaintext: string;
      output_timestamp: number;
    };
    encrypt_with_primary: { token: string; plaintext: string };
  };
  invalid: PythonInvalidCase[];
  edge_cases: PythonEdgeCase[];
}

export const specGenerate = readFixture<SpecGenerateCase[]>("generate.json");
export const specVerify = readFixture<SpecVerifyCase[]>("verify.json");
export const specInvalid = readFixture<SpecInvalidCase[]>("invalid.json");
export const pythonInterop = readFixture<PythonInterop>("python-interop.json");

/** Converts Unix seconds from a fixture to a Date for a `now` option. */
export function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** Reads the big-endian Unix-seconds timestamp from a token's header without checking the token. */
export function readTokenTimestamp(token: string): number {
  return Number(Buffer.from(token, "base64url").readBigUInt64BE(1));
}
