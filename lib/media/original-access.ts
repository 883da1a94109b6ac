import type { Role } from "@/lib/auth/types";

// Who may download an attachment's original, the byte-for-byte file kept for chain of custody.
// Pure, so the ticket page can decide whether to offer the link; getAttachmentUrl enforces it.

/**
 * True when `role` may download the original: a manager for an ordinary ticket, the saps_liaison
 * for a sensitive (GBV) one, and a resident for their own upload on an ordinary ticket. Agents
 * never may, and see only the derivatives.
 */
export function mayDownloadOriginal(role: Role, attachment: { sensitive: boolean; ownedByActor: boolean }): boolean {
  if (attachment.sensitive) return role === "saps_liaison";
  if (role === "resident") return attachment.ownedByActor;
  return role === "manager";
}

/** Staff-facing reason for a refused original download, naming who may download it instead. */
export function originalDownloadRefusal(role: Role, sensitive: boolean): string {
  if (sensitive) return "Evidence on a GBV report can only be opened by the SAPS liaison officer.";
  if (role === "agent") return "Agents see the processed copies only. Ask a manager to download the original file.";
  return "Only a manager can download the original file of an ordinary report.";
}
