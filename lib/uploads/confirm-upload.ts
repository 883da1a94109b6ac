import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { withTenant } from "@/db/client";
import { mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { requestLogger } from "@/lib/log";
import { detectHeif } from "@/lib/media/heif";
import { queueAttachmentProcessing } from "@/lib/media/queue-attachment-processing";
import { sniffContentType, SNIFF_BYTES } from "@/lib/media/sniff";
import { getStorage, type ObjectHead } from "@/lib/storage";
import {
  getOwnAttachmentOrThrow,
  parseFileId,
  recordAuditEvent,
  resolveLocale,
  type Attachment,
  type UploadContext,
} from "./attachments";
import { ALLOWED_TYPES, formatBytes, normalizeContentType } from "./limits";
import { createUploadTranslator, type UploadTranslator } from "./messages";

export interface ConfirmedUpload {
  fileId: string;
  originalFilename: string;
  contentType: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  state: "uploaded" | "processed";
}

/** Why a stored object was rejected: one English line for staff, one message for the resident. */
interface Rejection {
  reason: string;
  message: string;
}

/**
 * Checks the object a resident posted under an upload intent: it must exist, its size must match
 * the declared size and the limit, and its first bytes must show the pinned type. A good object is
 * marked `uploaded` with its SHA-256, and its processing job is queued in the same transaction. A
 * bad one is marked `rejected` and deleted, and the resident gets an AppError invalid_input saying
 * why. Confirming an already uploaded file returns it again.
 */
export async function confirmUpload(actor: Actor, fileId: unknown, ctx: UploadContext): Promise<ConfirmedUpload> {
  const log = requestLogger({ requestId: ctx.requestId, tenantId: actor.tenantId, route: "confirmUpload" });

  const { attachment, t } = await withTenant(actor.tenantId, async (tx) => {
    const translator = createUploadTranslator(await resolveLocale(tx, actor, ctx.locale));
    const id = parseFileId(fileId, translator);
    return { attachment: await getOwnAttachmentOrThrow(tx, actor, id, translator), t: translator };
  });
  const filename = attachment.originalFilename;
  if (attachment.state === "uploaded" || attachment.state === "processed") return toConfirmed(attachment);
  if (attachment.state === "rejected") throw new AppError("invalid_input", t("alreadyRejected", { filename }));

  const storage = getStorage();
  const head = await storage.headObject(attachment.bucket, attachment.objectKey);
  if (!head) {
    // The row stays pending: before expiry the browser may still post, and cleanup removes it later.
    const expired = Date.now() > attachment.uploadExpiresAt.getTime();
    throw new AppError("invalid_input", t(expired ? "intentExpired" : "objectMissing", { filename }));
  }

  const reject = async (rejection: Rejection): Promise<never> => {
    await rejectAttachment(actor, attachment, rejection, ctx, log);
    throw new AppError("invalid_input", rejection.message);
  };

  const headRejection = checkHead(attachment, head, t);
  if (headRejection) await reject(headRejection);
  const firstBytes = await readFirstBytes(attachment, Math.min(head.size, SNIFF_BYTES));
  // An iPhone HEIC photo renamed to .jpg gets its own message, which requests a JPEG. AVIF (the AV1
  // flavour of HEIF) is not allowed either, and gets the general type mismatch below.
  const heif = detectHeif(firstBytes);
  if (heif !== null && heif.codec !== "av1") {
    await reject({
      reason: `content is HEIF (${heif.codec}, brand ${heif.majorBrand}), expected ${attachment.contentType}`,
      message: t("typeHeif", { filename }),
    });
  }
  const sniffed = await sniffContentType(firstBytes);
  if (sniffed !== attachment.contentType) {
    await reject({
      reason: `content is ${sniffed}, expected ${attachment.contentType}`,
      message: t("typeMismatch", { filename, expected: t.typeLabel(attachment.contentType), sniffed }),
    });
  }

  // The presigned POST stays valid until it expires, so the owner could overwrite the object after
  // this check. Processing and every original download compare the bytes with the SHA-256 recorded here.
  // Storage that verified a pinned SHA-256, and the local driver, which hashes while it writes,
  // report the digest, so the bytes are read here only when storage reports none (s3rver, for one).
  const { sha256, size } = head.sha256 ? { sha256: head.sha256, size: head.size } : await hashObject(attachment);
  if (size !== head.size) {
    await reject({
      reason: `object changed while it was checked (${head.size} then ${size} bytes)`,
      message: t("sizeMismatch", { filename, actual: `${size} bytes`, declared: `${attachment.declaredSize} bytes` }),
    });
  }

  const confirmed = await withTenant(actor.tenantId, async (tx) => {
    const [updated] = await tx
      .update(mediaAttachments)
      .set({ state: "uploaded", size, sha256, sniffedContentType: sniffed, confirmedAt: new Date() })
      .where(
        and(
          eq(mediaAttachments.id, attachment.id),
          eq(mediaAttachments.tenantId, actor.tenantId),
          eq(mediaAttachments.state, "pending"),
        ),
      )
      .returning();
    if (!updated) {
      // A second confirm that ran at the same time finished first: report its outcome.
      const current = await getOwnAttachmentOrThrow(tx, actor, attachment.fileId, t);
      if (current.state === "rejected") throw new AppError("invalid_input", t("alreadyRejected", { filename }));
      return toConfirmed(current);
    }

    await queueAttachmentProcessing(tx, { tenantId: actor.tenantId, attachmentId: updated.id });
    await recordAuditEvent(tx, {
      actor,
      action: "attachment.uploaded",
      attachment: updated,
      requestId: ctx.requestId,
      metadata: { purpose: updated.purpose, contentType: updated.contentType, size, sha256 },
    });
    return toConfirmed(updated);
  });
  log.info({ fileId: attachment.fileId, size, contentType: attachment.contentType }, "upload confirmed");
  return confirmed;
}

function checkHead(attachment: Attachment, head: ObjectHead, t: UploadTranslator): Rejection | null {
  const filename = attachment.originalFilename;
  const allowed = ALLOWED_TYPES[attachment.purpose].find((type) => type.contentType === attachment.contentType);
  const maxBytes = allowed?.maxBytes ?? 0;

  if (head.size < 1) return { reason: "object is empty", message: t("sizeEmpty", { filename }) };
  if (head.size > maxBytes) {
    return {
      reason: `object is ${head.size} bytes, more than the ${maxBytes} allowed`,
      message: t("sizeTooLarge", {
        filename,
        size: `${head.size} bytes`,
        kind: t.kindLabel(allowed?.kind ?? "document"),
        max: formatBytes(maxBytes),
      }),
    };
  }
  if (head.size !== attachment.declaredSize) {
    return {
      reason: `object is ${head.size} bytes, but ${attachment.declaredSize} were declared`,
      message: t("sizeMismatch", { filename, actual: `${head.size} bytes`, declared: `${attachment.declaredSize} bytes` }),
    };
  }
  const storedType = head.contentType === null ? null : normalizeContentType(head.contentType);
  if (storedType !== null && storedType !== attachment.contentType) {
    return {
      reason: `object was stored as ${storedType}, but the policy pinned ${attachment.contentType}`,
      message: t("typeMismatch", { filename, expected: t.typeLabel(attachment.contentType), sniffed: storedType }),
    };
  }
  return null;
}

async function readFirstBytes(attachment: Attachment, length: number): Promise<Buffer> {
  const stream = await getStorage().readObject(attachment.bucket, attachment.objectKey, { start: 0, end: length - 1 });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk));
    total += chunk.byteLength;
    // Some S3-compatible services ignore Range and send the whole object; stop once there is enough.
    if (total >= length) break;
  }
  return Buffer.concat(chunks).subarray(0, length);
}

