// Turns an uploaded photo or scan into an image tesseract reads well: orientation from EXIF, grey,
// text lines horizontal, text at about 300 dpi size, contrast stretched, and turned right way up when
// upside-down.ts finds the text upside down. When that test is unsure, read-image.ts settles it with OCR.

import sharp, { type Metadata, type Sharp } from "sharp";
import { DocumentRejectedError } from "./document-rejected-error";
import { detectUpsideDown, type UpsideDownDecision } from "./upside-down";

/** Larger images are refused before they are decoded; 50 MP is well above a 600 dpi A4 scan (35 MP). */
export const MAX_INPUT_PIXELS = 50_000_000;

/** Upscaling stops at this size, which keeps tesseract's memory per page near 150 MB. */
const MAX_OCR_PIXELS = 36_000_000;

const SUPPORTED_FORMATS = new Set(["jpeg", "png", "webp", "tiff"]);

/**
 * Line heights, in pixels from the top of the tallest letters to the bottom of the lowest, that decide
 * the resize. The body lines of a statement scanned at 300 dpi (the Tshwane fixture) measure 29 px with
 * this file's method, so 20 px is that type at about 200 dpi and 14 px at about 145 dpi.
 *
 * Lines under UPSCALE_BELOW are scaled up to UPSCALED_LINE_HEIGHT, by at most MAX_UPSCALE, and lines
 * over DOWNSCALE_ABOVE (about 750 dpi) are scaled down to DOWNSCALED_LINE_HEIGHT. Between the two the
 * page keeps its size, because tesseract's time grows with the pixels it reads while its accuracy did
 * not on the fixtures. Tesseract's documentation (ImproveQuality) states that it works best at 300 dpi
 * or more, and an earlier measurement found that scaling 100 dpi copies of the fixtures up to 30 px
 * lines raised the mean confidence from 0.83 to 0.93. Measured with tesseract.js 7 on the development
 * machine, the phone photo (16 px lines) read at its own size gave every field and a mean confidence
 * of 0.90 in about 1.2 s. Scaled up to 30 px lines (17 MP) it gave 0.89 in about 4 s. The Tshwane scan
 * shrunk to 12 px lines and scaled up to 20 px gave every field at 0.93 to 0.94, and at 15 px still 0.91.
 */
export const UPSCALED_LINE_HEIGHT = 20;
const UPSCALE_BELOW = 14;
const DOWNSCALED_LINE_HEIGHT = 30;
const DOWNSCALE_ABOVE = 75;
const MAX_UPSCALE = 3;

/** Maximum width and height of the downscaled copy used to measure skew and line height. */
const ANALYSIS_SIZE = 1200;
/** Skew angles searched, in degrees either side of horizontal (and of vertical). */
const MAX_SKEW = 20;
/** Skew below this many degrees is left alone; tesseract copes with it and resampling costs detail. */
const MIN_SKEW_CORRECTION = 0.2;
/** Line direction counts as certain when one direction's profile is this much sharper than the other's. */
const DIRECTION_MARGIN = 1.25;

export interface PreparedImage {
  /**
   * Greyscale binary PGM (P5) of the prepared page, which tesseract.js's Leptonica reads without
   * decompressing. The resolution tesseract assumes comes from the pool's user_defined_dpi setting.
   */
  image: Buffer;
  /** The same pixels without the PGM header, one byte per pixel, row by row. */
  pixels: Buffer;
  width: number;
  height: number;
  /** Quarter turn applied, clockwise degrees, so text lines run horizontally (up or upside down). */
  quarterTurn: 0 | 90;
  /** Whether the page was also turned 180 degrees because its text was found upside down. */
  turnedUpsideDown: boolean;
  /** The upside-down test on the pixels; "unknown" leaves the decision to read-image.ts. */
  upsideDown: UpsideDownDecision;
  /** Skew corrected, clockwise degrees, on top of the quarter turn. */
  skewAngle: number;
  /** Whether the text lines' direction was clearly horizontal or vertical before turning. */
  directionCertain: boolean;
  /** Resize factor applied. */
  scale: number;
  /** Median text line height in the prepared image, pixels; null when no text lines were found. */
  lineHeight: number | null;
}

