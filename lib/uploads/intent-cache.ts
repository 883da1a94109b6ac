import type { Actor } from "@/lib/auth/types";
import type { Attachment } from "./attachments";

// Remembers, in this process, the pending attachments that upload intents have just recorded, so
// the confirm that follows a few seconds later on the same server finds its row without a database
// read. Only fields that never change after the insert are kept. Whether the row is still pending
// is decided by confirm's conditional update, so a stale entry cannot confirm a rejected or deleted
// file, and a miss (another server, a restart, an evicted entry) reads the database as before.

/** The parts of a pending attachment that confirm needs and that no later write changes. */
export type PendingUpload = Pick<
  Attachment,
  "id" | "tenantId" | "ownerId" | "fileId" | "bucket" | "objectKey" | "originalFilename" | "contentType" | "declaredSize" | "purpose" | "uploadExpiresAt"
>;

/** Bounds memory: about 500 bytes an entry. Oldest entries go first. */
const MAX_ENTRIES = 10_000;

/** Entries outlive the upload policy by this much, for a confirm that follows a POST finished just in time. */
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

const entries = new Map<string, PendingUpload>();

export function rememberIntent(upload: PendingUpload): void {
  entries.delete(upload.fileId);
  entries.set(upload.fileId, upload);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

/** Returns the actor's own pending upload, or null when this process does not have it or it belongs to someone else. */
export function recallIntent(actor: Actor, fileId: string): PendingUpload | null {
  const upload = entries.get(fileId);
  if (!upload || upload.tenantId !== actor.tenantId || upload.ownerId !== actor.userId) return null;
  if (Date.now() > upload.uploadExpiresAt.getTime() + KEEP_AFTER_EXPIRY_MS) {
    entries.delete(fileId);
    return null;
  }
  return upload;
}

/** Drops an entry once its upload is confirmed or rejected. From then on the database row is the only record. */
export function forgetIntent(fileId: string): void {
  entries.delete(fileId);
}

export function rememberedIntentCount(): number {
  return entries.size;
}
