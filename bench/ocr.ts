// Measures the proof-of-residence reader on the fixture bills: per-field accuracy against the
// ground-truth JSON beside each document, and seconds per page. Then compares it with the native
// `tesseract` command on the same images, upright and turned by 90, 180 and 270 degrees. Prints JSON on
// stdout.
//
//   npx tsx bench/ocr.ts [--runs N] [--pool-size N]
//
// Every document is read N times (default 1) by one OCR worker, one document at a time, so the
// seconds are those of a single core. The OCR pool's start-up is timed separately; the first PDF read
// also pays for loading pdf.js, which a second run shows.
//
// The image pages are then read again through a pool of --pool-size workers, as many pages at a
// time as there are workers. The default of 2 is the OCR_POOL_SIZE a two-core server would set,
// while the product's own default is 1. Native tesseract reads each group right after, and the wall
// times of the set are compared. Its default runs four threads on one page, so both use every core.
//
// The comparison needs Debian's tesseract-ocr and tesseract-ocr-eng packages, installed for the
// benchmark only; without them it is skipped with a message. Native tesseract's words go through the
// same extractFields and ground-truth comparison as Bika's. The two engines read each page one after
// the other, never at the same time, so they do not compete for cores. Native tesseract runs twice per
// page: with its default threads and with OMP_THREAD_LIMIT=1. Native seconds include starting the
// process and loading its model, which every run of the command pays.

import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import sharp from "sharp";
import { z } from "zod";
import { extractFields } from "../lib/verification/extract-fields";
import { COMPARED_FIELDS, compareWithGroundTruth, GroundTruth, type ComparedField } from "../lib/verification/ground-truth";
import { createOcrPool, type OcrPool } from "../lib/verification/ocr-pool";
import { readProofOfResidence } from "../lib/verification/read-proof-of-residence";
import type { ExtractedFields } from "../lib/verification/types";
import { detectNativeTesseract, NATIVE_ARGUMENTS, NATIVE_VARIANTS, readWithNativeTesseract, type NativeVariant } from "./support/native-tesseract";

const FIXTURES = path.join(__dirname, "..", "test", "fixtures", "proof-of-residence");
/** The date the fixtures were made; their statements are judged against it. */
const REFERENCE_DATE = "2026-12-04";
const DOCUMENT_EXTENSIONS = [".pdf", ".png", ".jpg", ".jpeg"];
const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];
const TURNS = [90, 180, 270] as const;

/** Targets for Bika against native tesseract on the same pages. */
const MAX_TIME_RATIO = 0.6;
const MIN_FIELDS_RIGHT_RATIO = 1;

type Orientation = "upright" | "rotated";

interface Page {
  /** Fixture file the page came from. */
  file: string;
  /** Clockwise degrees the fixture was turned before reading. */
  rotation: 0 | (typeof TURNS)[number];
  imagePath: string;
  bytes: Buffer;
  truth: GroundTruth;
  isImage: boolean;
}

interface FieldCount {
  correct: number;
  total: number;
}

/** Counts right fields per compared field and returns the mismatches of one comparison. */
class FieldTally {
  readonly counts = Object.fromEntries(COMPARED_FIELDS.map((field) => [field, { correct: 0, total: 0 }])) as Record<ComparedField, FieldCount>;

  add(fields: ExtractedFields, truth: GroundTruth): Record<string, { expected: string | null; actual: string | null }> {
    const comparison = compareWithGroundTruth(fields, truth);
    const wrong: Record<string, { expected: string | null; actual: string | null }> = {};
    for (const field of COMPARED_FIELDS) {
      this.counts[field].total += 1;
      if (comparison[field].correct) this.counts[field].correct += 1;
      else wrong[field] = { expected: comparison[field].expected, actual: comparison[field].actual };
    }
    return wrong;
  }

  all(): FieldCount {
    return Object.values(this.counts).reduce((sum, entry) => ({ correct: sum.correct + entry.correct, total: sum.total + entry.total }), { correct: 0, total: 0 });
  }

