// Measures Fernet encrypt-then-decrypt throughput for 1 KB messages in three implementations on
// the same machine and run: lib/crypto/fernet.ts, Python's `cryptography` (python3 must have it)
// and the npm package `fernet` (a devDependency). Usage: npx tsx bench/fernet.ts
// Prints one JSON object with operations per second (one operation = one encrypt and one decrypt)
// and the ratios. Targets: at least 1.5 times Python's throughput and 15 times the npm package's.
// Python and npm fernet run in child processes, because npm fernet patches String.prototype.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { Fernet, generateKey } from "@/lib/crypto/fernet";

const MESSAGE_BYTES = 1024;
/** Timed rounds per implementation; the median round is reported. */
const ROUNDS = 5;
const ROUND_SECONDS = 1;
const TARGET_RATIO_PYTHON = 1.5;
const TARGET_RATIO_NPM = 15;

const root = path.resolve(__dirname, "..");
// ASCII text, because npm fernet encrypts strings only; 1024 characters are 1024 bytes.
const message = "Confidential account of the incident. ".repeat(40).slice(0, MESSAGE_BYTES);
const key = generateKey();

interface Measurement {
  opsPerSecond: number;
  rounds: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measureHere(): Measurement {
  const fernet = new Fernet(key);
  const runRound = (seconds: number): number => {
    let operations = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    while (performance.now() < deadline) {
      for (let i = 0; i < 100; i += 1) {
        if (fernet.decryptText(fernet.encrypt(message)) !== message) throw new Error("round trip changed the message");
      }
      operations += 100;
    }
    return operations / ((performance.now() - started) / 1000);
  };
  runRound(0.5);
  const rounds = Array.from({ length: ROUNDS }, () => runRound(ROUND_SECONDS));
  return { opsPerSecond: median(rounds), rounds };
}

const PYTHON_SCRIPT = String.raw`
import json, sys, time
from cryptography.fernet import Fernet
key, message, rounds, seconds = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), float(sys.argv[4])
f = Fernet(key)
def run(duration):
    ops = 0
    start = time.perf_counter()
    while time.perf_counter() - start < duration:
        for _ in range(100):
            if f.decrypt(f.encrypt(message)) != message:
                raise SystemExit("round trip changed the message")
        ops += 100
    return ops / (time.perf_counter() - start)
run(0.5)
import cryptography
print(json.dumps({"rounds": [run(seconds) for _ in range(rounds)], "version": cryptography.__version__}))
`;

const NPM_SCRIPT = String.raw`
const fernet = require("fernet");
const [key, message, rounds, seconds] = process.argv.slice(1);
const secret = new fernet.Secret(key);
function run(duration) {
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < duration * 1000) {
    for (let i = 0; i < 10; i += 1) {
      const token = new fernet.Token({ secret }).encode(message);
      if (new fernet.Token({ secret, token, ttl: 0 }).decode() !== message) throw new Error("round trip changed the message");
    }
    ops += 10;
  }
  return ops / ((performance.now() - start) / 1000);
}
run(0.5);
const version = require("fernet/package.json").version;
process.stdout.write(JSON.stringify({ rounds: Array.from({ length: Number(rounds) }, () => run(Number(seconds))), version }));
`;

function measureChild(command: string, args: string[]): Measurement & { version: string } {
  const output = execFileSync(command, args, { cwd: root, encoding: "utf8", timeout: 120_000 });
  const { rounds, version } = JSON.parse(output) as { rounds: number[]; version: string };
  return { opsPerSecond: median(rounds), rounds, version };
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

function main(): void {
  const bika = measureHere();
  const python = measureChild("python3", ["-c", PYTHON_SCRIPT, key, message, String(ROUNDS), String(ROUND_SECONDS)]);
  const npm = measureChild(process.execPath, ["-e", NPM_SCRIPT, key, message, String(ROUNDS), String(ROUND_SECONDS)]);

  const ratioPython = bika.opsPerSecond / python.opsPerSecond;
  const ratioNpm = bika.opsPerSecond / npm.opsPerSecond;
  const result = {
    benchmark: "fernet encrypt+decrypt, 1 KB message",
    messageBytes: MESSAGE_BYTES,
    rounds: ROUNDS,
    roundSeconds: ROUND_SECONDS,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version },
    opsPerSecond: {
      bika: round(bika.opsPerSecond),
      pythonCryptography: round(python.opsPerSecond),
      npmFernet: round(npm.opsPerSecond),
    },
    versions: { pythonCryptography: python.version, npmFernet: npm.version },
    ratio: { overPython: round(ratioPython, 2), overNpmFernet: round(ratioNpm, 2) },
    targets: {
      overPython: TARGET_RATIO_PYTHON,
      overNpmFernet: TARGET_RATIO_NPM,
      met: ratioPython >= TARGET_RATIO_PYTHON && ratioNpm >= TARGET_RATIO_NPM,
    },
    roundsOpsPerSecond: { bika: bika.rounds.map((value) => round(value)), pythonCryptography: python.rounds.map((value) => round(value)), npmFernet: npm.rounds.map((value) => round(value)) },
  };
  console.log(JSON.stringify(result, null, 2));
}

main();
