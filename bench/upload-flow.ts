import { createHash, randomBytes } from "node:crypto";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import type { Actor } from "@/lib/auth/types";
import { log } from "@/lib/log";
import { sniffContentType, SNIFF_BYTES } from "@/lib/media/sniff";
import { confirmUpload } from "@/lib/uploads/confirm-upload";
import { createUploadIntent } from "@/lib/uploads/create-upload-intent";
import { actorFor, createTenant, createUser, startUploadTestEnvironment } from "@/lib/uploads/test-factories";
import { S3RVER_CREDENTIALS } from "@/test/s3-server";

// Measures the browser-direct upload design against its alternatives on this machine:
//   1. upload intents per second from createUploadIntent behind a bare Node http server, next to a
//      server that only signs the same policy with createPresignedPost (no database);
//   2. app-server CPU per megabyte for the direct flow, where the server only issues the intent and
//      confirms while the bytes go to storage, against a Next.js-style route handler that receives
//      the whole file with formData().
// s3rver and the load generator run in a child process, so the parent's process.cpuUsage() counts
// only server work. PostgreSQL must be running on 127.0.0.1:5432 (see test/db.ts).
// Run: npx tsx bench/upload-flow.ts   (prints one JSON object)

const INTENT_REQUESTS = Number(process.env.BENCH_INTENT_REQUESTS ?? 2000);
const INTENT_CONCURRENCY = Number(process.env.BENCH_INTENT_CONCURRENCY ?? 16);
const WARMUP_REQUESTS = 200;
const FILE_SIZES_MB = [5, 20];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BUCKETS = { evidence: "bench-evidence", documents: "bench-documents" };
const MB = 1024 * 1024;

class Helper {
  private nextId = 1;
  private waiting = new Map<number, (result: unknown) => void>();

  constructor(private readonly child: ChildProcess) {
    child.on("message", (message: { id?: number; result?: unknown }) => {
      if (message.id !== undefined) this.waiting.get(message.id)?.(message.result);
    });
  }

  static async start(): Promise<{ helper: Helper; endpoint: string }> {
    const child = fork(path.join(__dirname, "upload-helper-process.ts"), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, BENCH_BUCKETS: Object.values(BUCKETS).join(",") },
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.once("message", (message: { type: string; endpoint: string }) => resolve(message.endpoint));
      child.once("exit", (code) => reject(new Error(`helper process exited with code ${code}`)));
    });
    return { helper: new Helper(child), endpoint };
  }

  call<T>(command: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (result) => resolve(result as T));
      this.child.send({ ...command, id });
    });
  }
}

