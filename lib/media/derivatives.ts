import sharp, { type Metadata, type OutputInfo, type SharpOptions } from "sharp";
import { normalizeContentType } from "@/lib/uploads/limits";
import { detectHeif } from "./heif";

/**
 * Maximum input size, in pixels, that is decoded. It rejects decompression bombs (a small file that
 * declares huge dimensions) before any pixel memory is allocated. A 50-megapixel phone photo can be
 * slightly over 50 million pixels (8192 × 6144 is 50.3 million), so the limit leaves a margin.
 * Photos from the 108- and 200-megapixel modes of some phones are rejected.
 */
export const MAX_INPUT_PIXELS = 52_000_000;

/** Maximum width and height, in pixels, of the image staff see on the ticket page. */
export const DISPLAY_MAX_SIDE = 1600;

/** Maximum width and height, in pixels, of the thumbnail in ticket lists and attachment strips. */
export const THUMBNAIL_MAX_SIDE = 320;

// Derivatives are JPEG, not WebP. Every browser and every program staff paste images into (mail,
// office documents, case files for the police) opens JPEG, and JPEG encodes far faster. On the
// photo fixtures at 1600 px (sharp 0.35, 2-core AMD EPYC, measured once), quality-82 JPEG took
// about 20 ms and quality-80 WebP about 185 ms. WebP files were 25-45 % smaller, which matters
// little on staff screens.
const DERIVATIVE_CONTENT_TYPE = "image/jpeg";
const DISPLAY_QUALITY = 82;
const THUMBNAIL_QUALITY = 78;

// Transparent pixels (PNG, WebP, GIF) are laid on white, because JPEG has no alpha channel and
// would otherwise show whatever colour values sit under the transparency, often black.
const FLATTEN_BACKGROUND = "#ffffff";

const INPUT_OPTIONS: SharpOptions = {
  limitInputPixels: MAX_INPUT_PIXELS,
  // The libvips sequential access hint: rows are decoded top to bottom in one pass and can be
  // released once the resize has consumed them, so a large input is never held whole in memory.
  sequentialRead: true,
  // "error" aborts on truncated files and decoder errors but accepts decoder warnings. Some Samsung
  // phones write JPEGs whose scan header triggers the libjpeg warning "Invalid SOS parameters for
  // sequential JPEG"; those decode correctly and must not be rejected.
  failOn: "error",
  // Animated GIF and WebP and multi-page TIFF: the first frame or page only.
  pages: 1,
  page: 0,
};

export interface Derivative {
  bytes: Buffer;
  width: number;
  height: number;
  contentType: typeof DERIVATIVE_CONTENT_TYPE;
}

export interface Derivatives {
  display: Derivative;
  thumbnail: Derivative;
  /** The decoder's name for the input format ("jpeg", "png", "heif" for AVIF) and its upright size. */
  source: { format: string; width: number; height: number };
}

export type DerivativeFailureReason = "not_an_image" | "heif" | "too_many_pixels" | "truncated" | "corrupt";

/** Failure to make derivatives: a reason code, a `message` written for staff, and the decoder's error as `cause` for the log. */
export class DerivativeError extends Error {
  readonly reason: DerivativeFailureReason;

  constructor(reason: DerivativeFailureReason, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DerivativeError";
    this.reason = reason;
  }
}

export type MakeDerivativesResult = ({ ok: true } & Derivatives) | { ok: false; error: DerivativeError };

/**
 * Makes the display image and the thumbnail staff see in place of an evidence photo. Both are
 * upright, because the EXIF orientation is applied to the pixels. Both are re-encoded as JPEG,
 * never enlarged, and carry no metadata: no EXIF, GPS, XMP, IPTC or ICC profile, after colours are
 * converted to sRGB. A file that cannot be turned into derivatives comes back as
 * `{ ok: false, error }` with a reason and a message for staff, not as a thrown error.
 */
export async function makeDerivatives(bytes: Buffer): Promise<MakeDerivativesResult> {
  const heif = detectHeif(bytes);
  if (heif !== null && heif.codec !== "av1") return failure(heifError(heif.majorBrand));

  const signature = detectImageSignature(bytes);
  if (signature === null) return failure(notAnImageError());

  let metadata: Metadata;
  try {
    // Only headers are parsed here and no pixels decoded, so the pixel limit is lifted to learn the
    // declared size. The check below then rejects an oversized image and names its dimensions.
    metadata = await sharp(bytes, { ...INPUT_OPTIONS, limitInputPixels: false }).metadata();
  } catch (cause) {
    return failure(classifyDecodeError(cause, signature, bytes));
  }

  // Second check behind the brand test: libheif reads a HEIC header even though pixels cannot be decoded.
  if (metadata.format === "heif" && metadata.compression !== "av1") return failure(heifError(metadata.compression ?? "unknown"));
  if (metadata.width * metadata.height > MAX_INPUT_PIXELS) {
    return failure(tooManyPixelsError(metadata.width, metadata.height));
  }

  try {
    const display = await sharp(bytes, INPUT_OPTIONS)
      .rotate()
      .flatten({ background: FLATTEN_BACKGROUND })
      .resize({ width: DISPLAY_MAX_SIDE, height: DISPLAY_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: DISPLAY_QUALITY })
      .toBuffer({ resolveWithObject: true });

    // The thumbnail is made from the display JPEG, which is already upright and small. Decoding it
    // again (libjpeg can scale down by a power of two while decoding) costs far less than decoding
    // the original a second time.
    const thumbnail = await sharp(display.data, INPUT_OPTIONS)
      .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: THUMBNAIL_QUALITY })
      .toBuffer({ resolveWithObject: true });

    return {
      ok: true,
      display: toDerivative(display),
      thumbnail: toDerivative(thumbnail),
      source: { format: metadata.format, width: metadata.autoOrient.width, height: metadata.autoOrient.height },
    };
  } catch (cause) {
    return failure(classifyDecodeError(cause, signature, bytes));
  }
}

