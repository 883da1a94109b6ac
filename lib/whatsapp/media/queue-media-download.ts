import { randomUUID } from "node:crypto";
import type { Tx } from "@/db/client";
import { mediaAttachments } from "@/db/schema";
import { enqueueJob } from "@/lib/jobs";
import { bucketFor } from "@/lib/storage";
import { buildObjectKey } from "@/lib/storage/keys";
import type { AllowedType } from "@/lib/uploads/limits";
import type { InboundMedia } from "../inbound-message";
import { extensionFor } from "./evidence-types";

/** Job kind that downloads one WhatsApp media item into storage. */
export const MEDIA_DOWNLOAD_JOB = "whatsapp.media_download";

/**
 * Attempts before a download that keeps failing (404, 5xx, time-outs) is given up. The job
 * runner waits 30 s, 1 min, 2 min and 4 min between them.
 */
export const MEDIA_DOWNLOAD_ATTEMPTS = 5;

export interface QueuedMedia {
  fileId: string;
  attachmentId: string;
}

/**
 * Records a pending evidence attachment for one media item of an inbound message and queues the
 * job that downloads it, both in the caller's transaction. The object key is chosen now, so a
 * retried download overwrites rather than duplicates.
 */
export async function queueMediaDownload(
  tx: Tx,
  input: {
    tenantId: string;
    ownerId: string;
    messageSid: string;
    media: InboundMedia;
    type: AllowedType;
    /** The file's number within the report, as replies name it. */
    position: number;
    now: Date;
  },
): Promise<QueuedMedia> {
  const fileId = randomUUID();
  const [attachment] = await tx
    .insert(mediaAttachments)
    .values({
      tenantId: input.tenantId,
      ownerId: input.ownerId,
      fileId,
      bucket: bucketFor("evidence"),
      objectKey: buildObjectKey({ tenantId: input.tenantId, purpose: "evidence", fileId, now: input.now }),
      originalFilename: `whatsapp-${input.messageSid}-${input.media.index}${extensionFor(input.type.contentType)}`,
      declaredContentType: input.media.contentType,
      contentType: input.type.contentType,
      // Twilio does not say how large a media item is until it is downloaded.
      declaredSize: 0,
      purpose: "evidence",
      source: "whatsapp",
      state: "pending",
      // No presigned POST exists for a WhatsApp file; the intent cleanup's age limit applies instead.
      uploadExpiresAt: input.now,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning({ id: mediaAttachments.id });
  if (!attachment) throw new Error(`queueMediaDownload: insert of attachment ${fileId} returned no row`);

  await enqueueJob(tx, {
    tenantId: input.tenantId,
    kind: MEDIA_DOWNLOAD_JOB,
    payload: {
      attachmentId: attachment.id,
      mediaUrl: input.media.url,
      position: input.position,
      receivedAt: input.now.toISOString(),
    },
    maxAttempts: MEDIA_DOWNLOAD_ATTEMPTS,
  });
  return { fileId, attachmentId: attachment.id };
}
