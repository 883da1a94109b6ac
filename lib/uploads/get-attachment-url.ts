import { and, eq } from "drizzle-orm";
import { withTenant } from "@/db/client";
import { mediaAttachments, tickets } from "@/db/schema";
import { isStaff, type Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { requestLogger } from "@/lib/log";
import { derivativeKindFor } from "@/lib/media/derivatives";
import { mayDownloadOriginal, originalDownloadRefusal } from "@/lib/media/original-access";
import { describeIntegrityFailure, hashStoredObject } from "@/lib/media/stored-original";
import { getStorage } from "@/lib/storage";
import { contentDisposition } from "@/lib/storage/content-disposition";
import type { DerivativeVariant } from "@/lib/storage/keys";
import { attachmentNotFound, parseFileId, recordAuditEvent, resolveLocale, type Attachment, type UploadContext } from "./attachments";
import { createUploadTranslator } from "./messages";

/** Lifetime of a download URL; long enough to start the download, too short to pass around. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export interface AttachmentUrlOptions {
  /**
   * "inline" shows an image's derivative, never its original; a file without derivatives (video,
   * audio, PDF) is then downloaded as its original instead. "attachment" downloads the original.
   */
  disposition: "inline" | "attachment";
  /** Derivative an inline image request gets; "display" when omitted. */
  variant?: DerivativeVariant;
}

interface Target {
  attachment: Attachment;
  sensitive: boolean;
  /** The derivative to serve, or null for the original. */
  derivative: { key: string; contentType: string } | null;
}

/**
 * Authorizes access to a stored attachment and returns a short-lived presigned GET for it.
 * Residents reach only their own files; staff reach their tenant's. Evidence on a sensitive (GBV)
 * ticket is open to the saps_liaison role only, not even to the resident who uploaded it.
 *
 * Inline image views get the display image or thumbnail (orientation applied, metadata stripped),
 * and AppError conflict while those are not made yet. Originals go only to the roles
 * `mayDownloadOriginal` allows. Before a URL is issued, the original's bytes are hashed again and
 * compared with the SHA-256 recorded at upload. Original downloads, failed integrity checks, every view of
 * sensitive evidence and every staff view of a proof-of-residence document are audited.
 */