export interface SourcePixels {
  data: Buffer;
  width: number;
  height: number;
}

/** Checks the header only, so a decompression bomb is rejected before any pixel is decoded. */
export async function assertReadableImage(input: Buffer): Promise<{ format: string; width: number; height: number }> {
  let metadata: Metadata;
  try {
    metadata = await sharp(input).metadata();
  } catch (error) {
    throw new DocumentRejectedError(
      "unsupported_type",
      "The file is not an image or PDF that can be read. Upload a JPEG or PNG photo, or a PDF, of the bill.",
      { cause: error },
    );
  }
  if (!SUPPORTED_FORMATS.has(metadata.format ?? "")) {
    throw new DocumentRejectedError(
      "unsupported_type",
      `Images of type ${metadata.format ?? "unknown"} cannot be read. Upload a JPEG or PNG photo, or a PDF, of the bill.`,
    );
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new DocumentRejectedError(
      "too_many_pixels",
      `The image is ${width} × ${height} pixels (${(width * height / 1e6).toFixed(0)} megapixels); the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels. Upload a smaller photo or scan.`,
    );
  }
  if (width === 0 || height === 0) {
    throw new DocumentRejectedError("empty", "The image has no pixels. Upload a photo or scan of the bill.");
  }
  return { format: metadata.format ?? "", width, height };
}

/** Prepares an image for OCR; rejects unsupported, corrupt and oversized images with a reason. */
export async function prepareImage(input: Buffer): Promise<PreparedImage> {
  await assertReadableImage(input);
  const source = await decodeGrey(input);
  const analysis = await analyseLayout(source);

  const measured = analysis.lineHeight;
  let scale = 1;
  if (measured !== null && measured < UPSCALE_BELOW) scale = Math.min(MAX_UPSCALE, UPSCALED_LINE_HEIGHT / measured);
  if (measured !== null && measured > DOWNSCALE_ABOVE) scale = DOWNSCALED_LINE_HEIGHT / measured;
  scale = Math.min(scale, Math.sqrt(MAX_OCR_PIXELS / (source.width * source.height)));

  const skew = Math.abs(analysis.skewAngle) >= MIN_SKEW_CORRECTION ? analysis.skewAngle : 0;
  const rotation = analysis.quarterTurn - skew;
  // One sharp pipeline resizes and turns. With raw input and fit "fill", sharp (0.35) applies the
  // resize to the page as decoded and then turns it, for quarter turns and other angles alike.
  let pipeline = sharp(source.data, { raw: { width: source.width, height: source.height, channels: 1 } });
  if (scale !== 1) {
    pipeline = pipeline.resize({
      width: Math.max(1, Math.round(source.width * scale)),
      height: Math.max(1, Math.round(source.height * scale)),
      fit: "fill",
      kernel: "lanczos3",
    });
  }
  if (rotation !== 0) pipeline = pipeline.rotate(rotation, { background: { r: 255, g: 255, b: 255 } });
  const page = await toGreyPixels(pipeline);
  stretchContrast(page.data);

  const lineHeight = measured === null ? null : Math.round(measured * scale);
  const upsideDown = await detectUpsideDown(page, lineHeight);
  const turnedUpsideDown = upsideDown.orientation === "upside_down";
  // In a one-byte-per-pixel image stored row by row, reversing the bytes turns it 180 degrees.
  if (turnedUpsideDown) page.data.reverse();
  const image = toPgm(page);

  return {
    image,
    pixels: image.subarray(image.length - page.data.length),
    width: page.width,
    height: page.height,
    quarterTurn: analysis.quarterTurn,
    turnedUpsideDown,
    upsideDown,
    skewAngle: round2(skew),
    directionCertain: analysis.directionCertain,
    scale: round2(scale),
    lineHeight,
  };
}

