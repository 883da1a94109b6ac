import { openAsBlob } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { resetEnvForTests } from "@/lib/env";
import { log } from "@/lib/log";
import { resetStorageForTests } from "@/lib/storage";
import { receiveLocalUpload } from "@/lib/storage/local-upload";
import { startS3Server } from "@/test/s3-server";

// Child process of bench/upload-flow.ts, so that none of its work counts in the parent's CPU time.
// With the argument "browser" it hosts s3rver and acts as the browser (load generator and file
// poster). With "local-storage" it is the storage service of the local driver: this product's own
// upload route, writing to the folder the parent's driver reads. Commands arrive over the IPC
// channel; each gets one reply with the same `id`.

type Command =
  | { id: number; type: "load"; url: string; body: string; requests: number; concurrency: number }
  | { id: number; type: "post"; url: string; fields: Record<string, string>; filePath: string; filename: string }
  | { id: number; type: "cpu" }
  | { id: number; type: "stop" };

async function runLoad(command: Extract<Command, { type: "load" }>) {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < command.requests) {
      next += 1;
      const sent = performance.now();
      const response = await fetch(command.url, { method: "POST", body: command.body, headers: { "content-type": "application/json" } });
      await response.arrayBuffer();
      if (!response.ok) failed += 1;
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(2));
  return { requests: command.requests, failed, seconds: Number(seconds.toFixed(3)), p50Ms: percentile(50), p95Ms: percentile(95) };
}

async function postFile(command: Extract<Command, { type: "post" }>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(command.fields)) form.append(name, value);
  form.append("file", await openAsBlob(command.filePath), command.filename);
  const started = performance.now();
  const response = await fetch(command.url, { method: "POST", body: form });
  await response.arrayBuffer();
  return { status: response.status, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) };
}

/** Serves the local driver's upload route, as `next start` would, on a free port of 127.0.0.1. */
async function startLocalStorage(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  // The parent passes STORAGE_DIR and APP_SECRET; S3 settings would switch the driver to S3.
  for (const name of ["S3_BUCKET_EVIDENCE", "S3_BUCKET_DOCUMENTS", "S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) delete process.env[name];
  resetEnvForTests();
  resetStorageForTests();
  log.level = "silent";
  const server = http.createServer((request, response) => {
    const webRequest = new Request(`http://127.0.0.1${request.url}`, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    receiveLocalUpload(webRequest, log)
      .then(async (answer) => {
        response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
      })
      .catch((error: unknown) => {
        console.error(error);
        response.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function main() {
  const mode = process.argv[2];
  let close: () => Promise<void>;
  let endpoint: string;
  if (mode === "browser") {
    const buckets = (process.env.BENCH_BUCKETS ?? "bench-evidence,bench-documents").split(",");
    const s3 = await startS3Server({ buckets });
    ({ endpoint, close } = s3);
  } else if (mode === "local-storage") {
    ({ endpoint, close } = await startLocalStorage());
  } else {
    throw new Error(`upload-helper-process: expected "browser" or "local-storage" as the argument, got ${JSON.stringify(mode)}`);
  }
  process.send!({ type: "ready", endpoint });

  process.on("message", async (message: Command) => {
    if (message.type === "stop") {
      await close();
      process.send!({ id: message.id, result: null }, () => process.exit(0));
      return;
    }
    let result: unknown;
    if (message.type === "load") result = await runLoad(message);
    else if (message.type === "post") result = await postFile(message);
    else result = process.cpuUsage();
    process.send!({ id: message.id, result });
  });
}

void main();
