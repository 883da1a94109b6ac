// Measures signed WhatsApp webhook requests per second and latency with autocannon on 127.0.0.1:
//   - "route": the real route handler (app/api/whatsapp/webhook/route.ts: signature check, tenant
//     lookup, MessageSid claim, conversation step, stored reply, TwiML) behind a small Node http
//     server, against a seeded PostgreSQL database;
//   - "bare": a Node http handler that only reads the body and checks the signature.
// Each server runs in its own child process; autocannon and the request signing run here. Every
// request carries a fresh MessageSid and one of SENDERS numbers, with the text "hi", to which the
// route replies with the menu. PostgreSQL must be running on 127.0.0.1:5432 (see test/db.ts).
// The runs at full speed also report CPU time per request: the server process's own (from
// process.cpuUsage in the child), this process's (autocannon and the signing), and PostgreSQL's,
// summed over the backends connected to the benchmark database from /proc/PID/stat. That last one
// needs PostgreSQL on this machine and Linux; elsewhere it is null.
// Run: npx tsx bench/whatsapp-webhook.ts   (prints one JSON object; about 45 s)
// Targets: the route reaches at least half the bare handler's requests per second, and its p99
// latency stays under 50 ms at a steady 100 requests per second.
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const CONNECTIONS = 10;
const STEADY_RATE = 100;
const SENDERS = 2000;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;

const PUBLIC_BASE_URL = "https://bench.municipality.test";
const WEBHOOK_PATH = "/api/whatsapp/webhook";
const AUTH_TOKEN = "bench-auth-token-000000000000000";
const ACCOUNT_SID = `AC${"0".repeat(32)}`;
const TSHWANE_NUMBER = "+27105550100";
/** Clock ticks per second of /proc/PID/stat times (`getconf CLK_TCK`), 100 on Linux for x86 and ARM. Node cannot read it. */
const PROC_TICKS_PER_SECOND = 100;

type Mode = "route" | "bare";

// autocannon 9 ships without type declarations; this is the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p97_5: number; p99: number; max: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests: { method: string; path: string; setupRequest: (request: AutocannonRequest) => AutocannonRequest }[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)("autocannon") as Autocannon;

async function serve(mode: Mode): Promise<void> {
  const { NextRequest } = await import("next/server");
  const { POST } = await import("@/app/api/whatsapp/webhook/route");
  const { parseFormBody } = await import("@/lib/whatsapp/form-body");
  const { isValidTwilioSignature, signedWebhookUrl } = await import("@/lib/whatsapp/twilio-signature");

  const server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${incoming.url}`;

    if (mode === "bare") {
      const params = parseFormBody(body.toString("utf8"));
      const signature = typeof incoming.headers["x-twilio-signature"] === "string" ? incoming.headers["x-twilio-signature"] : null;
      const valid = isValidTwilioSignature({ authToken: AUTH_TOKEN, signature, url: signedWebhookUrl(PUBLIC_BASE_URL, url), params });
      outgoing.writeHead(valid ? 200 : 403, { "Content-Type": "text/xml; charset=utf-8" });
      outgoing.end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      return;
    }

    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === "string") headers.set(name, value);
    const response = await POST(new NextRequest(url, { method: incoming.method, headers, body }), { params: Promise.resolve({}) });
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.on("message", (message) => {
    if (message !== "cpu") return;
    const usage = process.cpuUsage();
    process.send!({ cpuMicros: usage.user + usage.system });
  });
  process.send!({ port: (server.address() as AddressInfo).port });
}

async function startServer(mode: Mode, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(__filename, ["--serve", mode], { execArgv: ["--import", "tsx"], env });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve(message.port));
    child.once("exit", (code) => reject(new Error(`the ${mode} server exited with code ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Returns the CPU time the server process has used so far, in microseconds. */
function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { cpuMicros?: number }) => {
      if (message.cpuMicros === undefined) return;
      child.off("message", onMessage);
      resolve(message.cpuMicros);
    };
    child.on("message", onMessage);
    child.send("cpu");
  });
}

/**
 * Returns the CPU time used so far by the given processes, in microseconds, or null when /proc
 * cannot be read (not Linux, or PostgreSQL on another machine).
 */
function processCpuMicros(pids: number[]): number | null {
  let ticks = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
    // Fields 14 and 15 (utime, stime) counted from the first field after the ")" that ends the command name.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks / PROC_TICKS_PER_SECOND) * 1e6;
}

