import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { queryAsTenant, withTenant } from "@/db/client";
import { mapTableRow } from "@/db/rows";
import { mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { requestLogger } from "@/lib/log";
import { detectHeif } from "@/lib/media/heif";
import { PROCESS_ATTACHMENT_ATTEMPTS, PROCESS_ATTACHMENT_JOB } from "@/lib/media/queue-attachment-processing";
import { sniffContentType, SNIFF_BYTES } from "@/lib/media/sniff";
import { getStorage, type ObjectHead } from "@/lib/storage";
import {
  loadOwnAttachment,
  parseFileId,
  recordAuditEvent,
  resolveLocaleAsTenant,
  type Attachment,
  type UploadContext,
} from "./attachments";
import { forgetIntent, recallIntent, type PendingUpload } from "./intent-cache";
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

  const t = createUploadTranslator(ctx.locale ?? (await resolveLocaleAsTenant(actor)));
  const id = parseFileId(fileId, t);
  let remembered = recallIntent(actor, id);
  if (!remembered) {
    const row = await loadOwnAttachment(actor, id, t);
    if (row.state === "uploaded" || row.state === "processed") return toConfirmed(row);
    if (row.state === "rejected") throw new AppError("invalid_input", t("alreadyRejected", { filename: row.originalFilename }));
    remembered = row;
  }
  const attachment: PendingUpload = remembered;
  const filename = attachment.originalFilename;

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

  const updated = await markUploaded(actor, attachment, { size, sha256, sniffed }, ctx);
  forgetIntent(attachment.fileId);
  if (!updated) {
    // A second confirm that ran at the same time finished first: report its outcome.
    const current = await loadOwnAttachment(actor, attachment.fileId, t);
    if (current.state === "rejected") throw new AppError("invalid_input", t("alreadyRejected", { filename }));
    return toConfirmed(current);
  }
  const confirmed = toConfirmed(updated);
  log.info({ fileId: attachment.fileId, size, contentType: attachment.contentType }, "upload confirmed");
  return confirmed;
}

// Fixed text, so it is neither rebuilt nor parsed again for each upload. Parameters: $1 size, $2
// sha256, $3 sniffed type, $4 attachment id, $5 tenant id, $6 actor id, $7 job kind, $8 job
// attempts, $9 request id, $10 audit metadata as JSON.
const MARK_UPLOADED = `
  with updated as (
    update media_attachments
    set state = 'uploaded', size = $1, sha256 = $2, sniffed_content_type = $3, confirmed_at = now(), updated_at = now()
    where id = $4 and tenant_id = $5 and owner_id = $6 and state = 'pending'
    returning *
  ),
  job as (
    insert into jobs (tenant_id, kind, payload, max_attempts)
    select tenant_id, $7, jsonb_build_object('attachmentId', id), $8::int from updated
  ),
  audit as (
    insert into audit_events (tenant_id, actor_id, action, target_type, target_id, request_id, metadata)
    select tenant_id, $6::uuid, 'attachment.uploaded', 'media_attachment', id, $9, $10::jsonb from updated
  )
  select * from updated
`;

/**
 * Marks a pending attachment uploaded, queues its processing job and writes its audit event in one
 * statement, so one transaction and one round trip. Confirm runs for every upload, and its fixed
 * cost eats into what the direct upload saves over receiving the file. Returns null when the
 * attachment is no longer pending, because another confirm or a rejection came first.
 */
async function markUploaded(
  actor: Actor,
  attachment: PendingUpload,
  stored: { size: number; sha256: string; sniffed: string },
  ctx: UploadContext,
): Promise<Attachment | null> {
  const metadata = JSON.stringify({
    fileId: attachment.fileId,
    purpose: attachment.purpose,
    contentType: attachment.contentType,
    size: stored.size,
    sha256: stored.sha256,
  });
  const rows = await queryAsTenant<Record<string, unknown>>(actor.tenantId, {
    sql: MARK_UPLOADED,
    params: [stored.size, stored.sha256, stored.sniffed, attachment.id, actor.tenantId, actor.userId, PROCESS_ATTACHMENT_JOB, PROCESS_ATTACHMENT_ATTEMPTS, ctx.requestId, metadata],
  });
  return rows[0] ? mapTableRow(mediaAttachments, rows[0]) : null;
}

function checkHead(attachment: PendingUpload, head: ObjectHead, t: UploadTranslator): Rejection | null {
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

async function readFirstBytes(attachment: PendingUpload, length: number): Promise<Buffer> {
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

async function hashObject(attachment: PendingUpload): Promise<{ sha256: string; size: number }> {
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
  attachment: PendingUpload,
  rejection: Rejection,
  ctx: UploadContext,
  log: ReturnType<typeof requestLogger>,
): Promise<void> {
  forgetIntent(attachment.fileId);
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
