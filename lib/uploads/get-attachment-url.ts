import { and, eq } from "drizzle-orm";
import { withTenant } from "@/db/client";
import { mediaAttachments, tickets } from "@/db/schema";
import { isStaff, type Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { getStorage } from "@/lib/storage";
import { contentDisposition } from "@/lib/storage/content-disposition";
import { attachmentNotFound, parseFileId, recordAuditEvent, resolveLocale, type UploadContext } from "./attachments";
import { createUploadTranslator } from "./messages";

/** Lifetime of a download URL; long enough to start the download, too short to pass around. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export interface AttachmentUrlOptions {
  /** "inline" is honoured for images only; everything else downloads as an attachment. */
  disposition: "inline" | "attachment";
}

/**
 * Authorizes access to a stored attachment and returns a short-lived presigned GET for it.
 * Residents reach only their own files; staff reach their tenant's. Evidence on a sensitive (GBV)
 * ticket is open to the saps_liaison role only, not even to the resident who uploaded it. Downloads
 * of the original (attachment disposition) are audited, and so is every view of sensitive evidence
 * and every staff view of a proof-of-residence document.
 */
export async function getAttachmentUrl(actor: Actor, fileId: unknown, options: AttachmentUrlOptions, ctx: UploadContext): Promise<string> {
  if (actor.role !== "resident" && !isStaff(actor.role)) {
    throw new AppError("forbidden", "Only residents and municipal staff can open attachments.");
  }

  return withTenant(actor.tenantId, async (tx) => {
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
    // Pending files are unchecked and rejected ones are deleted, so neither is served.
    if (attachment.state !== "uploaded" && attachment.state !== "processed") throw attachmentNotFound(t);

    const isImage = attachment.contentType.startsWith("image/");
    const disposition = options.disposition === "inline" && isImage ? "inline" : "attachment";
    if (disposition === "attachment" || sensitive || (attachment.purpose === "proof_of_residence" && actor.role !== "resident")) {
      await recordAuditEvent(tx, {
        actor,
        action: disposition === "attachment" ? "attachment.original_downloaded" : "attachment.viewed",
        attachment,
        requestId: ctx.requestId,
        metadata: { ticketId: attachment.ticketId, sensitive },
      });
    }

    // Signed inside the transaction, so a failure here also drops the audit row.
    return getStorage().presignGet({
      bucket: attachment.bucket,
      key: attachment.objectKey,
      expiresInSeconds: DOWNLOAD_URL_SECONDS,
      contentDisposition: contentDisposition(disposition, attachment.originalFilename),
      contentType: attachment.contentType,
    });
  });
}
