// OCR of one page image. prepare-image.ts makes the text lines horizontal and decides from the ink
// above and below each line whether the page is upside down, so most pages need one recognition.
// When that decision or the line direction is uncertain, or the reading is poor, the page is also
// read in other orientations at low resolution ("probes"), and the one tesseract is most confident
// in wins. Tesseract's own orientation detection needs osd.traineddata and the legacy engine, which
// @tesseract.js-data/eng does not ship.

import type { OcrPool, OcrResult } from "./ocr-pool";
import { prepareImage, resizeImage, toPgm, turnImage, type PreparedImage, type SourcePixels } from "./prepare-image";
import type { PageText } from "./types";

/**
 * A first reading this confident is accepted without trying other orientations. The four upright
 * fixture bills read at 0.90 to 0.93 with the current preparation. Upside down or on their side they
 * read at 0.33 to 0.42, measured before the preparation changed to PGM input at the measured size.
 */
const ACCEPTED_CONFIDENCE = 0.7;

/** An orientation must beat the first one by this much in the probes to be read in full. */
const PROBE_MARGIN = 0.1;

/** Probes read a copy scaled so text lines are this tall (about 200 dpi), which takes about half the time. */
const PROBE_LINE_HEIGHT = 20;

export interface ImageReading {
  page: PageText;
  /** Clockwise degrees the page was turned in total, skew included. */
  rotation: number;
  skewAngle: number;
  scale: number;
  /** OCR runs on reduced copies to decide the orientation (0 when the first reading was accepted). */
  probes: number;
}

/** Prepares an image, settles its orientation and reads it. */
export async function readImage(input: Buffer, pool: OcrPool, pageNumber = 1): Promise<ImageReading> {
  const prepared = await prepareImage(input);
  const first = await pool.recognize(prepared.image);
  const baseRotation = prepared.quarterTurn + (prepared.turnedUpsideDown ? 180 : 0) - prepared.skewAngle;
  const result = (ocr: OcrResult, turn: number, probes: number): ImageReading => {
    const turned = turn === 90 || turn === 270;
    return {
      page: {
        pageNumber,
        width: turned ? prepared.height : prepared.width,
        height: turned ? prepared.width : prepared.height,
        lines: ocr.lines,
        confidence: ocr.confidence,
      },
      rotation: normaliseDegrees(baseRotation + turn),
      skewAngle: prepared.skewAngle,
      scale: prepared.scale,
      probes,
    };
  };

  const upsideDownKnown = prepared.upsideDown.orientation !== "unknown";
  if (first.confidence >= ACCEPTED_CONFIDENCE && prepared.directionCertain && upsideDownKnown) return result(first, 0, 0);

  // Upside down is always possible; on its side only when the line direction was unclear or the
  // first reading was poor enough to doubt it.
  const turns: (90 | 180 | 270)[] = prepared.directionCertain && first.confidence >= ACCEPTED_CONFIDENCE / 2 ? [180] : [180, 90, 270];
  const probe = await probeImage(prepared);
  const baseline = await pool.recognize(toPgm(probe));
  let best: { turn: 0 | 90 | 180 | 270; confidence: number } = { turn: 0, confidence: baseline.confidence };
  for (const turn of turns) {
    const reading = await pool.recognize(await turnImage({ pixels: probe.data, width: probe.width, height: probe.height }, turn));
    if (reading.confidence > best.confidence) best = { turn, confidence: reading.confidence };
  }
  const probes = 1 + turns.length;
  if (best.turn === 0 || best.confidence < baseline.confidence + PROBE_MARGIN) return result(first, 0, probes);

  const second = await pool.recognize(await turnImage(prepared, best.turn));
  return second.confidence > first.confidence ? result(second, best.turn, probes) : result(first, 0, probes);
}

async function probeImage(prepared: PreparedImage): Promise<SourcePixels> {
  const lineHeight = prepared.lineHeight;
  const scale = lineHeight === null ? 0.5 : Math.min(1, PROBE_LINE_HEIGHT / lineHeight);
  if (scale < 0.95) return resizeImage(prepared, scale);
  return { data: prepared.pixels, width: prepared.width, height: prepared.height };
}

function normaliseDegrees(degrees: number): number {
  const value = ((degrees % 360) + 360) % 360;
  return Math.round(value * 100) / 100;
}
