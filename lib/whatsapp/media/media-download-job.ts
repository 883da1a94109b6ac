import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { mediaAttachments, users } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { env } from "@/lib/env";
import { isLocale } from "@/lib/i18n";
import type { JobContext } from "@/lib/jobs";
import { queueAttachmentProcessing } from "@/lib/media/queue-attachment-processing";
import { enqueueResidentNotice } from "@/lib/notifications/resident-notice";
import { getStorage } from "@/lib/storage";
import { SERVER_SIDE_ENCRYPTION } from "@/lib/storage/types";
import { formatBytes } from "@/lib/uploads/limits";
import { whatsappTranslator } from "../messages";
import { evidenceTypeFor, extensionFor, MAX_WHATSAPP_MEDIA_BYTES } from "./evidence-types";
import { downloadTwilioMedia, MediaDownloadError } from "./download-media";
import { MEDIA_DOWNLOAD_ATTEMPTS } from "./queue-media-download";

const Payload = z.object({
  attachmentId: z.uuid(),
  mediaUrl: z.url(),
  /** The file's number within the report, as messages to the resident name it. */
  position: z.number().int().min(1),
  /** ISO time the message arrived, for telling the resident which file failed. */
  receivedAt: z.iso.datetime(),
});

type Attachment = typeof mediaAttachments.$inferSelect;

/**
 * Downloads a WhatsApp media item into storage, marks its attachment uploaded and queues the
 * processing web uploads get. The download runs without a lock on the attachment row, so a report
 * being submitted at that moment is not held up, and the final update only applies to a
 * still-pending row. A failure that may pass (404 right after the webhook, 5xx, time-out) throws,
 * and the job runner retries with exponential backoff. A permanent one, or the last attempt, marks
 * the attachment rejected and queues a notice naming the file that could not be saved.
 */
export async function runMediaDownloadJob(payload: Record<string, unknown>, ctx: JobContext): Promise<void> {
  const data = Payload.parse(payload);
  const [attachment] = await ctx.tx
    .select()
    .from(mediaAttachments)
    .where(and(eq(mediaAttachments.id, data.attachmentId), eq(mediaAttachments.tenantId, ctx.tenantId)))
    .limit(1);
  if (!attachment || attachment.state !== "pending") {
    ctx.log.info({ attachmentId: data.attachmentId, state: attachment?.state ?? null }, "media download skipped: the attachment is no longer pending");
    return;
  }

  const settings = env().twilio;
  let downloaded;
  try {
    if (!settings?.accountSid) {
      throw new MediaDownloadError("unavailable", true, "TWILIO_ACCOUNT_SID is not set, so media cannot be downloaded from Twilio");
    }
    downloaded = await downloadTwilioMedia(data.mediaUrl, { accountSid: settings.accountSid, authToken: settings.authToken, allowedHosts: settings.mediaHosts });
  } catch (error) {
    if (!(error instanceof MediaDownloadError)) throw error;
    if (!error.permanent && ctx.attempt < MEDIA_DOWNLOAD_ATTEMPTS) {
      ctx.log.warn({ fileId: attachment.fileId, reason: error.message, attempt: ctx.attempt }, "media download failed; it will be retried");
      throw error;
    }
    await rejectMedia(ctx, attachment, error, data);
    return;
  }

  const type = downloaded.type;
  await getStorage().putObject(attachment.bucket, attachment.objectKey, downloaded.bytes, {
    contentType: type.contentType,
    serverSideEncryption: SERVER_SIDE_ENCRYPTION,
  });
  const now = new Date();
  const [updated] = await ctx.tx
    .update(mediaAttachments)
    .set({
      state: "uploaded",
      contentType: type.contentType,
      sniffedContentType: type.contentType,
      size: downloaded.bytes.length,
      declaredSize: downloaded.bytes.length,
      sha256: downloaded.sha256,
      originalFilename: attachment.originalFilename.replace(/(\.[a-z0-9]+)?$/, extensionFor(type.contentType)),
      confirmedAt: now,
      updatedAt: now,
    })
    .where(and(eq(mediaAttachments.id, attachment.id), eq(mediaAttachments.tenantId, ctx.tenantId), eq(mediaAttachments.state, "pending")))
    .returning();
  if (!updated) {
    ctx.log.info({ fileId: attachment.fileId }, "media downloaded, but the attachment changed meanwhile; the stored object is left for cleanup");
    return;
  }

  await writeAuditEvent(ctx.tx, {
    tenantId: ctx.tenantId,
    actorId: null,
    action: "attachment.uploaded",
    targetType: "media_attachment",
    targetId: updated.id,
    metadata: { fileId: updated.fileId, source: "whatsapp", ticketId: updated.ticketId, contentType: type.contentType, size: downloaded.bytes.length, sha256: downloaded.sha256 },
  });
  // The same processing as a web upload: a re-hash, and for images only EXIF and derivatives.
  await queueAttachmentProcessing(ctx.tx, { tenantId: ctx.tenantId, attachmentId: updated.id });
  ctx.log.info({ fileId: updated.fileId, contentType: type.contentType, size: downloaded.bytes.length, attempt: ctx.attempt }, "whatsapp media stored");
}

async function rejectMedia(ctx: JobContext, attachment: Attachment, error: MediaDownloadError, data: z.infer<typeof Payload>): Promise<void> {
  const now = new Date();
  const [rejected] = await ctx.tx
    .update(mediaAttachments)
    .set({ state: "rejected", rejectionReason: error.message.slice(0, 500), updatedAt: now })
    .where(and(eq(mediaAttachments.id, attachment.id), eq(mediaAttachments.tenantId, ctx.tenantId), eq(mediaAttachments.state, "pending")))
    .returning();
  if (!rejected) return;

  await writeAuditEvent(ctx.tx, {
    tenantId: ctx.tenantId,
    actorId: null,
    action: "attachment.rejected",
    targetType: "media_attachment",
    targetId: rejected.id,
    metadata: { fileId: rejected.fileId, source: "whatsapp", ticketId: rejected.ticketId, reason: error.message, attempts: ctx.attempt },
  });
  ctx.log.warn({ fileId: rejected.fileId, reason: error.message, attempt: ctx.attempt }, "whatsapp media rejected; a notice to the resident is queued");

  const [owner] = await ctx.tx
    .select({ preferredLanguage: users.preferredLanguage })
    .from(users)
    .where(and(eq(users.id, attachment.ownerId), eq(users.tenantId, ctx.tenantId)))
    .limit(1);
  const locale = isLocale(owner?.preferredLanguage) ? owner.preferredLanguage : "en";
  const t = whatsappTranslator(locale);
  const declaredType = evidenceTypeFor(attachment.contentType);
  const reason =
    error.reason === "type_not_allowed"
      ? t("mediaReasonType")
      : error.reason === "too_large"
        ? t("mediaReasonSize", { max: formatBytes(MAX_WHATSAPP_MEDIA_BYTES) })
        : t("mediaReasonUnavailable");
  await enqueueResidentNotice(ctx.tx, ctx.tenantId, {
    recipientId: attachment.ownerId,
    ticketId: rejected.ticketId,
    purpose: "media_failed",
    locale,
    body: t("mediaFailed", {
      position: data.position,
      kind: t.kindLabel(declaredType?.kind ?? "file"),
      sentAt: t.formatTime(new Date(data.receivedAt)),
      reason,
    }),
  });
}
