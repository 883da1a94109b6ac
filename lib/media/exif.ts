import exifr from "exifr";
import sharp from "sharp";

/** EXIF orientation: 1 is upright; 2..8 are the mirrorings and quarter turns the viewer must apply. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** Position in WGS-84 decimal degrees, negative south of the equator and west of Greenwich. */
export interface GpsPosition {
  latitude: number;
  longitude: number;
  /** Metres above sea level (negative below it), or null when the photo records no altitude. */
  altitudeMeters: number | null;
}

/** When the photo was taken, from EXIF DateTimeOriginal and OffsetTimeOriginal. */
export interface CaptureTime {
  /** Camera clock reading in ISO 8601 form without an offset, e.g. "2026-11-28T07:42:10". */
  localDateTime: string;
  /** True when the photo records the camera clock's UTC offset (OffsetTimeOriginal). */
  offsetKnown: boolean;
  /** UTC offset such as "+02:00", or null when not recorded. */
  offset: string | null;
  /** The moment of capture; null without an offset, because the camera's time zone is then unknown. */
  instant: Date | null;
}

export interface ImageMetadata {
  /** Null when the photo has no usable EXIF GPS position (GPS written only in XMP is not read). */
  location: GpsPosition | null;
  captureTime: CaptureTime | null;
  /** 1 when the photo has no orientation tag, which is what the EXIF standard prescribes. */
  orientation: Orientation;
  /** Metadata that was present but ignored as invalid, for the processing log. */
  warnings: string[];
}

export type ReadImageMetadataFailureReason = "not_an_image" | "unreadable";

export type ReadImageMetadataResult =
  | { ok: true; metadata: ImageMetadata }
  | { ok: false; reason: ReadImageMetadataFailureReason; message: string; cause: unknown };

// Only the IFD0, Exif and GPS directories are parsed. XMP is off because the camera records its fix
// in the EXIF GPS directory, while an XMP-only position is typically written later by geotagging or
// editing software, which makes it weaker evidence of where the photo was taken. Values stay raw:
// no translation to text, and no Date objects, which exifr would build in the server's time zone.
const EXIFR_OPTIONS = {
  tiff: true,
  ifd0: {},
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
  mergeOutput: true,
};

type Tags = Record<string, unknown>;

type TagsAttempt = { ok: true; tags: Tags; errors: string[] } | { ok: false; cause: unknown };

/**
 * Reads GPS position, capture time and orientation from an image's EXIF data. Never throws: a file
 * that is not an image or whose metadata cannot be parsed comes back as `{ ok: false }`. Only the
 * header is read, so a truncated JPEG with an intact EXIF segment still yields its metadata.
 */
export async function readImageMetadata(bytes: Buffer): Promise<ReadImageMetadataResult> {
  if (bytes.length === 0) {
    return { ok: false, reason: "not_an_image", message: "The file is empty.", cause: undefined };
  }

  try {
    return await readFromContainer(bytes);
  } catch (cause) {
    return { ok: false, reason: "unreadable", message: "The image's EXIF metadata could not be read.", cause };
  }
}

async function readFromContainer(bytes: Buffer): Promise<ReadImageMetadataResult> {
  const direct = await parseTags(bytes);
  if (direct.ok && direct.errors.length === 0) return { ok: true, metadata: toImageMetadata(direct.tags, []) };

  // exifr 7 does not read WebP or GIF containers and rejects the EXIF item of some AVIF files. sharp
  // (libvips) extracts the raw EXIF block from those, and exifr parses the block on its own.
  const block = await readExifBlockWithSharp(bytes);
  if (block.kind === "not_an_image") {
    if (direct.ok) return { ok: true, metadata: toImageMetadata(direct.tags, direct.errors) };
    return {
      ok: false,
      reason: "not_an_image",
      message: "The file is not an image in a format whose metadata can be read.",
      cause: direct.cause,
    };
  }
  if (block.kind === "none") {
    return { ok: true, metadata: toImageMetadata(direct.ok ? direct.tags : {}, direct.ok ? direct.errors : []) };
  }

  const fromBlock = await parseTags(block.tiff);
  if (fromBlock.ok) return { ok: true, metadata: toImageMetadata(fromBlock.tags, fromBlock.errors) };
  if (direct.ok) return { ok: true, metadata: toImageMetadata(direct.tags, direct.errors) };
  return {
    ok: false,
    reason: "unreadable",
    message: "The image's EXIF metadata is damaged and could not be read.",
    cause: fromBlock.cause,
  };
}

