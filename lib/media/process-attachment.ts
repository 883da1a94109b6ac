import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { mediaAttachments } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { AppError } from "@/lib/errors";
import type { JobContext } from "@/lib/jobs";
import type { Logger } from "@/lib/log";
import { getStorage, type PutObjectOptions } from "@/lib/storage";
import { buildDerivativeKey } from "@/lib/storage/keys";
import { SERVER_SIDE_ENCRYPTION } from "@/lib/storage/types";
import { derivativeKindFor, makeDerivatives, type DerivativeFailureReason } from "./derivatives";
import { readImageMetadata, type CaptureTime, type ImageMetadata } from "./exif";
import { PROCESS_ATTACHMENT_ATTEMPTS } from "./queue-attachment-processing";
import { describeIntegrityFailure, hashStoredObject, readStoredObject } from "./stored-original";

type Attachment = typeof mediaAttachments.$inferSelect;

export const ProcessAttachmentPayload = z.object({ attachmentId: z.uuid() });

export type ProcessingRejectionReason = DerivativeFailureReason | "integrity" | "missing";

interface Size {
  width: number;
  height: number;
}

export type ProcessAttachmentOutcome =
  /** The attachment is gone or no longer `uploaded` (processed or rejected by an earlier run). */
  | { outcome: "skipped"; state: Attachment["state"] | null }
  | {
      outcome: "processed";
      kind: "image";
      displayKey: string;
      thumbnailKey: string;
      display: Size;
      thumbnail: Size;
      /** EXIF data as read from the original. The GPS position is not stored: see sharePhotoLocation. */
      metadata: ImageMetadata;
    }
  /** Video, audio and PDF: checked, with no derivative; staff see a file-type icon. */
  | { outcome: "processed"; kind: "icon" }
  | { outcome: "rejected"; reason: ProcessingRejectionReason; message: string };

/**
 * Processes an uploaded original: checks that its bytes still hash to the SHA-256 recorded at
 * upload, and for images reads the capture time from EXIF and stores a display image and a
 * thumbnail beside the original. Writes the attachment's new state and an audit event in `tx`.
 *
 * A file that can never be processed (altered bytes, missing object, not an image, HEIC, truncated,
 * corrupt, too many pixels) ends `rejected` with a staff-facing reason. Storage and database
 * failures throw, so that the job is retried.
 */
export async function processAttachment(
  tx: Tx,
  input: { tenantId: string; attachmentId: string },
  options: { log: Logger },
): Promise<ProcessAttachmentOutcome> {
  const attachment = await loadAttachment(tx, input);
  if (!attachment || attachment.state !== "uploaded") {
    options.log.info({ attachmentId: input.attachmentId, state: attachment?.state ?? null }, "attachment processing skipped: it is not waiting for processing");
    return { outcome: "skipped", state: attachment?.state ?? null };
  }

  const contentType = attachment.sniffedContentType ?? attachment.contentType;
  const kind = derivativeKindFor(contentType);

  // Images are read whole for decoding (at most 15 MB); videos are only streamed through the hash.
  let original: { bytes: Buffer | null; sha256: string };
  try {
    original =
      kind === "image"
        ? await readStoredObject(attachment.bucket, attachment.objectKey)
        : { bytes: null, sha256: (await hashStoredObject(attachment.bucket, attachment.objectKey)).sha256 };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") {
      return reject(tx, attachment, { reason: "missing", message: "The original file is missing from storage, so it cannot be checked or shown." }, options.log);
    }
    throw error;
  }
  if (attachment.sha256 === null || original.sha256 !== attachment.sha256) {
    return reject(tx, attachment, { reason: "integrity", message: describeIntegrityFailure(attachment.sha256, original.sha256) }, options.log);
  }

  if (kind === "icon" || original.bytes === null) {
    if (!(await markProcessed(tx, attachment, {}))) return { outcome: "skipped", state: null };
    await audit(tx, attachment, "attachment.processed", { kind: "icon", contentType });
    options.log.info({ fileId: attachment.fileId, contentType }, "attachment processed without derivatives");
    return { outcome: "processed", kind: "icon" };
  }

  return processImage(tx, attachment, original.bytes, options.log);
}

