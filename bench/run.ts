// Runs every benchmark program in bench/ one after another, each in its own process so one
// benchmark's memory and CPU do not skew the next, and prints each program's JSON result.
// Usage: npm run bench [-- NAME ...]   (NAME is a file name in bench/ without .ts, e.g. fernet)
// Results and the machine they were measured on are recorded in docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const HELPER_PROCESSES = new Set(["run", "upload-helper-process"]);

const available = fs
  .readdirSync(__dirname)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -".ts".length))
  .filter((name) => !HELPER_PROCESSES.has(name))
  .sort();

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(", ")}. Available: ${available.join(", ")}`);
  process.exit(2);
}
const selected = requested.length > 0 ? requested : available;

console.log(
  JSON.stringify({
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  }),
);

let failures = 0;
for (const name of selected) {
  console.log(`\n== ${name}`);
  const started = performance.now();
  const result = spawnSync("npx", ["tsx", path.join(__dirname, `${name}.ts`)], { stdio: "inherit", env: { ...process.env, LOG_LEVEL: "silent" } });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failures += 1;
    console.error(`${name} failed with exit code ${result.status} after ${seconds} s`);
  } else {
    console.log(`${name} finished in ${seconds} s`);
  }
}
process.exit(failures > 0 ? 1 : 0);