/** Share of the darkest and of the brightest pixels that the contrast stretch clips, like sharp's normalise(). */
const CONTRAST_CLIP = 0.01;

// Stretches grey levels linearly so the 1st percentile becomes black and the 99th white, in place.
// sharp's normalise() does the same but took about 0.5 s on a 9 MP page, ten times this loop.
function stretchContrast(pixels: Buffer): void {
  const histogram = new Uint32Array(256);
  for (const value of pixels) histogram[value] = (histogram[value] ?? 0) + 1;
  const clip = pixels.length * CONTRAST_CLIP;
  let low = 0;
  for (let seen = 0; low < 255 && seen + (histogram[low] ?? 0) <= clip; low += 1) seen += histogram[low] ?? 0;
  let high = 255;
  for (let seen = 0; high > 0 && seen + (histogram[high] ?? 0) <= clip; high -= 1) seen += histogram[high] ?? 0;
  if (high <= low) return;
  const table = new Uint8Array(256);
  for (let level = 0; level < 256; level += 1) table[level] = Math.max(0, Math.min(255, Math.round(((level - low) * 255) / (high - low))));
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = table[pixels[index] ?? 0] ?? 0;
}

/** Wraps one-channel pixels in a binary PGM header (Netpbm P5, maximum grey 255). */
export function toPgm(page: SourcePixels): Buffer {
  const header = Buffer.from(`P5\n${page.width} ${page.height}\n255\n`, "latin1");
  const image = Buffer.allocUnsafe(header.length + page.data.length);
  header.copy(image, 0);
  page.data.copy(image, header.length);
  return image;
}

async function decodeGrey(input: Buffer): Promise<SourcePixels> {
  try {
    return await toGreyPixels(
      sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
        .autoOrient()
        .flatten({ background: { r: 255, g: 255, b: 255 } }),
    );
  } catch (error) {
    throw new DocumentRejectedError(
      "corrupt",
      "The image could not be decoded; the file may be damaged or incomplete. Take a new photo or scan and upload it again.",
      { cause: error },
    );
  }
}

// Raw one-channel pixels. sharp writes raw output in sRGB (three channels) unless the output colour
// space is set, even when its input was one raw channel.
async function toGreyPixels(pipeline: Sharp): Promise<SourcePixels> {
  const { data, info } = await pipeline.toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one channel after greyscale conversion, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

/** Returns the prepared page turned clockwise by a multiple of 90 degrees, as a PGM. */
export async function turnImage(page: { pixels: Buffer; width: number; height: number }, degrees: 90 | 180 | 270): Promise<Buffer> {
  const turned = await toGreyPixels(sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: 1 } }).rotate(degrees));
  return toPgm(turned);
}