async function parseTags(bytes: Buffer): Promise<TagsAttempt> {
  try {
    const output: unknown = await exifr.parse(bytes, EXIFR_OPTIONS);
    if (output === undefined || output === null) return { ok: true, tags: {}, errors: [] };
    if (typeof output !== "object") return { ok: false, cause: new Error(`exifr returned ${typeof output}`) };

    // With its default silentErrors option, exifr reports a damaged segment in an `errors` array
    // and still returns the tags it could read.
    const { errors, ...tags } = output as Tags & { errors?: unknown };
    const messages = Array.isArray(errors) ? errors.map((error) => `EXIF parse error: ${describeError(error)}`) : [];
    return { ok: true, tags, errors: messages };
  } catch (cause) {
    return { ok: false, cause };
  }
}

type ExifBlock = { kind: "block"; tiff: Buffer } | { kind: "none" } | { kind: "not_an_image" };

const EXIF_BLOCK_PREFIX = Buffer.from("Exif\0\0", "latin1");

async function readExifBlockWithSharp(bytes: Buffer): Promise<ExifBlock> {
  try {
    // metadata() parses headers and decodes no pixels, so sharp's pixel limit (which it applies to
    // the declared size even here) would only turn a very large photo into a failure.
    const { exif } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!exif || exif.length === 0) return { kind: "none" };

    // JPEG, WebP and AVIF blocks start with the APP1 identifier "Exif\0\0"; PNG eXIf chunks do not.
    const hasPrefix = exif.subarray(0, EXIF_BLOCK_PREFIX.length).equals(EXIF_BLOCK_PREFIX);
    return { kind: "block", tiff: hasPrefix ? exif.subarray(EXIF_BLOCK_PREFIX.length) : exif };
  } catch {
    return { kind: "not_an_image" };
  }
}

function toImageMetadata(tags: Tags, parseErrors: string[]): ImageMetadata {
  const warnings = [...parseErrors];
  return {
    location: readLocation(tags, warnings),
    captureTime: readCaptureTime(tags, warnings),
    orientation: readOrientation(tags, warnings),
    warnings,
  };
}

// Positions within this many degrees of 0,0 (about 10 cm) come from a receiver that wrote zeros
// because it had no fix.
const NULL_ISLAND_DEGREES = 1e-6;

function readLocation(tags: Tags, warnings: string[]): GpsPosition | null {
  if (tags.GPSLatitude === undefined && tags.GPSLongitude === undefined) return null;

  // GPSStatus "V" marks a void measurement: the receiver had no fix when the photo was taken.
  if (readText(tags.GPSStatus) === "V") {
    warnings.push("GPS position ignored: GPSStatus marks the measurement as void.");
    return null;
  }

  const latitude = readSignedDegrees(tags.GPSLatitude, tags.GPSLatitudeRef, "N", "S");
  const longitude = readSignedDegrees(tags.GPSLongitude, tags.GPSLongitudeRef, "E", "W");
  if (latitude === null || longitude === null) {
    warnings.push("GPS position ignored: latitude or longitude is missing, malformed or has no hemisphere reference.");
    return null;
  }
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    warnings.push(`GPS position ignored: ${latitude}, ${longitude} is outside the valid range.`);
    return null;
  }
  if (Math.abs(latitude) < NULL_ISLAND_DEGREES && Math.abs(longitude) < NULL_ISLAND_DEGREES) {
    warnings.push("GPS position ignored: 0, 0 is what receivers without a fix write.");
    return null;
  }

  // NOTE: GPSMapDatum is not checked. EXIF recommends WGS-84 and phones write it, so a position in
  // another datum (possible from old dedicated GPS cameras) would be off by up to a few hundred metres.
  return { latitude, longitude, altitudeMeters: readAltitude(tags) };
}