export async function getAttachmentUrl(actor: Actor, fileId: unknown, options: AttachmentUrlOptions, ctx: UploadContext): Promise<string> {
  if (actor.role !== "resident" && !isStaff(actor.role)) {
    throw new AppError("forbidden", "Only residents and municipal staff can open attachments.");
  }

  const target = await withTenant(actor.tenantId, async (tx): Promise<Target> => {
    const t = createUploadTranslator(actor.role === "resident" ? await resolveLocale(tx, actor, ctx.locale) : "en");
    const id = parseFileId(fileId, t);
    const [row] = await tx
      .select({ attachment: mediaAttachments, ticketIsSensitive: tickets.isSensitive })
      .from(mediaAttachments)
      .leftJoin(tickets, and(eq(tickets.id, mediaAttachments.ticketId), eq(tickets.tenantId, mediaAttachments.tenantId)))
      .where(and(eq(mediaAttachments.fileId, id), eq(mediaAttachments.tenantId, actor.tenantId)))
      .limit(1);

    if (!row) throw attachmentNotFound(t);
    const { attachment } = row;
    const sensitive = row.ticketIsSensitive === true;
    if (actor.role === "resident" && attachment.ownerId !== actor.userId) throw attachmentNotFound(t);
    // Not even to the reporter's own session, because someone else may be using the reporter's phone.
    if (sensitive && actor.role === "resident") throw attachmentNotFound(t);
    if (sensitive && actor.role !== "saps_liaison") {
      throw new AppError("forbidden", "Evidence on a GBV report can only be opened by the SAPS liaison officer.");
    }
    // Proof of residence carries a resident's name, address and account: their own, and managers who review it.
    if (attachment.purpose === "proof_of_residence" && actor.role !== "resident" && actor.role !== "manager") {
      throw new AppError("forbidden", "Proof-of-residence documents can only be opened by a manager.");
    }
    // Pending files are unchecked and rejected ones failed a check, so neither is served.
    if (attachment.state !== "uploaded" && attachment.state !== "processed") throw attachmentNotFound(t);

    const isImage = derivativeKindFor(attachment.sniffedContentType ?? attachment.contentType) === "image";
    if (options.disposition === "attachment" || !isImage) {
      if (!mayDownloadOriginal(actor.role, { sensitive, ownedByActor: attachment.ownerId === actor.userId })) {
        throw new AppError("forbidden", originalDownloadRefusal(actor.role, sensitive));
      }
      return { attachment, sensitive, derivative: null };
    }

    const variant = options.variant ?? "display";
    const key = variant === "display" ? attachment.displayKey : attachment.thumbnailKey;
    if (attachment.state !== "processed" || key === null) {
      throw new AppError("conflict", `The ${variant === "display" ? "display image" : "thumbnail"} of this photo is not ready yet. Try again in a minute.`);
    }
    if (sensitive || (attachment.purpose === "proof_of_residence" && actor.role !== "resident")) {
      await recordAuditEvent(tx, { actor, action: "attachment.viewed", attachment, requestId: ctx.requestId, metadata: { ticketId: attachment.ticketId, sensitive, variant } });
    }
    return { attachment, sensitive, derivative: { key, contentType: attachment.derivativeContentType ?? "image/jpeg" } };
  });

  const { attachment, sensitive, derivative } = target;
  if (derivative) {
    return getStorage().presignGet({
      bucket: attachment.bucket,
      key: derivative.key,
      expiresInSeconds: DOWNLOAD_URL_SECONDS,
      contentDisposition: contentDisposition("inline", attachment.originalFilename),
      contentType: derivative.contentType,
    });
  }

  // Hashed outside the transaction, because a 50 MB video takes a while to stream.
  const sha256 = await hashOriginal(attachment);
  if (sha256 === null || attachment.sha256 === null || sha256 !== attachment.sha256) {
    await recordIntegrityFailure(actor, attachment, sha256, sensitive, ctx);
    const problem = sha256 === null ? "it is missing from storage" : "its stored bytes no longer match the SHA-256 recorded when it was uploaded";
    throw new AppError(
      "conflict",
      `The original of "${attachment.originalFilename}" failed its integrity check: ${problem}, so it was not served. ` +
        "The failure has been recorded; report it to your system administrator.",
    );
  }

  // NOTE: the bytes are checked when the URL is issued; a change in storage within the URL's five
  // minutes would still be served. Only storage-side object locking closes that gap.
  return withTenant(actor.tenantId, async (tx) => {
    await recordAuditEvent(tx, {
      actor,
      action: "attachment.original_downloaded",
      attachment,
      requestId: ctx.requestId,
      metadata: { ticketId: attachment.ticketId, sensitive, sha256 },
    });

    // Signed inside the transaction, so a failure here also drops the audit row.
    return getStorage().presignGet({
      bucket: attachment.bucket,
      key: attachment.objectKey,
      expiresInSeconds: DOWNLOAD_URL_SECONDS,
      contentDisposition: contentDisposition("attachment", attachment.originalFilename),
      contentType: attachment.contentType,
    });
  });
}

/** Returns the hex SHA-256 of the stored original, or null when the object is missing. */
async function hashOriginal(attachment: Attachment): Promise<string | null> {
  try {
    return (await hashStoredObject(attachment.bucket, attachment.objectKey)).sha256;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

async function recordIntegrityFailure(
  actor: Actor,
  attachment: Attachment,
  actual: string | null,
  sensitive: boolean,
  ctx: UploadContext,
): Promise<void> {
  const message = describeIntegrityFailure(attachment.sha256, actual);
  await withTenant(actor.tenantId, (tx) =>
    recordAuditEvent(tx, {
      actor,
      action: "attachment.integrity_check_failed",
      attachment,
      requestId: ctx.requestId,
      metadata: { ticketId: attachment.ticketId, sensitive, recordedSha256: attachment.sha256, storedSha256: actual },
    }),
  );
  requestLogger({ requestId: ctx.requestId, tenantId: actor.tenantId, route: "getAttachmentUrl" }).error(
    { fileId: attachment.fileId, bucket: attachment.bucket, key: attachment.objectKey },
    `original download refused: ${message}`,
  );
}
