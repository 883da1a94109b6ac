import { lt } from "drizzle-orm";
import { withSystem, type Database } from "@/db/client";
import { devOutbox } from "@/db/schema";

/**
 * Age after which development outbox messages are deleted, in milliseconds. Sign-in codes in them
 * are plain text and expire after 10 minutes, so a day leaves time to read a demo's messages.
 */
export const OUTBOX_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Deletes development outbox messages older than OUTBOX_RETENTION_MS, across all tenants. */
export async function pruneOutbox(now: Date, db?: Database): Promise<{ deleted: number }> {
  const cutoff = new Date(now.getTime() - OUTBOX_RETENTION_MS);
  const removed = await withSystem(
    (tx) => tx.delete(devOutbox).where(lt(devOutbox.createdAt, cutoff)).returning({ id: devOutbox.id }),
    db,
  );
  return { deleted: removed.length };
}