async function processImage(tx: Tx, attachment: Attachment, bytes: Buffer, log: Logger): Promise<ProcessAttachmentOutcome> {
  const derivatives = await makeDerivatives(bytes);
  if (!derivatives.ok) {
    return reject(tx, attachment, { reason: derivatives.error.reason, message: derivatives.error.message }, log, derivatives.error.cause);
  }
  const read = await readImageMetadata(bytes);
  // makeDerivatives decoded the image, so unreadable EXIF is only damaged metadata, not a bad file.
  const metadata: ImageMetadata = read.ok ? read.metadata : { location: null, captureTime: null, orientation: 1, warnings: [read.message] };

  const displayKey = buildDerivativeKey(attachment.objectKey, "display");
  const thumbnailKey = buildDerivativeKey(attachment.objectKey, "thumbnail");
  const storage = getStorage();
  const put: PutObjectOptions = { contentType: derivatives.display.contentType, serverSideEncryption: SERVER_SIDE_ENCRYPTION };
  await storage.putObject(attachment.bucket, displayKey, derivatives.display.bytes, put);
  await storage.putObject(attachment.bucket, thumbnailKey, derivatives.thumbnail.bytes, put);

  const capturedAt = toCapturedAt(metadata.captureTime);
  const updated = await markProcessed(tx, attachment, {
    displayKey,
    thumbnailKey,
    derivativeContentType: derivatives.display.contentType,
    capturedAt,
  });
  if (!updated) return { outcome: "skipped", state: null };

  const display = { width: derivatives.display.width, height: derivatives.display.height };
  const thumbnail = { width: derivatives.thumbnail.width, height: derivatives.thumbnail.height };
  // The GPS position stays out of the audit log: it is recorded only where the resident shares it.
  await audit(tx, attachment, "attachment.processed", {
    kind: "image",
    source: derivatives.source,
    orientation: metadata.orientation,
    display,
    thumbnail,
    capturedAt: capturedAt?.toISOString() ?? null,
    warnings: metadata.warnings,
  });
  log.info({ fileId: attachment.fileId, source: derivatives.source, display, warnings: metadata.warnings }, "attachment processed");
  return { outcome: "processed", kind: "image", displayKey, thumbnailKey, display, thumbnail, metadata };
}

// Every tenant is a South African municipality, and South Africa keeps one time zone all year
// (SAST, UTC+02:00, no daylight saving), so a camera clock without a recorded offset is read as SAST.
const ASSUMED_UTC_OFFSET_MINUTES = 120;

/**
 * Converts an EXIF capture time to an instant. NOTE: without OffsetTimeOriginal the camera clock is
 * assumed to be on SAST, so a photo from a camera set to another zone is off by the difference.
 */
function toCapturedAt(captureTime: CaptureTime | null): Date | null {
  if (captureTime === null) return null;
  if (captureTime.instant !== null) return captureTime.instant;
  const localAsUtc = Date.parse(`${captureTime.localDateTime}Z`);
  return Number.isNaN(localAsUtc) ? null : new Date(localAsUtc - ASSUMED_UTC_OFFSET_MINUTES * 60_000);
}

async function loadAttachment(tx: Tx, input: { tenantId: string; attachmentId: string }): Promise<Attachment | undefined> {
  const [row] = await tx
    .select()
    .from(mediaAttachments)
    .where(and(eq(mediaAttachments.id, input.attachmentId), eq(mediaAttachments.tenantId, input.tenantId)))
    .limit(1);
  return row;
}

