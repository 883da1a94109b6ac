// The OCR worker pool: tesseract.js workers (WebAssembly in worker threads) behind one scheduler,
// created once per process and closed on shutdown. Language data comes from the npm package
// @tesseract.js-data/eng, so recognition never downloads anything.

import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import type { Worker as ThreadWorker } from "node:worker_threads";
import { createScheduler, createWorker, OEM, PSM, type Page, type Scheduler, type Worker } from "tesseract.js";
import { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log, type Logger } from "@/lib/log";
import { resolvePackageFile } from "./resolve-package-file";
import type { TextLine, TextWord } from "./types";

/** Workers when neither the caller nor the OCR_POOL_SIZE setting names a size; lib/env.ts has the same default. */
export const DEFAULT_OCR_POOL_SIZE = 1;

/**
 * A job that has not finished after this long is failed. Tesseract cannot cancel a running job, so
 * the pool is then closed and the next `getOcrPool` call builds a new one. A 300 dpi A4 page takes
 * about 4 s on one core of the development machine (bench/ocr.ts).
 */
const JOB_TIMEOUT_MS = 120_000;

const PoolOptions = z.object({
  size: z
    .number({ message: "OCR pool size must be a number" })
    .int("OCR pool size must be a whole number")
    .min(1, "OCR pool size must be at least 1")
    .max(16, "OCR pool size must be at most 16; each worker holds about 100 MB"),
});

export interface OcrResult {
  lines: TextLine[];
  /** 0..1; tesseract's mean word confidence divided by 100. */
  confidence: number;
}

export interface OcrPool {
  readonly size: number;
  /** Recognises English text in an image (PNG, JPEG or another format tesseract reads). */
  recognize(image: Buffer): Promise<OcrResult>;
  /** Ends the workers; jobs still waiting fail with an `unavailable` AppError. */
  close(): Promise<void>;
  /** False once the pool is closed or a worker has died. */
  readonly usable: boolean;
}

export interface OcrPoolOptions {
  size: number;
  logger?: Logger;
}