function listen(
  handler: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      console.error(error);
      response.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Writes an MP4-looking file: a real `ftyp` box so the type sniff passes, then random bytes. */
async function writeVideo(directory: string, megabytes: number): Promise<string> {
  const ftyp = Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom"), 0, 0, 2, 0, ...Buffer.from("isomiso2")]);
  const file = path.join(directory, `bench-${megabytes}mb.mp4`);
  await writeFile(file, Buffer.concat([ftyp, randomBytes(megabytes * MB - ftyp.length)]));
  return file;
}

async function main() {
  // JSON result only on stdout; errors still reach stderr through console.error.
  log.level = "silent";
  const { helper, endpoint } = await Helper.start();
  const environment = await startUploadTestEnvironment({
    s3: { endpoint, ...S3RVER_CREDENTIALS, buckets: BUCKETS },
  });
  const scratch = await mkdtemp(path.join(os.tmpdir(), "bika-bench-"));
  const tenant = await createTenant(environment.db);
  const uploader = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
  const ctx = { requestId: "bench-upload-flow", locale: "en" as const };
  const s3 = new S3Client({
    region: "af-south-1",
    endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  // 1. Intents per second.
  // A resident may hold 30 pending intents, so the load rotates over enough residents that each
  // gets at most 25 and the limit never rejects a request.
  const residents: Actor[] = [];
  const residentsNeeded = Math.ceil((INTENT_REQUESTS + WARMUP_REQUESTS) / 25) + 1;
  for (let i = 0; i < residentsNeeded; i += 1) residents.push(actorFor(await createUser(environment.db, tenant, "resident"), tenant));
  let turn = 0;
  const appServer = await listen(async (request, response) => {
    const input = JSON.parse(await readBody(request)) as unknown;
    const actor = residents[turn++ % residents.length]!;
    const intent = await createUploadIntent(actor, input, ctx);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(intent));
  });
  const bareServer = await listen(async (request, response) => {
    const input = JSON.parse(await readBody(request)) as { declaredType: string };
    const key = `${tenant.id}/evidence/2026/01/${crypto.randomUUID()}`;
    const post = await createPresignedPost(s3, {
      Bucket: BUCKETS.evidence,
      Key: key,
      Conditions: [["content-length-range", 1, 15 * MB]],
      Fields: { "Content-Type": input.declaredType, "x-amz-server-side-encryption": "AES256" },
      Expires: 900,
    });
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(post));
  });
  const intentBody = JSON.stringify({ purpose: "evidence", filename: "pothole.jpg", declaredType: "image/jpeg", size: 2 * MB });
  const load = (url: string, requests: number) =>
    helper.call<{ requests: number; failed: number; seconds: number; p50Ms: number; p95Ms: number }>({
      type: "load",
      url,
      body: intentBody,
      requests,
      concurrency: INTENT_CONCURRENCY,
    });
  await load(appServer.url, WARMUP_REQUESTS);
  await load(bareServer.url, WARMUP_REQUESTS);
  const appRun = await load(appServer.url, INTENT_REQUESTS);
  const bareRun = await load(bareServer.url, INTENT_REQUESTS);
  await appServer.close();
  await bareServer.close();

  // 2. Server CPU per megabyte.
  const proxyServer = await listen(async (request, response) => {
    // A Next.js route handler receives a Web Request over the Node stream, as built here.
    const webRequest = new Request("http://127.0.0.1/upload", {
      method: "POST",
      headers: request.headers as Record<string, string>,
      body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    const form = await webRequest.formData();
    const file = form.get("file") as File;
    const bytes = Buffer.from(await file.arrayBuffer());
    await sniffContentType(bytes.subarray(0, SNIFF_BYTES));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await s3.send(new PutObjectCommand({ Bucket: BUCKETS.evidence, Key: `proxy/${sha256}`, Body: bytes, ContentType: file.type }));
    response.writeHead(204).end();
  });

  const cpu: Record<string, { directMsPerMb: number; proxyMsPerMb: number; directIntentMs: number; directConfirmMs: number }> = {};
  for (const megabytes of FILE_SIZES_MB) {
    const filePath = await writeVideo(scratch, megabytes);
    let directTotal = 0;
    let intentTotal = 0;
    let confirmTotal = 0;
    let proxyTotal = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const actor = uploader;
      let since = process.cpuUsage();
      const intent = await createUploadIntent(actor, { purpose: "evidence", filename: "clip.mp4", declaredType: "video/mp4", size: megabytes * MB }, ctx);
      const intentMs = cpuMs(since);
      const posted = await helper.call<{ status: number }>({ type: "post", url: intent.url, fields: intent.fields, filePath, filename: "clip.mp4" });
      if (posted.status !== 204) throw new Error(`direct POST to s3rver returned ${posted.status}`);
      since = process.cpuUsage();
      await confirmUpload(actor, intent.fileId, ctx);
      const confirmMs = cpuMs(since);
      intentTotal += intentMs;
      confirmTotal += confirmMs;
      directTotal += intentMs + confirmMs;

      since = process.cpuUsage();
      const proxied = await helper.call<{ status: number }>({ type: "post", url: proxyServer.url, fields: {}, filePath, filename: "clip.mp4" });
      proxyTotal += cpuMs(since);
      if (proxied.status !== 204) throw new Error(`proxy upload returned ${proxied.status}`);
    }
    const perMb = (total: number) => Number((total / ROUNDS / megabytes).toFixed(2));
    cpu[`${megabytes}MB`] = {
      directMsPerMb: perMb(directTotal),
      proxyMsPerMb: perMb(proxyTotal),
      directIntentMs: Number((intentTotal / ROUNDS).toFixed(2)),
      directConfirmMs: Number((confirmTotal / ROUNDS).toFixed(2)),
    };
  }
  await proxyServer.close();

  const perSecond = (run: { requests: number; seconds: number }) => Number((run.requests / run.seconds).toFixed(1));
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
        database: "PostgreSQL on 127.0.0.1 (test/db.ts)",
        storage: "s3rver 3.7 in a child process",
        intents: {
          concurrency: INTENT_CONCURRENCY,
          app: { perSecond: perSecond(appRun), ...appRun },
          bareSigner: { perSecond: perSecond(bareRun), ...bareRun },
          appShareOfBare: Number((perSecond(appRun) / perSecond(bareRun)).toFixed(3)),
        },
        serverCpuPerMegabyte: { rounds: ROUNDS, ...cpu },
      },
      null,
      2,
    ),
  );

  await rm(scratch, { recursive: true, force: true });
  await environment.close();
  await helper.call({ type: "stop" });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