// Each write applies only to a row still `uploaded`, so a second run of the same job (after the
// worker's lease expired) changes nothing.
async function markProcessed(
  tx: Tx,
  attachment: Attachment,
  derivatives: { displayKey?: string; thumbnailKey?: string; derivativeContentType?: string; capturedAt?: Date | null },
): Promise<Attachment | undefined> {
  const now = new Date();
  const [updated] = await tx
    .update(mediaAttachments)
    .set({ ...derivatives, state: "processed", isProcessed: true, processedAt: now, rejectionReason: null, updatedAt: now })
    .where(whereStillUploaded(attachment))
    .returning();
  return updated;
}

async function reject(
  tx: Tx,
  attachment: Attachment,
  rejection: { reason: ProcessingRejectionReason; message: string },
  log: Logger,
  cause?: unknown,
): Promise<ProcessAttachmentOutcome> {
  const now = new Date();
  const [updated] = await tx
    .update(mediaAttachments)
    .set({ state: "rejected", rejectionReason: rejection.message, isProcessed: false, updatedAt: now })
    .where(whereStillUploaded(attachment))
    .returning();
  if (!updated) return { outcome: "skipped", state: null };

  await audit(tx, attachment, "attachment.rejected", { reason: rejection.reason, message: rejection.message });
  const level = rejection.reason === "integrity" || rejection.reason === "missing" ? "error" : "warn";
  log[level]({ fileId: attachment.fileId, reason: rejection.reason, err: cause }, `attachment rejected: ${rejection.message}`);
  return { outcome: "rejected", ...rejection };
}

function whereStillUploaded(attachment: Attachment) {
  return and(
    eq(mediaAttachments.id, attachment.id),
    eq(mediaAttachments.tenantId, attachment.tenantId),
    eq(mediaAttachments.state, "uploaded"),
  );
}

async function audit(tx: Tx, attachment: Attachment, action: string, metadata: Record<string, unknown>): Promise<void> {
  await writeAuditEvent(tx, {
    tenantId: attachment.tenantId,
    actorId: null,
    action,
    targetType: "media_attachment",
    targetId: attachment.id,
    metadata: { fileId: attachment.fileId, ticketId: attachment.ticketId, ...metadata },
  });
}

/**
 * Job handler for PROCESS_ATTACHMENT_JOB. The work runs in a savepoint, so that after a failure the
 * job's transaction can still record it. Failures before the last attempt throw and the worker
 * retries with backoff. On the last attempt the attachment keeps its `uploaded` state (the original
 * is intact and can still be downloaded), records the reason, and the job ends without a throw.
 */
export async function runProcessAttachmentJob(payload: Record<string, unknown>, ctx: JobContext): Promise<void> {
  const { attachmentId } = ProcessAttachmentPayload.parse(payload);
  try {
    await ctx.tx.transaction((savepoint) => processAttachment(savepoint, { tenantId: ctx.tenantId, attachmentId }, { log: ctx.log }));
  } catch (error) {
    if (ctx.attempt < PROCESS_ATTACHMENT_ATTEMPTS) {
      ctx.log.warn({ err: error, attachmentId, attempt: ctx.attempt }, "attachment processing failed; it will be retried");
      throw error;
    }
    await recordProcessingFailure(ctx, attachmentId, error);
  }
}

async function recordProcessingFailure(ctx: JobContext, attachmentId: string, error: unknown): Promise<void> {
  const detail = error instanceof Error ? error.message : String(error);
  const message = `Processing failed after ${ctx.attempt} attempts: ${detail}`.slice(0, 1000);
  const [updated] = await ctx.tx
    .update(mediaAttachments)
    .set({ rejectionReason: message, updatedAt: new Date() })
    .where(and(eq(mediaAttachments.id, attachmentId), eq(mediaAttachments.tenantId, ctx.tenantId), eq(mediaAttachments.state, "uploaded")))
    .returning();
  if (updated) await audit(ctx.tx, updated, "attachment.processing_failed", { attempts: ctx.attempt, message });
  ctx.log.error({ err: error, attachmentId, attempts: ctx.attempt }, "attachment processing failed on its last attempt; the reason is recorded on the attachment");
}
