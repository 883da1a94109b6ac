// Reads a proof-of-residence document and prints the extracted fields, their confidences and the
// residence checks as JSON on stdout. Errors go to stderr: exit status 2 for bad arguments, 1 for a
// file that cannot be read.
//
//   npx tsx scripts/ocr.ts FILE [--tenant SLUG] [--resident-name NAME] [--uploaded-at YYYY-MM-DD] [--text]

import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pino from "pino";
import { z } from "zod";
import { southAfricanDate, toIsoDate } from "../lib/verification/dates";
import { DocumentRejectedError } from "../lib/verification/document-rejected-error";
import { createOcrPool, type OcrPool } from "../lib/verification/ocr-pool";
import { readProofOfResidence } from "../lib/verification/read-proof-of-residence";

const USAGE = `Usage: npx tsx scripts/ocr.ts FILE [options]

Reads a bill (JPEG, PNG, WebP, TIFF or PDF) and prints its fields and residence checks as JSON.

Options:
  --tenant SLUG           tenant whose municipality the address must lie in (default: tshwane)
  --resident-name NAME    registered name to compare with the account holder
  --uploaded-at DATE      upload date, YYYY-MM-DD; the statement must be at most 3 months older
                          (default: today in South Africa)
  --text                  include the text that was read
  --help                  show this help
`;

const Arguments = z.object({
  file: z.string().min(1, "FILE is required"),
  tenant: z.string().regex(/^[a-z0-9-]+$/, "--tenant must be a slug such as tshwane (lower-case letters, digits, hyphens)"),
  residentName: z.string().trim().min(1, "--resident-name must not be empty").optional(),
  uploadedAt: z
    .string()
    .refine((value) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      return match !== null && toIsoDate(Number(match[1]), Number(match[2]), Number(match[3])) === value;
    }, "--uploaded-at must be a real date written YYYY-MM-DD, such as 2026-12-04"),
  includeText: z.boolean(),
});

function parseCommandLine(argv: string[]): z.infer<typeof Arguments> | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      "resident-name": { type: "string" },
      "uploaded-at": { type: "string" },
      text: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return "help";
  if (positionals.length > 1) throw new UsageError(`expected one FILE, got ${positionals.length}: ${positionals.join(" ")}`);
  const parsed = Arguments.safeParse({
    file: positionals[0] ?? "",
    tenant: values.tenant ?? "tshwane",
    residentName: values["resident-name"],
    uploadedAt: values["uploaded-at"] ?? southAfricanDate(new Date()),
    includeText: values.text ?? false,
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  return parsed.data;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  let options: z.infer<typeof Arguments> | "help";
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    process.stderr.write(`Cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  // Log lines go to stderr so that stdout carries only the JSON result.
  const logger = pino({ level: "warn", base: { service: "bika-ocr" } }, pino.destination(2));
  // Started on the first page that needs OCR, so a PDF with a text layer never starts tesseract.
  const ocr: { pool: Promise<OcrPool> | null } = { pool: null };
  try {
    const reading = await readProofOfResidence(
      bytes,
      { tenantSlug: options.tenant, residentName: options.residentName ?? null, uploadedAt: options.uploadedAt },
      () => (ocr.pool ??= createOcrPool({ size: 1, logger })),
    );
    const { text, ...summary } = reading;
    const output = { file: options.file, tenant: options.tenant, uploadedAt: options.uploadedAt, ...summary, ...(options.includeText ? { text } : {}) };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof DocumentRejectedError) {
      process.stderr.write(`Rejected (${error.reason}): ${error.message}\n`);
    } else {
      process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 1;
  } finally {
    const pool = await ocr.pool?.catch(() => null);
    await pool?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
