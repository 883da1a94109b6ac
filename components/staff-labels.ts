import type { Role } from "@/lib/auth/types";
import type { TicketStatus } from "@/lib/tickets/ticket-summary";

// English labels for the staff dashboard, which is not translated.

export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: "New",
  acknowledged: "Acknowledged",
  assigned: "Assigned",
  in_progress: "In progress",
  resolved: "Resolved",
  closed: "Closed",
  rejected: "Rejected",
};

export const ROLE_LABELS: Record<Role, string> = {
  resident: "Resident",
  agent: "Agent",
  manager: "Manager",
  saps_liaison: "SAPS liaison officer",
  admin: "Platform administrator",
};

export const CHANNEL_LABELS: Record<"web" | "whatsapp", string> = {
  web: "Web portal",
  whatsapp: "WhatsApp",
};

/** Text shown to every role but saps_liaison in place of a GBV ticket's category and description. */
export const SENSITIVE_PLACEHOLDER = "GBV incident report";

const TYPE_LABELS: Record<string, string> = {
  "image/jpeg": "JPEG image",
  "image/png": "PNG image",
  "image/webp": "WebP image",
  "image/heic": "HEIC image",
  "image/heif": "HEIF image",
  "image/gif": "GIF image",
  "video/mp4": "MP4 video",
  "video/quicktime": "QuickTime video",
  "video/3gpp": "3GP video",
  "video/webm": "WebM video",
  "audio/ogg": "Ogg audio",
  "audio/mpeg": "MP3 audio",
  "audio/mp4": "M4A audio",
  "audio/aac": "AAC audio",
  "audio/amr": "AMR audio",
  "audio/webm": "WebM audio",
  "audio/wav": "WAV audio",
  "application/pdf": "PDF document",
};

/** Returns a readable label for a MIME type, such as "JPEG image", falling back to the type family. */
export function contentTypeLabel(contentType: string): string {
  const known = TYPE_LABELS[contentType.toLowerCase()];
  if (known) return known;
  const family = contentType.split("/")[0];
  if (family === "image") return `Image (${contentType})`;
  if (family === "video") return `Video (${contentType})`;
  if (family === "audio") return `Audio (${contentType})`;
  return contentType || "Unknown type";
}
