import { gps } from "exifr/dist/mini.esm.mjs";

// Reads a photo's EXIF GPS position in the browser, before the upload finishes, so the report form
// can offer it as the report's location. Safe to import from client components, because it uses
// exifr's "mini" build. That build parses JPEG and TIFF EXIF and GPS data only and has no XMP
// parser, so a position written only in XMP is not read, as on the server (lib/media/exif.ts).

/** Position in WGS-84 decimal degrees, negative south of the equator and west of Greenwich. */
export interface PhotoLocation {
  latitude: number;
  longitude: number;
}

/**
 * Bytes read from the start of the file. A JPEG's EXIF segment (APP1) is at most 64 KB and cameras
 * write it right after the start marker, so this covers it with room for JFIF and other segments.
 */
export const PHOTO_HEADER_BYTES = 256 * 1024;

// Positions within this many degrees of 0,0 (about 10 cm) come from a receiver that wrote zeros
// because it had no fix.
const NULL_ISLAND_DEGREES = 1e-6;

/**
 * Returns the position recorded in a photo's EXIF GPS data, or null when there is none, it is
 * invalid or 0,0, or the file is not a JPEG or TIFF this reader parses. Every read or parse error
 * is caught and also returns null.
 */
export async function readPhotoLocation(file: Blob): Promise<PhotoLocation | null> {
  try {
    // An ArrayBuffer works in browsers and Node alike; the mini build accepts Blob only in browsers.
    const header = await file.slice(0, PHOTO_HEADER_BYTES).arrayBuffer();
    const position: unknown = await gps(header);
    return toPhotoLocation(position);
  } catch {
    return null;
  }
}

/** Validates a position from exifr: finite, in range, and not the 0,0 of a receiver without a fix. */
export function toPhotoLocation(position: unknown): PhotoLocation | null {
  if (typeof position !== "object" || position === null) return null;
  const { latitude, longitude } = position as Record<string, unknown>;
  if (typeof latitude !== "number" || typeof longitude !== "number") return null;
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  if (Math.abs(latitude) < NULL_ISLAND_DEGREES && Math.abs(longitude) < NULL_ISLAND_DEGREES) return null;
  return { latitude, longitude };
}
