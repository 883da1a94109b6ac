import { openAsBlob } from "node:fs";
import { startS3Server } from "@/test/s3-server";

// Child process of bench/upload-flow.ts. It hosts s3rver and acts as the browser (load generator
// and file poster), so none of that work is counted in the parent's CPU time. Commands arrive
// over the IPC channel; each gets one reply with the same `id`.

type Command =
  | { id: number; type: "load"; url: string; body: string; requests: number; concurrency: number }
  | { id: number; type: "post"; url: string; fields: Record<string, string>; filePath: string; filename: string }
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

async function main() {
  const buckets = (process.env.BENCH_BUCKETS ?? "bench-evidence,bench-documents").split(",");
  const s3 = await startS3Server({ buckets });
  process.send!({ type: "ready", endpoint: s3.endpoint });

  process.on("message", async (message: Command) => {
    if (message.type === "stop") {
      await s3.close();
      process.send!({ id: message.id, result: null }, () => process.exit(0));
      return;
    }
    const result = message.type === "load" ? await runLoad(message) : await postFile(message);
    process.send!({ id: message.id, result });
  });
}

void main();