export type DerivativeKind = "image" | "icon";

// HEIC and HEIF count as images so that makeDerivatives records why they were rejected (its message
// requests a JPEG) instead of showing them silently as a file icon. SVG is not listed because it is
// a document that can reference other files, and makeDerivatives does not render it.
const IMAGE_CONTENT_TYPES = new Set([
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "image/tiff",
  "image/avif",
  "image/heic",
  "image/heif",
  "image/heic-sequence",
  "image/heif-sequence",
]);

/**
 * Says how staff screens show an attachment: "image" gets derivatives from makeDerivatives,
 * "icon" (video, audio, PDF and anything else) gets a file-type icon and no derivative.
 */
export function derivativeKindFor(contentType: string): DerivativeKind {
  return IMAGE_CONTENT_TYPES.has(normalizeContentType(contentType)) ? "image" : "icon";
}

type ImageSignature = "jpeg" | "png" | "gif" | "webp" | "tiff" | "avif";

/**
 * Identifies the raster formats makeDerivatives accepts from their magic bytes. Anything else (SVG,
 * PDF, text) is rejected before it reaches sharp, so libvips' other loaders never parse untrusted input.
 */
function detectImageSignature(bytes: Buffer): ImageSignature | null {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWithText(bytes, 0, "GIF87a") || startsWithText(bytes, 0, "GIF89a")) return "gif";
  if (startsWithText(bytes, 0, "RIFF") && startsWithText(bytes, 8, "WEBP")) return "webp";
  if (startsWithText(bytes, 0, "II*\0") || startsWithText(bytes, 0, "MM\0*")) return "tiff";
  if (detectHeif(bytes)?.codec === "av1") return "avif";
  return null;
}

function startsWith(bytes: Buffer, offset: number, expected: number[]): boolean {
  return expected.every((byte, index) => bytes[offset + index] === byte);
}

function startsWithText(bytes: Buffer, offset: number, expected: string): boolean {
  return bytes.length >= offset + expected.length && bytes.toString("latin1", offset, offset + expected.length) === expected;
}

/**
 * Maps a libvips error to a reason. The input already has a valid image signature here, so an
 * "unsupported format" or "corrupt header" error means a damaged file, not a wrong file type.
 */
function classifyDecodeError(cause: unknown, signature: ImageSignature, bytes: Buffer): DerivativeError {
  const text = cause instanceof Error ? cause.message.toLowerCase() : String(cause).toLowerCase();

  if (text.includes("exceeds pixel limit")) return tooManyPixelsError(null, null, cause);
  // Messages seen from libvips 8.18: "VipsJpeg: premature end of JPEG image", "gifload_buffer:
  // Unexpected end of GIF source data", heif "Unexpected end of file".
  if (/premature end|unexpected end|end of file|truncated/.test(text)) return truncatedError(cause);
  // libpng reports truncation and corruption alike as "libpng read error"; a PNG without its IEND
  // chunk near the end was cut off.
  if (signature === "png" && !endsWithPngTrailer(bytes)) return truncatedError(cause);
  return new DerivativeError(
    "corrupt",
    "The image data is damaged and cannot be decoded. Ask the resident to send the photo again.",
    { cause },
  );
}

const PNG_TRAILER_SEARCH_BYTES = 64;

function endsWithPngTrailer(bytes: Buffer): boolean {
  return bytes.subarray(Math.max(0, bytes.length - PNG_TRAILER_SEARCH_BYTES)).includes("IEND", 0, "latin1");
}

function heifError(brandOrCodec: string): DerivativeError {
  return new DerivativeError(
    "heif",
    `The photo is in HEIC/HEIF format (${brandOrCodec}), which the server cannot convert for display. ` +
      "Ask the resident to send it as a JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible).",
  );
}

function notAnImageError(): DerivativeError {
  return new DerivativeError(
    "not_an_image",
    "The file is not an image: its contents match none of JPEG, PNG, WebP, GIF, TIFF or AVIF. " +
      "Ask the resident to send the photo again as a JPEG.",
  );
}

function tooManyPixelsError(width: number | null, height: number | null, cause?: unknown): DerivativeError {
  const limit = `${MAX_INPUT_PIXELS / 1_000_000} megapixels`;
  const size = width !== null && height !== null ? ` (${width} × ${height} pixels)` : "";
  return new DerivativeError(
    "too_many_pixels",
    `The image${size} is larger than the ${limit} the server processes. Ask the resident for a smaller photo.`,
    { cause },
  );
}

function truncatedError(cause: unknown): DerivativeError {
  return new DerivativeError(
    "truncated",
    "The image file is truncated: it ends before the image data is complete, usually because the upload was cut off. " +
      "Ask the resident to send the photo again.",
    { cause },
  );
}

function toDerivative(output: { data: Buffer; info: OutputInfo }): Derivative {
  return { bytes: output.data, width: output.info.width, height: output.info.height, contentType: DERIVATIVE_CONTENT_TYPE };
}

function failure(error: DerivativeError): MakeDerivativesResult {
  return { ok: false, error };
}