async function hashObject(attachment: Attachment): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of await getStorage().readObject(attachment.bucket, attachment.objectKey)) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * Marks the attachment rejected and audits it in one transaction, then deletes the object. A
 * failed delete is logged and left for an operator, because the row already marks the file rejected.
 */
async function rejectAttachment(
  actor: Actor,
  attachment: Attachment,
  rejection: Rejection,
  ctx: UploadContext,
  log: ReturnType<typeof requestLogger>,
): Promise<void> {
  await withTenant(actor.tenantId, async (tx) => {
    const [updated] = await tx
      .update(mediaAttachments)
      .set({ state: "rejected", rejectionReason: rejection.reason })
      .where(
        and(
          eq(mediaAttachments.id, attachment.id),
          eq(mediaAttachments.tenantId, actor.tenantId),
          eq(mediaAttachments.state, "pending"),
        ),
      )
      .returning();
    if (updated) {
      await recordAuditEvent(tx, {
        actor,
        action: "attachment.rejected",
        attachment: updated,
        requestId: ctx.requestId,
        metadata: { reason: rejection.reason },
      });
    }
  });
  try {
    await getStorage().deleteObject(attachment.bucket, attachment.objectKey);
  } catch (error) {
    log.error({ err: error, fileId: attachment.fileId, bucket: attachment.bucket, key: attachment.objectKey }, "rejected upload could not be deleted");
  }
  log.info({ fileId: attachment.fileId, reason: rejection.reason }, "upload rejected");
}

function toConfirmed(attachment: Attachment): ConfirmedUpload {
  return {
    fileId: attachment.fileId,
    originalFilename: attachment.originalFilename,
    contentType: attachment.contentType,
    size: attachment.size ?? 0,
    sha256: attachment.sha256 ?? "",
    state: attachment.state === "processed" ? "processed" : "uploaded",
  };
}