/** Converts degrees, minutes and seconds (or one decimal value) and a hemisphere letter to signed degrees. */
function readSignedDegrees(value: unknown, reference: unknown, positive: string, negative: string): number | null {
  const parts = typeof value === "number" ? [value] : readNumberList(value);
  if (parts === null || parts.length === 0 || parts.length > 3) return null;
  if (parts.some((part) => !Number.isFinite(part) || part < 0)) return null;

  const [degrees = 0, minutes = 0, seconds = 0] = parts;
  const magnitude = degrees + minutes / 60 + seconds / 3600;

  const hemisphere = readText(reference)?.charAt(0);
  if (hemisphere === positive) return magnitude;
  if (hemisphere === negative) return -magnitude;
  return null;
}

function readAltitude(tags: Tags): number | null {
  const altitude = tags.GPSAltitude;
  if (typeof altitude !== "number" || !Number.isFinite(altitude)) return null;

  // GPSAltitudeRef is a BYTE: 0 above sea level, 1 below it. exifr returns it as a one-byte array.
  const reference = typeof tags.GPSAltitudeRef === "number" ? tags.GPSAltitudeRef : readNumberList(tags.GPSAltitudeRef)?.[0];
  return reference === 1 ? -altitude : altitude;
}

const EXIF_DATE_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const EXIF_OFFSET = /^([+-])(\d{2}):(\d{2})$/;

function readCaptureTime(tags: Tags, warnings: string[]): CaptureTime | null {
  const raw = readText(tags.DateTimeOriginal);
  if (raw === null) return null;

  const match = EXIF_DATE_TIME.exec(raw);
  const fields = match?.slice(1).map(Number);
  if (!match || !fields || !isValidDateTime(fields)) {
    warnings.push(`Capture time ignored: DateTimeOriginal "${raw}" is not a valid date and time.`);
    return null;
  }
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  const localDateTime = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`;

  const offset = readOffset(tags.OffsetTimeOriginal, warnings);
  if (offset === null) return { localDateTime, offsetKnown: false, offset: null, instant: null };

  const localAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return { localDateTime, offsetKnown: true, offset: offset.text, instant: new Date(localAsUtc - offset.minutes * 60_000) };
}

function isValidDateTime(fields: number[]): boolean {
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  // Date.UTC rolls 31 April over into 1 May; a date that does not survive the round trip is invalid.
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function readOffset(value: unknown, warnings: string[]): { text: string; minutes: number } | null {
  const text = readText(value);
  if (text === null) return null;

  const match = EXIF_OFFSET.exec(text);
  const hours = Number(match?.[2]);
  const minutes = Number(match?.[3]);
  // No time zone is further than 14 hours from UTC (the range in use is -12:00 to +14:00).
  if (!match || hours > 14 || minutes > 59) {
    warnings.push(`Capture time offset ignored: OffsetTimeOriginal "${text}" is not of the form +HH:MM.`);
    return null;
  }
  const sign = match[1] === "-" ? -1 : 1;
  return { text, minutes: sign * (hours * 60 + minutes) };
}

function readOrientation(tags: Tags, warnings: string[]): Orientation {
  const value = tags.Orientation;
  if (value === undefined) return 1;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 8) return value as Orientation;
  warnings.push(`Orientation ${String(value)} ignored: EXIF orientation must be 1 to 8.`);
  return 1;
}

/** Trimmed ASCII tag value without the NUL padding some cameras write, or null when absent or empty. */
function readText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.replace(/\0+$/, "").trim();
  return text === "" ? null : text;
}

function readNumberList(value: unknown): number[] | null {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = Array.from(value as ArrayLike<unknown>);
    return list.every((item) => typeof item === "number") ? (list as number[]) : null;
  }
  return null;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