/** Returns the prepared page resized by `scale`, for quick orientation probes, as raw pixels. */
export async function resizeImage(page: { pixels: Buffer; width: number; height: number }, scale: number): Promise<SourcePixels> {
  return toGreyPixels(
    sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: 1 } }).resize({
      width: Math.max(1, Math.round(page.width * scale)),
      height: Math.max(1, Math.round(page.height * scale)),
      fit: "fill",
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Layout analysis: which way the text lines run, how far they are tilted, and how tall they are.
// It works on the ink pixels of a downscaled copy, projected onto lines at each candidate angle. At the
// right angle the projection has tall peaks (text lines) and empty valleys (the spacing between them).

interface LayoutAnalysis {
  quarterTurn: 0 | 90;
  /** Clockwise tilt of the text lines, degrees, after the quarter turn. */
  skewAngle: number;
  directionCertain: boolean;
  /** Median text line height in source pixels, or null when no lines were found. */
  lineHeight: number | null;
}

/** Measures line direction, skew and line height of a greyscale page. */
export async function analyseLayout(source: SourcePixels): Promise<LayoutAnalysis> {
  const factor = Math.min(1, ANALYSIS_SIZE / Math.max(source.width, source.height));
  const width = Math.max(1, Math.round(source.width * factor));
  const height = Math.max(1, Math.round(source.height * factor));
  const raw = { raw: { width: source.width, height: source.height, channels: 1 as const } };
  const small = (await toGreyPixels(sharp(source.data, raw).resize({ width, height, fit: "fill" }))).data;
  const asRaw = { raw: { width, height, channels: 1 as const } };
  const background = (await toGreyPixels(sharp(small, asRaw).blur(8))).data;
  const paper = await paperMask(background, width, height);

  const points = inkPoints(small, background, paper, width, height);
  if (points.count < 50) {
    return { quarterTurn: 0, skewAngle: 0, directionCertain: false, lineHeight: null };
  }

  const horizontal = searchAngle(points, "rows");
  const vertical = searchAngle(points, "columns");
  const quarterTurn = vertical.score > horizontal.score ? 90 : 0;
  const best = quarterTurn === 90 ? vertical : horizontal;
  const other = quarterTurn === 90 ? horizontal : vertical;
  const lineHeight = measureLineHeight(points, best.angle, quarterTurn === 90 ? "columns" : "rows");

  return {
    quarterTurn,
    skewAngle: best.angle,
    directionCertain: best.score >= DIRECTION_MARGIN * other.score,
    lineHeight: lineHeight === null ? null : lineHeight / factor,
  };
}

// Pixels well inside the sheet of paper. A photo shows the page on a table, and the page's edges
// against the table are long straight lines that would outweigh the text in the profiles. Paper is
// whatever is brighter than 60% of the brightest areas. Shrinking that region by a few pixels drops
// the edges; the shrinking is a blur of the mask, after which only pixels that stay fully white count.
async function paperMask(background: Buffer, width: number, height: number): Promise<Buffer> {
  const sorted = Uint8Array.from(background).sort();
  const bright = sorted[Math.floor(sorted.length * 0.95)] ?? 255;
  const threshold = 0.6 * bright;
  const mask = Buffer.alloc(background.length);
  for (let index = 0; index < background.length; index += 1) mask[index] = (background[index] ?? 0) >= threshold ? 255 : 0;
  return (await toGreyPixels(sharp(mask, { raw: { width, height, channels: 1 } }).blur(4))).data;
}

interface InkPoints {
  xs: Float64Array;
  ys: Float64Array;
  count: number;
}

// A pixel is ink when it lies on paper and is clearly darker than its neighbourhood. Comparing with a
// local mean keeps shadows and uneven light out of the profile.
function inkPoints(pixels: Buffer, background: Buffer, paper: Buffer, width: number, height: number): InkPoints {
  const isInk = (index: number) => (paper[index] ?? 0) >= 250 && (pixels[index] ?? 0) + 24 < (background[index] ?? 0);
  const limit = 200_000;
  let total = 0;
  for (let index = 0; index < pixels.length; index += 1) if (isInk(index)) total += 1;
  const stride = Math.max(1, Math.ceil(total / limit));
  const xs = new Float64Array(Math.ceil(total / stride));
  const ys = new Float64Array(xs.length);
  let seen = 0;
  let count = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (!isInk(y * width + x)) continue;
      if (seen % stride === 0 && count < xs.length) {
        xs[count] = x - width / 2;
        ys[count] = y - height / 2;
        count += 1;
      }
      seen += 1;
    }
  }
  return { xs, ys, count };
}

interface Profile {
  counts: Uint32Array;
  /** Sum of squared bin counts: largest when the ink is packed into few bins. */
  squares: number;
  /** The same, relative to an even spread of the ink over the bins, to compare the two directions. */
  score: number;
}

// Position of a point across lines tilted by `angle` degrees clockwise (y for lines along rows, x for
// lines along columns), and along them.
function across(x: number, y: number, sin: number, cos: number, direction: "rows" | "columns"): number {
  return direction === "rows" ? y * cos - x * sin : x * cos + y * sin;
}

function along(x: number, y: number, sin: number, cos: number, direction: "rows" | "columns"): number {
  return direction === "rows" ? x * cos + y * sin : y * cos - x * sin;
}

