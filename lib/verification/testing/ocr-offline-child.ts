// Child process for ocr-pool.test.ts: starts an OCR pool, reads one image and prints the text as JSON.
// The test runs it without network access and in an empty working directory.

import { readFile } from "node:fs/promises";
import pino from "pino";
import { createOcrPool } from "../ocr-pool";

async function main(): Promise<void> {
  const image = process.argv[2];
  if (!image) throw new Error("usage: ocr-offline-child.ts IMAGE");
  const pool = await createOcrPool({ size: 1, logger: pino({ level: "warn" }, pino.destination(2)) });
  try {
    const result = await pool.recognize(await readFile(image));
    const text = result.lines.map((line) => line.words.map((word) => word.text).join(" ")).join("\n");
    process.stdout.write(JSON.stringify({ text, confidence: result.confidence }));
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
