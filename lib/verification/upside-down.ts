// Decides whether a page whose text lines already run horizontally is upright or upside down, from
// its pixels alone. In Latin print the band between the x-height line and the cap height contains the
// ascenders (b d f h k l t), capitals and i-dots. It carries clearly more ink than the band below the
// baseline, which contains only the descenders (g j p q y) and commas. Turned 180 degrees,
// the two bands swap. Each text line's row profile shows its x-height band as the rows with the most
// ink, so the ink just above and just below that band can be compared.

import sharp from "sharp";

/** Vertical strips measured separately, so lines that are not quite parallel (photos) stay sharp. */
const STRIPS = 8;

/** Rows of a line that carry at least this share of the line's busiest row form its x-height band. */
const CORE_SHARE = 0.5;

/**
 * The page counts as upright (or upside down) when one band has at least this many times the ink of
 * the other. On the 16 fixture pages (four bills turned 0, 90, 180 and 270 degrees) the band above
 * the x-height of the upright text had 1.7 to 2.6 times the ink of the band below it.
 */
const UPSIDE_DOWN_MARGIN = 1.4;

/** A first measurement at least this clear is kept, and a weaker one is repeated on an enlarged copy. */
const CLEAR_MARGIN = 1.6;

/**
 * Line height, pixels, of the enlarged copy. At 16 to 18 px lines (photos, 200 dpi scans) the band
 * above the x-height is three or four rows tall and a one-row error in its edges shifts the ratio.
 */
const ENLARGED_LINE_HEIGHT = 28;

/**
 * Fewer lines with both bands measured than this leaves the decision open.
 * NOTE: this and the margins above were set on the four synthetic fixture bills only. Text in
 * capitals and digits (the till slip) has no bands to measure, so such pages may fall back to the
 * trial readings in read-image.ts.
 */
const MIN_LINES = 8;

export interface UpsideDownDecision {
  /** "upright", "upside_down", or "unknown" when the evidence is too weak to act on. */
  orientation: "upright" | "upside_down" | "unknown";
  /** Ink above the x-height band divided by ink below it, summed over the lines measured. */
  ratio: number;
  /** Text lines that contributed. */
  lines: number;
}

interface GreyPage {
  /** One byte per pixel, row by row. */
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decides 0 or 180 degrees for a greyscale page whose text lines are horizontal. `lineHeight` is the
 * median line height in pixels, or null when unknown. When the measurement at the page's own size is
 * not clear and its lines are short, the measurement is repeated on a copy enlarged to ENLARGED_LINE_HEIGHT,
 * which costs about 0.2 s for a 5 MP page.
 */
export async function detectUpsideDown(page: GreyPage, lineHeight: number | null): Promise<UpsideDownDecision> {
  const first = measureUpsideDown(page.data, page.width, page.height, lineHeight);
  const clear = first.lines >= MIN_LINES && (first.ratio >= CLEAR_MARGIN || first.ratio <= 1 / CLEAR_MARGIN);
  if (clear || lineHeight === null || lineHeight >= ENLARGED_LINE_HEIGHT) return first;

  const factor = ENLARGED_LINE_HEIGHT / lineHeight;
  const width = Math.round(page.width * factor);
  const height = Math.round(page.height * factor);
  const { data } = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 1 } })
    .resize({ width, height, fit: "fill", kernel: "linear" })
    .toColourspace("b-w")
    .raw()
    .toBuffer({ resolveWithObject: true });
  return measureUpsideDown(data, width, height, ENLARGED_LINE_HEIGHT);
}