/** Files tesseract.js loads at run time: its worker script and the English LSTM model. */
export function resolveTesseractPaths(): { workerPath: string; langPath: string } {
  const workerPath = resolvePackageFile("tesseract.js/src/worker-script/node/index.js");
  // 4.0.0_best_int contains the LSTM-only model; the package's default folder (4.0.0) adds the legacy
  // engine's data, which the LSTM engine used here never reads.
  const langPath = path.join(path.dirname(resolvePackageFile("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
  const model = path.join(langPath, "eng.traineddata.gz");
  if (!fs.existsSync(model)) {
    throw new AppError("unavailable", `OCR language data not found at ${model}; run npm ci to install @tesseract.js-data/eng`);
  }
  return { workerPath, langPath };
}

/** Starts `size` tesseract workers. Prefer `getOcrPool`, which keeps one pool per process. */
export async function createOcrPool(options: OcrPoolOptions): Promise<OcrPool> {
  const parsed = PoolOptions.safeParse({ size: options.size });
  if (!parsed.success) {
    throw new AppError("invalid_input", `${parsed.error.issues.map((issue) => issue.message).join("; ")} (got ${String(options.size)})`);
  }
  const { size } = parsed.data;
  const logger = options.logger ?? log.child({ module: "verification.ocr" });
  const { workerPath, langPath } = resolveTesseractPaths();

  const scheduler: Scheduler = createScheduler();
  const workers: Worker[] = [];
  const pending = new Set<(error: Error) => void>();
  let usable = true;

  const failPending = (error: Error) => {
    for (const reject of pending) reject(error);
    pending.clear();
  };

  const startWorker = async (index: number): Promise<Worker> => {
    const worker = await createWorker("eng", OEM.LSTM_ONLY, {
      workerPath,
      langPath,
      // "none" neither reads nor writes a cached copy of the model; the default writes
      // eng.traineddata into the working directory.
      cacheMethod: "none",
      cachePath: langPath,
      gzip: true,
      logger: () => {},
      errorHandler: (error: unknown) => logger.warn({ worker: index, err: String(error) }, "OCR job failed"),
    }, { debug_file: "/dev/null" } as Record<string, string>);
    // Tesseract prints warnings ("Invalid resolution") through its debug file; /dev/null silences
    // them, so a command's standard output stays machine-readable.
    await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: "300" });

    const thread = (worker as unknown as { worker?: ThreadWorker }).worker;
    thread?.on("error", (error) => {
      logger.error({ worker: index, err: error }, "OCR worker crashed");
      usable = false;
      failPending(new AppError("unavailable", "The OCR worker stopped unexpectedly; try again", { cause: error }));
    });
    return worker;
  };

  try {
    for (let index = 0; index < size; index += 1) {
      const worker = await startWorker(index);
      workers.push(worker);
      scheduler.addWorker(worker);
    }
  } catch (error) {
    await Promise.allSettled(workers.map((worker) => worker.terminate()));
    logger.error({ err: error }, "OCR workers could not start");
    throw new AppError("unavailable", `OCR could not start: ${String(error)}`, { cause: error });
  }
  logger.info({ size }, "OCR pool started");

  const close = async () => {
    if (!usable && workers.length === 0) return;
    usable = false;
    failPending(new AppError("unavailable", "The OCR pool was closed before the job finished"));
    const exits = workers.map((worker) => {
      const thread = (worker as unknown as { worker?: ThreadWorker | null }).worker;
      return thread ? once(thread, "exit").catch(() => undefined) : Promise.resolve();
    });
    await Promise.allSettled(workers.map((worker) => worker.terminate()));
    await Promise.allSettled(exits);
    workers.length = 0;
    await scheduler.terminate();
    logger.info({ size }, "OCR pool closed");
  };

  const recognize = async (image: Buffer): Promise<OcrResult> => {
    if (!usable) throw new AppError("unavailable", "The OCR pool is closed; create a new one");
    let timer: NodeJS.Timeout | undefined;
    let rejectJob: ((error: Error) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
      rejectJob = reject;
      pending.add(reject);
      timer = setTimeout(() => {
        logger.error({ timeoutMs: JOB_TIMEOUT_MS }, "OCR job timed out; closing the pool");
        reject(new AppError("unavailable", `OCR did not finish within ${JOB_TIMEOUT_MS / 1000} s`));
        void close();
      }, JOB_TIMEOUT_MS);
    });
    try {
      const job = scheduler.addJob("recognize", image, {}, { text: false, blocks: true });
      const result = await Promise.race([job, failure]);
      return toOcrResult(result.data);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("internal", `OCR failed: ${String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (rejectJob) pending.delete(rejectJob);
    }
  };

  return {
    size,
    recognize,
    close,
    get usable() {
      return usable;
    },
  };
}

function toOcrResult(page: Page): OcrResult {
  const lines: TextLine[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words: TextWord[] = line.words
          .filter((word) => word.text.trim() !== "")
          .map((word) => ({ text: word.text.trim(), confidence: word.confidence / 100, box: { ...word.bbox } }));
        if (words.length > 0) lines.push({ words, box: { ...line.bbox } });
      }
    }
  }
  return { lines, confidence: page.confidence / 100 };
}

// Next.js evaluates this module once per route bundle, so the shared pool lives on globalThis.
const globalForOcr = globalThis as typeof globalThis & { __bikaOcrPool?: Promise<OcrPool> };

/**
 * Returns the process's OCR pool, starting it on first use with `size` workers
 * (default: the OCR_POOL_SIZE setting). Later calls return the same pool whatever size they pass, unless
 * it was closed or a worker died, in which case a new pool is started.
 */
export async function getOcrPool(options: { size?: number; logger?: Logger } = {}): Promise<OcrPool> {
  const existing = globalForOcr.__bikaOcrPool;
  if (existing) {
    const pool = await existing.catch(() => null);
    if (pool?.usable) return pool;
    if (globalForOcr.__bikaOcrPool === existing) globalForOcr.__bikaOcrPool = undefined;
  }
  globalForOcr.__bikaOcrPool ??= createOcrPool({ size: options.size ?? env().ocrPoolSize, logger: options.logger });
  return globalForOcr.__bikaOcrPool;
}

/** Closes the shared pool, if one was started; call it on shutdown so the process can exit. */
export async function closeOcrPool(): Promise<void> {
  const existing = globalForOcr.__bikaOcrPool;
  globalForOcr.__bikaOcrPool = undefined;
  const pool = await existing?.catch(() => null);
  await pool?.close();
}
