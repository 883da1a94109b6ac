// Per-purpose allow-lists and size limits. Shared by the server verbs and the browser uploader, so
// this module must stay free of Node and server-only imports.

export const UPLOAD_PURPOSES = ["evidence", "proof_of_residence"] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];

const MB = 1024 * 1024;

export interface AllowedType {
  contentType: string;
  /** Lower-case file name extensions, with the dot, that map to this type when the browser reports none. */
  extensions: readonly string[];
  maxBytes: number;
  /** Kind of media, which words the size-limit message ("images may be at most 15 MB"). */
  kind: "image" | "video" | "audio" | "document";
}

const JPEG: Omit<AllowedType, "maxBytes"> = { contentType: "image/jpeg", extensions: [".jpg", ".jpeg", ".jfif"], kind: "image" };
const PNG: Omit<AllowedType, "maxBytes"> = { contentType: "image/png", extensions: [".png"], kind: "image" };
const WEBP: Omit<AllowedType, "maxBytes"> = { contentType: "image/webp", extensions: [".webp"], kind: "image" };
const MP4: Omit<AllowedType, "maxBytes"> = { contentType: "video/mp4", extensions: [".mp4", ".m4v"], kind: "video" };
const OGG: Omit<AllowedType, "maxBytes"> = { contentType: "audio/ogg", extensions: [".ogg", ".oga", ".opus"], kind: "audio" };
const MP3: Omit<AllowedType, "maxBytes"> = { contentType: "audio/mpeg", extensions: [".mp3"], kind: "audio" };
const PDF: Omit<AllowedType, "maxBytes"> = { contentType: "application/pdf", extensions: [".pdf"], kind: "document" };

export const ALLOWED_TYPES: Record<UploadPurpose, readonly AllowedType[]> = {
  evidence: [
    { ...JPEG, maxBytes: 15 * MB },
    { ...PNG, maxBytes: 15 * MB },
    { ...WEBP, maxBytes: 15 * MB },
    { ...MP4, maxBytes: 50 * MB },
    { ...OGG, maxBytes: 15 * MB },
    { ...MP3, maxBytes: 15 * MB },
    { ...PDF, maxBytes: 15 * MB },
  ],
  proof_of_residence: [
    { ...JPEG, maxBytes: 10 * MB },
    { ...PNG, maxBytes: 10 * MB },
    { ...PDF, maxBytes: 10 * MB },
  ],
};

/** Largest object any purpose accepts; the local upload route rejects larger bodies before reading them. */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(ALLOWED_TYPES).flatMap((types) => types.map((t) => t.maxBytes)));

// Names browsers and phones use for the allowed types; mapped to the one name the policy pins.
const TYPE_ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "audio/mp3": "audio/mpeg",
  "audio/x-mpeg": "audio/mpeg",
  "audio/opus": "audio/ogg",
  "application/x-pdf": "application/pdf",
};

const HEIF_TYPES = new Set(["image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"]);
const HEIF_EXTENSIONS = [".heic", ".heif", ".hif"];

/** Lower-cases a MIME type and drops parameters: "Audio/Ogg; codecs=opus" -> "audio/ogg". */
export function normalizeContentType(value: string): string {
  const bare = value.split(";")[0]!.trim().toLowerCase();
  return TYPE_ALIASES[bare] ?? bare;
}

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot <= 0 ? "" : filename.slice(dot).toLowerCase();
}

export type ContentTypeResolution =
  | { ok: true; type: AllowedType }
  | { ok: false; reason: "heif" | "not_allowed" | "unknown"; given: string };

/**
 * Chooses the Content-Type to pin for an upload. A declared type wins when it is allowed. An empty
 * or generic declared type falls back to the file name's extension, because some browsers report no
 * type for HEIC or unusual extensions. HEIC and HEIF get their own reason, so the resident can be
 * asked for a JPEG.
 */
export function resolveContentType(purpose: UploadPurpose, filename: string, declaredType: string): ContentTypeResolution {
  const allowed = ALLOWED_TYPES[purpose];
  const declared = normalizeContentType(declaredType);
  const extension = extensionOf(filename);

  if (HEIF_TYPES.has(declared) || HEIF_EXTENSIONS.includes(extension)) {
    return { ok: false, reason: "heif", given: declared || extension };
  }
  if (declared !== "" && declared !== "application/octet-stream") {
    const match = allowed.find((type) => type.contentType === declared);
    return match ? { ok: true, type: match } : { ok: false, reason: "not_allowed", given: declared };
  }
  const byExtension = allowed.find((type) => type.extensions.includes(extension));
  if (byExtension) return { ok: true, type: byExtension };
  return { ok: false, reason: extension === "" ? "unknown" : "not_allowed", given: extension };
}

/** Builds the `accept` attribute for a file input from the purpose's allowed types and extensions. */
export function acceptAttribute(purpose: UploadPurpose): string {
  return ALLOWED_TYPES[purpose].flatMap((type) => [type.contentType, ...type.extensions]).join(",");
}

/** File name extensions a resident may choose, for messages: ".jpg, .png, .pdf". */
export function allowedExtensionsText(purpose: UploadPurpose): string {
  return ALLOWED_TYPES[purpose].map((type) => type.extensions[0]).join(", ");
}

/** Formats a byte count for residents: 15 MB, 350 KB, 12 bytes. Uses 1 MB = 1024 × 1024 bytes. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Number((bytes / MB).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