// Two passes over the points, the first for the range and the second for the counts, because
// collecting the positions in an array first took most of the analysis time.
function profile(points: InkPoints, angle: number, direction: "rows" | "columns", keep?: (index: number) => boolean): Profile {
  const radians = (angle * Math.PI) / 180;
  const sin = Math.sin(radians);
  const cos = Math.cos(radians);
  let min = Infinity;
  let max = -Infinity;
  let counted = 0;
  for (let index = 0; index < points.count; index += 1) {
    if (keep && !keep(index)) continue;
    const position = across(points.xs[index] ?? 0, points.ys[index] ?? 0, sin, cos, direction);
    if (position < min) min = position;
    if (position > max) max = position;
    counted += 1;
  }
  if (counted === 0) return { counts: new Uint32Array(0), squares: 0, score: 0 };
  const bins = Math.ceil(max - min) + 1;
  const counts = new Uint32Array(bins);
  for (let index = 0; index < points.count; index += 1) {
    if (keep && !keep(index)) continue;
    const bin = Math.floor(across(points.xs[index] ?? 0, points.ys[index] ?? 0, sin, cos, direction) - min);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  let squares = 0;
  for (const count of counts) squares += count * count;
  return { counts, squares, score: (squares * bins) / (counted * counted) };
}

function searchAngle(points: InkPoints, direction: "rows" | "columns"): { angle: number; score: number } {
  let best = { angle: 0, squares: -1, score: 0 };
  const consider = (angle: number) => {
    const { squares, score } = profile(points, angle, direction);
    if (squares > best.squares) best = { angle, squares, score };
  };
  for (let angle = -MAX_SKEW; angle <= MAX_SKEW; angle += 1) consider(angle);
  const coarse = best.angle;
  for (let angle = coarse - 1; angle <= coarse + 1 + 1e-9; angle += 0.1) consider(round2(angle));
  const fine = best.angle;
  for (let angle = fine - 0.1; angle <= fine + 0.1 + 1e-9; angle += 0.02) consider(round2(angle));
  return { angle: best.angle, score: best.score };
}

/** Number of strips along the lines in which line heights are measured separately. */
const LINE_HEIGHT_STRIPS = 6;

// Median height of text lines. Heights are measured in narrow strips along the lines, because in a
// photo taken at an angle the lines are not parallel, and a profile of the whole page would merge
// neighbouring lines. Within a strip, lines are runs of bins that contain at least a twentieth of the
// ink of the busiest bins, which ignores specks and the tails of descenders.
function measureLineHeight(points: InkPoints, angle: number, direction: "rows" | "columns"): number | null {
  const radians = (angle * Math.PI) / 180;
  const sin = Math.sin(radians);
  const cos = Math.cos(radians);
  const positions = new Float64Array(points.count);
  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < points.count; index += 1) {
    const position = along(points.xs[index] ?? 0, points.ys[index] ?? 0, sin, cos, direction);
    positions[index] = position;
    min = Math.min(min, position);
    max = Math.max(max, position);
  }
  const stripWidth = (max - min) / LINE_HEIGHT_STRIPS + 1e-9;

  const runs: number[] = [];
  for (let strip = 0; strip < LINE_HEIGHT_STRIPS; strip += 1) {
    const low = min + strip * stripWidth;
    const { counts } = profile(points, angle, direction, (index) => {
      const position = positions[index] ?? 0;
      return position >= low && position < low + stripWidth;
    });
    runs.push(...inkRuns(counts));
  }
  if (runs.length < 3) return null;
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] ?? null;
}

function inkRuns(counts: Uint32Array): number[] {
  const sorted = [...counts].sort((a, b) => a - b);
  const busy = sorted[Math.floor(sorted.length * 0.9)] ?? 0;
  const threshold = Math.max(2, busy / 20);
  const runs: number[] = [];
  let run = 0;
  for (const count of counts) {
    if (count >= threshold) run += 1;
    else {
      if (run >= 3) runs.push(run);
      run = 0;
    }
  }
  if (run >= 3) runs.push(run);
  return runs;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