/** Runs a load and reports CPU microseconds per request of the server, this process and PostgreSQL's backends. */
async function loadWithCpu(url: string, child: ChildProcess, postgresPids: () => Promise<number[]>, options: { duration: number }) {
  const pids = await postgresPids();
  const before = { server: await serverCpuMicros(child), self: process.cpuUsage(), postgres: processCpuMicros(pids) };
  const result = await load(url, options);
  const server = (await serverCpuMicros(child)) - before.server;
  const self = process.cpuUsage(before.self);
  const postgresAfter = processCpuMicros(pids);
  const perRequest = (micros: number) => Math.round(micros / result.requests);
  return {
    ...result,
    cpuMicrosPerRequest: {
      server: perRequest(server),
      loadGenerator: perRequest(self.user + self.system),
      postgres: before.postgres === null || postgresAfter === null ? null : perRequest(postgresAfter - before.postgres),
    },
  };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Builds a fresh signed inbound message per request, the way Twilio would send it. */
function signedRequests(): { method: string; path: string; setupRequest: (request: AutocannonRequest) => AutocannonRequest }[] {
  const twilio = createRequire(__filename)("twilio") as { getExpectedTwilioSignature: (token: string, url: string, params: Record<string, string>) => string };
  return [
    {
      method: "POST",
      path: WEBHOOK_PATH,
      setupRequest: (request) => {
        const messageSid = `SM${randomBytes(16).toString("hex")}`;
        const sender = `+27827${String(Math.floor(Math.random() * SENDERS)).padStart(6, "0")}`;
        const params: [string, string][] = [
          ["SmsMessageSid", messageSid],
          ["NumMedia", "0"],
          ["ProfileName", "Bench Resident"],
          ["MessageType", "text"],
          ["SmsSid", messageSid],
          ["WaId", sender.slice(1)],
          ["SmsStatus", "received"],
          ["Body", "hi"],
          ["To", `whatsapp:${TSHWANE_NUMBER}`],
          ["NumSegments", "1"],
          ["ReferralNumMedia", "0"],
          ["MessageSid", messageSid],
          ["AccountSid", ACCOUNT_SID],
          ["From", `whatsapp:${sender}`],
          ["ApiVersion", "2010-04-01"],
        ];
        const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${WEBHOOK_PATH}`, Object.fromEntries(params));
        return {
          ...request,
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
          body: new URLSearchParams(params).toString(),
        };
      },
    },
  ];
}

function summarize(result: AutocannonResult) {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    latencyMs: { average: result.latency.average, p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function load(url: string, options: { duration: number; overallRate?: number }) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: options.duration, overallRate: options.overallRate, requests: signedRequests() });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${result.non2xx} responses were not 2xx and ${result.errors} requests failed; the measurement is not valid`);
  }
  return summarize(result);
}

async function main(): Promise<void> {
  const { createTestDatabase } = await import("@/test/db");
  const { seed } = await import("@/db/seed");
  const database = await createTestDatabase();
  const { sql } = await import("drizzle-orm");
  const { toRows } = await import("@/db/client");
  const postgresPids = async () => {
    const rows = await database.db.execute(sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
    return toRows<{ pid: number }>(rows).map((row) => row.pid);
  };
  try {
    await seed(database.db);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "silent",
      DATABASE_URL: database.url,
      PUBLIC_BASE_URL,
      APP_SECRET: randomBytes(32).toString("hex"),
      ENCRYPTION_KEY_CURRENT: randomBytes(32).toString("base64").replaceAll("+", "-").replaceAll("/", "_"),
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: "",
    };

    const bare = await startServer("bare", env);
    await load(bare.url, { duration: WARMUP_SECONDS });
    const bareMax = await loadWithCpu(bare.url, bare.child, async () => [], { duration: DURATION_SECONDS });
    await stopServer(bare.child);

    const route = await startServer("route", env);
    await load(route.url, { duration: WARMUP_SECONDS });
    const routeMax = await loadWithCpu(route.url, route.child, postgresPids, { duration: DURATION_SECONDS });
    const routeSteady = await load(route.url, { duration: DURATION_SECONDS, overallRate: STEADY_RATE });
    await stopServer(route.child);

    const ratio = Number((routeMax.requestsPerSecond / bareMax.requestsPerSecond).toFixed(3));
    console.log(
      JSON.stringify(
        {
          benchmark: "whatsapp-webhook",
          machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version },
          settings: { durationSeconds: DURATION_SECONDS, connections: CONNECTIONS, senders: SENDERS, steadyRate: STEADY_RATE, logLevel: "silent" },
          bare: bareMax,
          route: routeMax,
          routeAtSteadyRate: routeSteady,
          ratio,
          targets: {
            ratio: { target: TARGET_RATIO, met: ratio >= TARGET_RATIO },
            p99AtSteadyRateMs: { target: TARGET_P99_MS, met: routeSteady.latencyMs.p99 < TARGET_P99_MS },
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await database.drop();
  }
}

const serveIndex = process.argv.indexOf("--serve");
if (serveIndex >= 0) {
  void serve(process.argv[serveIndex + 1] as Mode);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
