import { ALLOWED_TYPES, normalizeContentType, type AllowedType } from "@/lib/uploads/limits";

/** Largest media file taken from WhatsApp, in bytes (16 MB, WhatsApp's own limit for videos and voice notes). */
export const MAX_WHATSAPP_MEDIA_BYTES = 16 * 1024 * 1024;

/** Returns the web flow's evidence type for a content type, or null when evidence may not have it. */
export function evidenceTypeFor(contentType: string): AllowedType | null {
  const normalized = normalizeContentType(contentType);
  return ALLOWED_TYPES.evidence.find((type) => type.contentType === normalized) ?? null;
}

/** Largest size accepted for an evidence type from WhatsApp: the web limit, capped at 16 MB. */
export function maxBytesFor(type: AllowedType): number {
  return Math.min(type.maxBytes, MAX_WHATSAPP_MEDIA_BYTES);
}

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/webp": ".webp",
  "video/mp4": ".mp4",
  "audio/ogg": ".ogg",
  "audio/mpeg": ".mp3",
  "application/pdf": ".pdf",
};

/** Returns the file name extension, with its dot, for an evidence type. */
export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType] ?? "";
}