/** Measures the ink above and below the x-height band of a page's lines once, at its own size. */
export function measureUpsideDown(pixels: Uint8Array, width: number, height: number, lineHeight: number | null): UpsideDownDecision {
  const threshold = otsuThreshold(pixels);
  const stripWidth = Math.max(1, Math.floor(width / STRIPS));
  // Every second column is enough to count ink per row, and halves the work.
  const columnStep = 2;
  const maxLineHeight = lineHeight === null ? Infinity : 2.5 * lineHeight;

  let above = 0;
  let below = 0;
  let lines = 0;
  const counts = new Uint32Array(height);
  for (let strip = 0; strip < STRIPS; strip += 1) {
    const x0 = strip * stripWidth;
    const x1 = strip === STRIPS - 1 ? width : x0 + stripWidth;
    counts.fill(0);
    for (let y = 0; y < height; y += 1) {
      const row = y * width;
      let count = 0;
      for (let x = x0; x < x1; x += columnStep) if ((pixels[row + x] ?? 255) < threshold) count += 1;
      counts[y] = count;
    }
    const samples = Math.ceil((x1 - x0) / columnStep);
    for (const line of findLines(counts, samples, maxLineHeight)) {
      above += line.above;
      below += line.below;
      lines += 1;
    }
  }

  let ratio = 1;
  if (below > 0) ratio = above / below;
  else if (above > 0) ratio = Infinity;
  let orientation: UpsideDownDecision["orientation"] = "unknown";
  if (lines >= MIN_LINES && ratio >= UPSIDE_DOWN_MARGIN) orientation = "upright";
  if (lines >= MIN_LINES && ratio <= 1 / UPSIDE_DOWN_MARGIN) orientation = "upside_down";
  return { orientation, ratio: Math.round(ratio * 100) / 100, lines };
}

interface LineBands {
  above: number;
  below: number;
}

// A line is a run of rows with some ink, bounded by rows with next to none. Rows more than half dark
// are not text: a photo's background, a filled header band or a picture. Runs that touch such rows
// or are taller than `maxLineHeight` (merged lines, pictures) are skipped, as are runs whose x-height
// band reaches their top or bottom row (capitals, digits, rules).
function findLines(counts: Uint32Array, samples: number, maxLineHeight: number): LineBands[] {
  const solid = samples / 2;
  let busiest = 0;
  for (const count of counts) if (count < solid) busiest = Math.max(busiest, count);
  const noise = Math.max(1, busiest / 50);
  const lines: LineBands[] = [];
  let start = -1;
  let touchesSolid = false;
  for (let y = 0; y <= counts.length; y += 1) {
    const count = y < counts.length ? (counts[y] ?? 0) : 0;
    if (count >= solid) touchesSolid = true;
    const inked = count > noise && count < solid;
    if (inked && start < 0) start = y;
    if (inked) continue;
    if (start >= 0) {
      const rows = y - start;
      const bands = !touchesSolid && rows >= 4 && rows <= maxLineHeight ? measureBands(counts, start, y) : null;
      if (bands) lines.push(bands);
      start = -1;
    }
    touchesSolid = count >= solid;
  }
  return lines;
}

function measureBands(counts: Uint32Array, start: number, end: number): LineBands | null {
  let peak = 0;
  for (let y = start; y < end; y += 1) peak = Math.max(peak, counts[y] ?? 0);
  let coreTop = -1;
  let coreBottom = -1;
  for (let y = start; y < end; y += 1) {
    if ((counts[y] ?? 0) < CORE_SHARE * peak) continue;
    if (coreTop < 0) coreTop = y;
    coreBottom = y;
  }
  if (coreTop <= start || coreBottom >= end - 1) return null;
  let above = 0;
  let below = 0;
  for (let y = start; y < coreTop; y += 1) above += counts[y] ?? 0;
  for (let y = coreBottom + 1; y < end; y += 1) below += counts[y] ?? 0;
  return { above, below };
}

// Otsu's threshold over the grey-level histogram: the level that best separates ink from paper.
function otsuThreshold(pixels: Uint8Array): number {
  const histogram = new Float64Array(256);
  const step = pixels.length > 4_000_000 ? 4 : 1;
  let total = 0;
  for (let index = 0; index < pixels.length; index += step) {
    const level = pixels[index] ?? 0;
    histogram[level] = (histogram[level] ?? 0) + 1;
    total += 1;
  }
  let sum = 0;
  for (let level = 0; level < 256; level += 1) sum += level * (histogram[level] ?? 0);
  let weightBelow = 0;
  let sumBelow = 0;
  let best = 128;
  let bestVariance = -1;
  for (let level = 0; level < 256; level += 1) {
    weightBelow += histogram[level] ?? 0;
    if (weightBelow === 0) continue;
    const weightAbove = total - weightBelow;
    if (weightAbove === 0) break;
    sumBelow += level * (histogram[level] ?? 0);
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sum - sumBelow) / weightAbove;
    const variance = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = level + 1;
    }
  }
  return best;
}
