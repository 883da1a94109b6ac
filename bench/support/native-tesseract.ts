// Runs the native `tesseract` command (Debian's tesseract-ocr package) on an image and turns its TSV
// output into the PageText shape that lib/verification/extract-fields.ts reads, so the benchmark can
// compare it with Bika's reader field by field. Used by bench/ocr.ts only; the product never runs it.

import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import type { PageText, TextLine, TextWord } from "../../lib/verification/types";

const run = promisify(execFile);

export const NATIVE_INSTALL_HINT = "install it for the benchmark with: sudo apt-get install -y tesseract-ocr tesseract-ocr-eng";

/**
 * Arguments after the image path. `--psm 3` is tesseract's default: automatic page segmentation
 * without orientation detection. The `tsv` output configuration, shipped with tesseract, prints each
 * word with its box and confidence from the same recognition as the plain text output.
 */
export const NATIVE_ARGUMENTS = ["stdout", "--psm", "3", "tsv"] as const;

/** Time limit for one page, after which the command is killed and the benchmark fails. */
const TIMEOUT_MS = 120_000;

export type NativeTesseract = { available: true; version: string } | { available: false; message: string };

/** Checks that `tesseract` is on the PATH and has English data, without failing when it is not. */
export function detectNativeTesseract(): NativeTesseract {
  const version = spawnSync("tesseract", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) {
    const reason = version.error ? version.error.message : `exit code ${String(version.status)}`;
    return { available: false, message: `The tesseract command was not found or failed (${reason}); ${NATIVE_INSTALL_HINT}` };
  }
  const languages = spawnSync("tesseract", ["--list-langs"], { encoding: "utf8" });
  const listed = `${languages.stdout ?? ""}`.split("\n").map((line) => line.trim());
  if (!listed.includes("eng")) {
    return { available: false, message: `The tesseract command has no English language data; ${NATIVE_INSTALL_HINT}` };
  }
  // tesseract 5.3 prints its version to stdout; stderr is read too in case another release uses it.
  const firstLine = `${version.stdout ?? ""}${version.stderr ?? ""}`.split("\n")[0]?.trim() ?? "unknown";
  return { available: true, version: firstLine };
}

/**
 * Environments the benchmark runs the command in. Debian builds tesseract with OpenMP, and its man
 * page (tesseract 5.3.0, ENVIRONMENT VARIABLES) states that it then uses four cores, which performs badly on
 * hosts with fewer. OMP_THREAD_LIMIT=1, from the same page, keeps it to one core like Bika's worker.
 */
export const NATIVE_VARIANTS = {
  default: { OMP_THREAD_LIMIT: undefined },
  singleThread: { OMP_THREAD_LIMIT: "1" },
} as const;
export type NativeVariant = keyof typeof NATIVE_VARIANTS;

/** Recognises one image with the native command and returns its words grouped into lines. */
export async function readWithNativeTesseract(imagePath: string, variant: NativeVariant): Promise<PageText> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OMP_THREAD_LIMIT;
  const limit = NATIVE_VARIANTS[variant].OMP_THREAD_LIMIT;
  if (limit !== undefined) env.OMP_THREAD_LIMIT = limit;

  const { stdout } = await run("tesseract", [imagePath, ...NATIVE_ARGUMENTS], {
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: TIMEOUT_MS,
  });
  return parseTsv(stdout);
}

// TSV columns: level page_num block_num par_num line_num word_num left top width height conf text.
// Level 1 is the page, 4 a line and 5 a word; a word's conf is 0..100 and -1 on the other levels.
function parseTsv(tsv: string): PageText {
  let width = 0;
  let height = 0;
  const lines = new Map<string, TextLine>();
  const confidences: number[] = [];

  for (const row of tsv.split("\n").slice(1)) {
    const cells = row.split("\t");
    if (cells.length < 12) continue;
    const [level, , block, paragraph, line, , left, top, boxWidth, boxHeight, confidence] = cells.slice(0, 11).map(Number);
    const text = cells.slice(11).join("\t").trim();
    const box = { x0: left ?? 0, y0: top ?? 0, x1: (left ?? 0) + (boxWidth ?? 0), y1: (top ?? 0) + (boxHeight ?? 0) };
    const key = `${String(block)}.${String(paragraph)}.${String(line)}`;

    if (level === 1) {
      width = boxWidth ?? 0;
      height = boxHeight ?? 0;
    } else if (level === 4) {
      lines.set(key, { words: [], box });
    } else if (level === 5 && text !== "") {
      const word: TextWord = { text, confidence: Math.max(0, confidence ?? 0) / 100, box };
      confidences.push(word.confidence);
      const owner = lines.get(key);
      if (owner) owner.words.push(word);
      else lines.set(key, { words: [word], box });
    }
  }

  const mean = confidences.length === 0 ? 0 : confidences.reduce((sum, value) => sum + value, 0) / confidences.length;
  return {
    pageNumber: 1,
    width,
    height,
    lines: [...lines.values()].filter((line) => line.words.length > 0),
    confidence: mean,
  };
}
