import { and, eq, inArray, lt } from "drizzle-orm";
import { withSystem } from "@/db/client";
import { mediaAttachments } from "@/db/schema";
import { log } from "@/lib/log";
import { getStorage } from "@/lib/storage";

/** Age after which a still-pending intent is abandoned; far beyond the 15-minute upload policy. */
export const ABANDONED_INTENT_AGE_MS = 24 * 60 * 60 * 1000;

const BATCH_SIZE = 200;

/**
 * Deletes the objects and rows of upload intents still pending a day after creation, across all
 * tenants. Objects go first, so a crash between the two steps leaves a row that the next run
 * retries rather than an object no row points to.
 */
export async function cleanupExpiredIntents(now: Date): Promise<{ deleted: number }> {
  const cutoff = new Date(now.getTime() - ABANDONED_INTENT_AGE_MS);
  const storage = getStorage();
  let deleted = 0;

  for (;;) {
    const batch = await withSystem((tx) =>
      tx
        .select({ id: mediaAttachments.id, bucket: mediaAttachments.bucket, objectKey: mediaAttachments.objectKey })
        .from(mediaAttachments)
        .where(and(eq(mediaAttachments.state, "pending"), lt(mediaAttachments.createdAt, cutoff)))
        .orderBy(mediaAttachments.createdAt)
        .limit(BATCH_SIZE),
    );
    if (batch.length === 0) break;

    const removable: string[] = [];
    for (const row of batch) {
      try {
        await storage.deleteObject(row.bucket, row.objectKey);
        removable.push(row.id);
      } catch (error) {
        log.error({ err: error, attachmentId: row.id, bucket: row.bucket, key: row.objectKey }, "abandoned upload could not be deleted");
      }
    }
    if (removable.length === 0) break;

    const removed = await withSystem((tx) =>
      tx
        .delete(mediaAttachments)
        .where(and(inArray(mediaAttachments.id, removable), eq(mediaAttachments.state, "pending")))
        .returning({ id: mediaAttachments.id }),
    );
    deleted += removed.length;
    // Rows whose object could not be deleted stay; stop rather than fetch them again forever.
    if (removable.length < batch.length || batch.length < BATCH_SIZE) break;
  }

  log.info({ deleted, cutoff: cutoff.toISOString() }, "abandoned upload intents cleaned up");
  return { deleted };
}
