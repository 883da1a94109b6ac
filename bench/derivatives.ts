// Measures evidence-derivative throughput and peak memory against a bare sharp resize of the same
// 12-megapixel JPEGs, both in one process and one run. Usage: npx tsx bench/derivatives.ts
// Prints one JSON object. Targets: derivatives reach at least 0.8 of the bare throughput, and the
// process's resident set size stays under 512 MB while processing.

import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { DISPLAY_MAX_SIDE, makeDerivatives } from "@/lib/media/derivatives";

const IMAGE_COUNT = 8;
const IMAGE_WIDTH = 4000;
const IMAGE_HEIGHT = 3000;
/** Timed passes over all images, per mode; modes alternate pass by pass so drift hits both alike. */
const PASSES = 4;
const RSS_SAMPLE_INTERVAL_MS = 5;
const TARGET_RATIO = 0.8;
const TARGET_PEAK_RSS_MB = 512;
const MB = 1024 * 1024;

interface ModeResult {
  images: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
}

const GENERATE_FLAG = "--generate";

async function main(): Promise<void> {
  const generateIndex = process.argv.indexOf(GENERATE_FLAG);
  if (generateIndex >= 0) {
    await generateImages(process.argv[generateIndex + 1]!);
    return;
  }

  // libvips' operation cache would serve repeated runs over the same buffers from memory, which a
  // worker that processes each upload once never benefits from.
  sharp.cache(false);

  const dir = await mkdtemp(path.join(os.tmpdir(), "bika-bench-derivatives-"));
  try {
    // The images are made in a child process, so the memory that making them takes does not count
    // towards the peak measured here.
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, GENERATE_FLAG, dir], { stdio: "inherit" });
    if (child.status !== 0) throw new Error(`generating the test images failed with exit status ${child.status}`);
    const files = (await readdir(dir)).sort().map((name) => path.join(dir, name));
    const inputs = await Promise.all(files.map((file) => readFile(file)));
    const startRss = process.memoryUsage().rss;

    // One untimed pass per mode loads the code paths and libvips' thread pool.
    await runPass("bare", inputs);
    await runPass("derivatives", inputs);

    const totals = { bare: emptyTotals(), derivatives: emptyTotals() };
    for (let pass = 0; pass < PASSES; pass += 1) {
      for (const mode of ["bare", "derivatives"] as const) {
        const result = await runPass(mode, inputs);
        totals[mode].seconds += result.seconds;
        totals[mode].images += inputs.length;
        totals[mode].peakRss = Math.max(totals[mode].peakRss, result.peakRss);
      }
    }

    const bare = toModeResult(totals.bare);
    const derivatives = toModeResult(totals.derivatives);
    const ratio = round(derivatives.perSecond / bare.perSecond, 3);
    const output = {
      benchmark: "evidence derivatives vs bare sharp resize",
      command: "npx tsx bench/derivatives.ts",
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version },
      sharp: { version: sharp.versions.sharp, libvips: sharp.versions.vips, concurrency: sharp.concurrency() },
      input: {
        images: IMAGE_COUNT,
        width: IMAGE_WIDTH,
        height: IMAGE_HEIGHT,
        meanBytes: Math.round(inputs.reduce((sum, input) => sum + input.length, 0) / inputs.length),
        orientation6Images: IMAGE_COUNT / 2,
      },
      passes: PASSES,
      rssBeforeProcessingMb: round(startRss / MB, 1),
      bare: { description: `sharp resize to ${DISPLAY_MAX_SIDE} px longest side, JPEG out`, ...bare },
      derivatives: { description: "makeDerivatives: display and thumbnail", ...derivatives },
      ratio,
      peakRssMb: Math.max(bare.peakRssMb, derivatives.peakRssMb),
      targets: { ratio: TARGET_RATIO, peakRssMb: TARGET_PEAK_RSS_MB },
      meetsTargets: ratio >= TARGET_RATIO && derivatives.peakRssMb < TARGET_PEAK_RSS_MB,
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes distinct 4000 × 3000 JPEGs of gradients with noise, so they neither compress to nothing
 * nor all look alike. Half carry EXIF orientation 6, as portrait phone photos do, so the timed
 * derivatives include the 90° turn that the bare resize skips.
 */
async function generateImages(dir: string): Promise<void> {
  const pixels = Buffer.alloc(IMAGE_WIDTH * IMAGE_HEIGHT * 3);
  for (let index = 0; index < IMAGE_COUNT; index += 1) {
    fillGradientWithNoise(pixels, index);
    const file = path.join(dir, `photo-${index}.jpg`);
    const jpeg = await sharp(pixels, { raw: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, channels: 3 } })
      .jpeg({ quality: 88 })
      .withMetadata({ orientation: index % 2 === 0 ? 1 : 6 })
      .toBuffer();
    await writeFile(file, jpeg);
  }
}

function fillGradientWithNoise(pixels: Buffer, seed: number): void {
  let state = 0x9e3779b9 ^ (seed * 0x85ebca6b);
  for (let y = 0; y < IMAGE_HEIGHT; y += 1) {
    for (let x = 0; x < IMAGE_WIDTH; x += 1) {
      // xorshift32 noise, about ±24 levels around the gradient.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const noise = ((state >>> 24) % 49) - 24;
      const offset = (y * IMAGE_WIDTH + x) * 3;
      pixels[offset] = clamp(((x * 255) / IMAGE_WIDTH + seed * 29) % 256 + noise);
      pixels[offset + 1] = clamp(((y * 255) / IMAGE_HEIGHT + seed * 53) % 256 + noise);
      pixels[offset + 2] = clamp((((x + y) * 255) / (IMAGE_WIDTH + IMAGE_HEIGHT) + seed * 71) % 256 - noise);
    }
  }
}

async function runPass(mode: "bare" | "derivatives", inputs: Buffer[]): Promise<{ seconds: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, RSS_SAMPLE_INTERVAL_MS);

  const started = process.hrtime.bigint();
  try {
    for (const input of inputs) {
      if (mode === "bare") {
        await sharp(input).resize({ width: DISPLAY_MAX_SIDE, height: DISPLAY_MAX_SIDE, fit: "inside" }).toBuffer();
      } else {
        const result = await makeDerivatives(input);
        if (!result.ok) throw new Error(`makeDerivatives failed on a generated image: ${result.error.message}`);
      }
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
}

function emptyTotals(): { images: number; seconds: number; peakRss: number } {
  return { images: 0, seconds: 0, peakRss: 0 };
}

function toModeResult(totals: { images: number; seconds: number; peakRss: number }): ModeResult {
  return {
    images: totals.images,
    seconds: round(totals.seconds, 3),
    perSecond: round(totals.images / totals.seconds, 2),
    peakRssMb: round(totals.peakRss / MB, 1),
  };
}

function clamp(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/derivatives failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