  summary() {
    const all = this.all();
    return {
      fieldsRight: all.correct,
      fieldsCompared: all.total,
      accuracy: all.total > 0 ? round(all.correct / all.total) : null,
      fieldAccuracy: Object.fromEntries(
        COMPARED_FIELDS.map((field) => [field, { ...this.counts[field], accuracy: this.counts[field].total > 0 ? round(this.counts[field].correct / this.counts[field].total) : null }]),
      ),
    };
  }
}

/** Accuracy by orientation and wall time of one engine over the compared image pages. */
class EngineTally {
  readonly fields: Record<Orientation, FieldTally> = { upright: new FieldTally(), rotated: new FieldTally() };
  seconds = 0;
  pages = 0;

  add(page: Page, fields: ExtractedFields, seconds: number) {
    this.seconds += seconds;
    this.pages += 1;
    return this.fields[page.rotation === 0 ? "upright" : "rotated"].add(fields, page.truth);
  }

  fieldsRight(orientation?: Orientation): number {
    if (orientation) return this.fields[orientation].all().correct;
    return this.fields.upright.all().correct + this.fields.rotated.all().correct;
  }

  summary() {
    return {
      totalSeconds: round(this.seconds),
      pages: this.pages,
      secondsPerPage: this.pages > 0 ? round(this.seconds / this.pages) : null,
      fieldsRight: this.fieldsRight(),
      upright: this.fields.upright.summary(),
      rotated: this.fields.rotated.summary(),
    };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "1" }, "pool-size": { type: "string", default: "2" } } });
  const runs = z.coerce.number().int().min(1, "--runs must be at least 1").max(20).parse(values.runs);
  const poolSize = z.coerce.number().int().min(1, "--pool-size must be at least 1").max(8, "--pool-size must be at most 8").parse(values["pool-size"]);

  const native = detectNativeTesseract();
  if (!native.available) process.stderr.write(`bench/ocr.ts: skipping the native tesseract comparison. ${native.message}\n`);

  const tempDir = await mkdtemp(path.join(os.tmpdir(), "bika-ocr-bench-"));
  try {
    const pages = await loadPages(tempDir);
    const logger = pino({ level: "warn" }, pino.destination(2));

    const poolStarted = performance.now();
    const pool = await createOcrPool({ size: 1, logger });
    const poolStartSeconds = (performance.now() - poolStarted) / 1000;

    let measured: Awaited<ReturnType<typeof measurePages>>;
    try {
      measured = await measurePages(pages, pool, runs, native.available);
    } finally {
      await pool.close();
    }

    const sharedPool = await createOcrPool({ size: poolSize, logger });
    let pooled: Awaited<ReturnType<typeof measurePool>>;
    try {
      pooled = await measurePool(pages.filter((page) => page.isImage), sharedPool, runs, native.available);
    } finally {
      await sharedPool.close();
    }

    const all = measured.tally.all();
    const result = {
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
      runs,
      poolStartSeconds: round(poolStartSeconds),
      secondsPerPage: {
        ocr: measured.seconds.ocr.pages > 0 ? round(measured.seconds.ocr.seconds / measured.seconds.ocr.pages) : null,
        textLayer: measured.seconds.text_layer.pages > 0 ? round(measured.seconds.text_layer.seconds / measured.seconds.text_layer.pages) : null,
      },
      overallAccuracy: round(all.correct / all.total),
      fieldAccuracy: measured.tally.summary().fieldAccuracy,
      documents: measured.documents,
      nativeComparison: native.available
        ? compareEngines(measured.bika, measured.native, native.version, measured.comparedPages)
        : { skipped: native.message, bika: measured.bika.summary(), pages: measured.comparedPages },
      poolComparison: {
        poolSize,
        pagesAtATime: poolSize,
        bika: pooled.bika.summary(),
        pageSeconds: pooled.pageSeconds,
        ...(native.available
          ? {
              native: { default: pooled.native.default.summary(), singleThread: pooled.native.singleThread.summary() },
              againstNative: againstNative(pooled.bika, pooled.native),
            }
          : {}),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** Loads every fixture document, and writes turned copies of the images into `tempDir`. */
async function loadPages(tempDir: string): Promise<Page[]> {
  const names = (await readdir(FIXTURES)).filter((name) => DOCUMENT_EXTENSIONS.includes(path.extname(name).toLowerCase())).sort();
  const pages: Page[] = [];
  for (const name of names) {
    const extension = path.extname(name).toLowerCase();
    const base = name.slice(0, -extension.length);
    const truth = GroundTruth.parse(JSON.parse(await readFile(path.join(FIXTURES, `${base}.json`), "utf8")));
    const imagePath = path.join(FIXTURES, name);
    const bytes = await readFile(imagePath);
    const isImage = IMAGE_EXTENSIONS.includes(extension);
    pages.push({ file: name, rotation: 0, imagePath, bytes, truth, isImage });
    if (!isImage) continue;

    for (const rotation of TURNS) {
      // withMetadata keeps the density, so both engines see the same resolution as for the original.
      const turned = sharp(bytes).rotate(rotation).withMetadata();
      const encoded = extension === ".png" ? await turned.png().toBuffer() : await turned.jpeg({ quality: 95 }).toBuffer();
      const turnedPath = path.join(tempDir, `${base}_${rotation}${extension}`);
      await writeFile(turnedPath, encoded);
      pages.push({ file: name, rotation, imagePath: turnedPath, bytes: encoded, truth, isImage });
    }
  }
  return pages;
}

/**
 * Reads every page `runs` times with Bika's reader and, for images, with native tesseract right after.
 * Upright pages feed the original per-document figures; all image pages feed the comparison.
 */
async function measurePages(pages: Page[], pool: OcrPool, runs: number, withNative: boolean) {
  const tally = new FieldTally();
  const seconds = { ocr: { seconds: 0, pages: 0 }, text_layer: { seconds: 0, pages: 0 } };
  const documents = [];
  const bika = new EngineTally();
  const native: Record<NativeVariant, EngineTally> = { default: new EngineTally(), singleThread: new EngineTally() };
  const comparedPages = [];

  for (const page of pages) {
    const runSeconds: number[] = [];
    const nativeSeconds: Record<NativeVariant, number[]> = { default: [], singleThread: [] };
    let wrong: Record<string, { expected: string | null; actual: string | null }> = {};
    let nativeWrong: Record<string, { expected: string | null; actual: string | null }> = {};
    let last: Awaited<ReturnType<typeof readProofOfResidence>> | null = null;

    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const reading = await readProofOfResidence(page.bytes, { tenantSlug: "tshwane", uploadedAt: REFERENCE_DATE }, async () => pool);
      const elapsed = (performance.now() - started) / 1000;
      runSeconds.push(round(elapsed));
      last = reading;

      if (page.rotation === 0) {
        seconds[reading.source].seconds += elapsed;
        seconds[reading.source].pages += reading.pagesRead;
        wrong = { ...wrong, ...tally.add(reading.fields, page.truth) };
      }
      if (page.isImage) {
        const mismatches = bika.add(page, reading.fields, elapsed);
        if (page.rotation !== 0) wrong = { ...wrong, ...mismatches };
      }

      if (page.isImage && withNative) {
        for (const variant of Object.keys(NATIVE_VARIANTS) as NativeVariant[]) {
          const nativeStarted = performance.now();
          const text = await readWithNativeTesseract(page.imagePath, variant);
          const fields = extractFields({ source: "ocr", format: "image", pageCount: 1, pages: [text] });
          const nativeElapsed = (performance.now() - nativeStarted) / 1000;
          nativeSeconds[variant].push(round(nativeElapsed));
          // The thread limit did not change the recognised fields on the fixtures, so the mismatches are merged.
          nativeWrong = { ...nativeWrong, ...native[variant].add(page, fields, nativeElapsed) };
        }
      }
    }

    if (page.rotation === 0) {
      documents.push({
        file: page.file,
        quality: page.truth.quality,
        source: last?.source,
        pagesRead: last?.pagesRead,
        secondsPerRun: runSeconds,
        textConfidence: last?.textConfidence,
        statementDateCheck: last?.checks.statementDate.status,
        wrong,
      });
    }
    if (page.isImage) {
      comparedPages.push({
        file: page.file,
        rotation: page.rotation,
        bika: { secondsPerRun: runSeconds, wrong },
        ...(withNative ? { native: { secondsPerRun: nativeSeconds, wrong: nativeWrong } } : {}),
      });
    }
  }
  return { tally, seconds, documents, bika, native, comparedPages };
}

/**
 * Reads the image pages through a pool of several workers, as many pages at a time as the pool has
 * workers. Native tesseract reads each group of pages right after Bika, one page at a time, so both
 * see the same load from other work on the machine. The Bika tally's seconds are wall time per group.
 */
async function measurePool(pages: Page[], pool: OcrPool, runs: number, withNative: boolean) {
  const bika = new EngineTally();
  const native: Record<NativeVariant, EngineTally> = { default: new EngineTally(), singleThread: new EngineTally() };
  const pageSeconds: { file: string; rotation: number; seconds: number }[] = [];
  for (let run = 0; run < runs; run += 1) {
    for (let first = 0; first < pages.length; first += pool.size) {
      const group = pages.slice(first, first + pool.size);
      const started = performance.now();
      await Promise.all(
        group.map(async (page) => {
          const pageStarted = performance.now();
          const reading = await readProofOfResidence(page.bytes, { tenantSlug: "tshwane", uploadedAt: REFERENCE_DATE }, async () => pool);
          bika.add(page, reading.fields, 0);
          pageSeconds.push({ file: page.file, rotation: page.rotation, seconds: round((performance.now() - pageStarted) / 1000) });
        }),
      );
      bika.seconds += (performance.now() - started) / 1000;
      if (!withNative) continue;

      for (const page of group) {
        for (const variant of Object.keys(NATIVE_VARIANTS) as NativeVariant[]) {
          const nativeStarted = performance.now();
          const text = await readWithNativeTesseract(page.imagePath, variant);
          const fields = extractFields({ source: "ocr", format: "image", pageCount: 1, pages: [text] });
          native[variant].add(page, fields, (performance.now() - nativeStarted) / 1000);
        }
      }
    }
  }
  return { bika, native, pageSeconds };
}

/** Ratios of Bika to each native variant, and whether each target is met. */
function compareEngines(bika: EngineTally, native: Record<NativeVariant, EngineTally>, version: string, pages: unknown[]) {
  return {
    nativeCommand: `tesseract IMAGE ${NATIVE_ARGUMENTS.join(" ")}`,
    nativeVersion: version,
    nativeVariants: { default: "OMP_THREAD_LIMIT unset", singleThread: "OMP_THREAD_LIMIT=1" },
    bika: bika.summary(),
    native: { default: native.default.summary(), singleThread: native.singleThread.summary() },
    againstNative: againstNative(bika, native),
    pages,
  };
}

function againstNative(bika: EngineTally, native: Record<NativeVariant, EngineTally>) {
  const ratio = (numerator: number, denominator: number) => (denominator > 0 ? round(numerator / denominator) : null);

  const against = (reference: EngineTally) => {
    const fieldsAtLeast = (orientation?: Orientation) => bika.fieldsRight(orientation) >= MIN_FIELDS_RIGHT_RATIO * reference.fieldsRight(orientation);
    return {
      ratios: {
        bikaSecondsPerNativeSecond: reference.seconds > 0 ? Math.round((bika.seconds / reference.seconds) * 1000) / 1000 : null,
        bikaFieldsRightPerNativeFieldRight: ratio(bika.fieldsRight(), reference.fieldsRight()),
        uprightFieldsRight: ratio(bika.fieldsRight("upright"), reference.fieldsRight("upright")),
        rotatedFieldsRight: ratio(bika.fieldsRight("rotated"), reference.fieldsRight("rotated")),
      },
      targets: {
        // Judged on the unrounded seconds: a ratio of 0.604 prints as 0.6 but misses the target.
        [`timeAtMost${MAX_TIME_RATIO}OfNative`]: reference.seconds > 0 && bika.seconds <= MAX_TIME_RATIO * reference.seconds,
        fieldsRightAtLeastNative: fieldsAtLeast(),
        uprightFieldsRightAtLeastNative: fieldsAtLeast("upright"),
        rotatedFieldsRightAtLeastNative: fieldsAtLeast("rotated"),
      },
    };
  };

  return { default: against(native.default), singleThread: against(native.singleThread) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/ocr.ts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
