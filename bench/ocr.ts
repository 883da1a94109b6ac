// Measures the proof-of-residence reader on the fixture bills: per-field accuracy against the
// ground-truth JSON beside each document, and seconds per page. Prints JSON on stdout.
//
//   npx tsx bench/ocr.ts [--runs N]
//
// Every document is read N times (default 1) by one OCR worker, one document at a time, so the
// seconds are those of a single core. The OCR pool's start-up is timed separately; the first PDF read
// also pays for loading pdf.js, which a second run shows.

import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { z } from "zod";
import { COMPARED_FIELDS, compareWithGroundTruth, GroundTruth, type ComparedField } from "../lib/verification/ground-truth";
import { createOcrPool } from "../lib/verification/ocr-pool";
import { readProofOfResidence } from "../lib/verification/read-proof-of-residence";

const FIXTURES = path.join(__dirname, "..", "test", "fixtures", "proof-of-residence");
/** The date the fixtures were made; their statements are judged against it. */
const REFERENCE_DATE = "2026-12-04";
const DOCUMENT_EXTENSIONS = [".pdf", ".png", ".jpg", ".jpeg"];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "1" } } });
  const runs = z.coerce.number().int().min(1, "--runs must be at least 1").max(20).parse(values.runs);

  const names = (await readdir(FIXTURES)).filter((name) => DOCUMENT_EXTENSIONS.includes(path.extname(name).toLowerCase())).sort();
  const logger = pino({ level: "warn" }, pino.destination(2));

  const poolStarted = performance.now();
  const pool = await createOcrPool({ size: 1, logger });
  const poolStartSeconds = (performance.now() - poolStarted) / 1000;

  const documents = [];
  const tally = Object.fromEntries(COMPARED_FIELDS.map((field) => [field, { correct: 0, total: 0 }])) as Record<
    ComparedField,
    { correct: number; total: number }
  >;
  const seconds = { ocr: { seconds: 0, pages: 0 }, text_layer: { seconds: 0, pages: 0 } };

  try {
    for (const name of names) {
      const base = name.slice(0, -path.extname(name).length);
      const truth = GroundTruth.parse(JSON.parse(await readFile(path.join(FIXTURES, `${base}.json`), "utf8")));
      const bytes = await readFile(path.join(FIXTURES, name));

      const runSeconds: number[] = [];
      const wrong: Record<string, { expected: string | null; actual: string | null }> = {};
      let last: Awaited<ReturnType<typeof readProofOfResidence>> | null = null;
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        const reading = await readProofOfResidence(bytes, { tenantSlug: "tshwane", uploadedAt: REFERENCE_DATE }, async () => pool);
        const elapsed = (performance.now() - started) / 1000;
        runSeconds.push(round(elapsed));
        seconds[reading.source].seconds += elapsed;
        seconds[reading.source].pages += reading.pagesRead;

        const comparison = compareWithGroundTruth(reading.fields, truth);
        for (const field of COMPARED_FIELDS) {
          tally[field].total += 1;
          if (comparison[field].correct) tally[field].correct += 1;
          else wrong[field] = { expected: comparison[field].expected, actual: comparison[field].actual };
        }
        last = reading;
      }

      documents.push({
        file: name,
        quality: truth.quality,
        source: last?.source,
        pagesRead: last?.pagesRead,
        secondsPerRun: runSeconds,
        textConfidence: last?.textConfidence,
        statementDateCheck: last?.checks.statementDate.status,
        wrong,
      });
    }
  } finally {
    await pool.close();
  }

  const fieldAccuracy = Object.fromEntries(
    COMPARED_FIELDS.map((field) => [field, { ...tally[field], accuracy: round(tally[field].correct / tally[field].total) }]),
  );
  const all = Object.values(tally).reduce((sum, entry) => ({ correct: sum.correct + entry.correct, total: sum.total + entry.total }), { correct: 0, total: 0 });

  const result = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
    runs,
    poolStartSeconds: round(poolStartSeconds),
    secondsPerPage: {
      ocr: seconds.ocr.pages > 0 ? round(seconds.ocr.seconds / seconds.ocr.pages) : null,
      textLayer: seconds.text_layer.pages > 0 ? round(seconds.text_layer.seconds / seconds.text_layer.pages) : null,
    },
    overallAccuracy: round(all.correct / all.total),
    fieldAccuracy,
    documents,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/ocr.ts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
