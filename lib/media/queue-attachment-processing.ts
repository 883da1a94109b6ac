import type { Tx } from "@/db/client";
import { enqueueJob } from "@/lib/jobs";

/** Job kind that checks an uploaded original, reads its EXIF data and makes its derivatives. */
export const PROCESS_ATTACHMENT_JOB = "media.process_attachment";

/**
 * Runs of the processing job before the attachment records why processing failed. With the
 * worker's backoff (30 s, doubling) the last run starts about 7.5 minutes after the first.
 */
export const PROCESS_ATTACHMENT_ATTEMPTS = 5;

/**
 * Queues processing of an attachment in the caller's transaction, so the job exists exactly when
 * the attachment's `uploaded` state commits. Web uploads (confirmUpload) and WhatsApp media both
 * call this once their original is stored and hashed. Returns the job id.
 */
export async function queueAttachmentProcessing(tx: Tx, input: { tenantId: string; attachmentId: string }): Promise<string> {
  return enqueueJob(tx, {
    tenantId: input.tenantId,
    kind: PROCESS_ATTACHMENT_JOB,
    payload: { attachmentId: input.attachmentId },
    maxAttempts: PROCESS_ATTACHMENT_ATTEMPTS,
  });
}
