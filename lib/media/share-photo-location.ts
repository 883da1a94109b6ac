import { and, eq } from "drizzle-orm";
import { withTenant } from "@/db/client";
import { mediaAttachments, tickets } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { getOwnAttachmentOrThrow, parseFileId, recordAuditEvent, resolveLocale, type UploadContext } from "@/lib/uploads/attachments";
import { createUploadTranslator } from "@/lib/uploads/messages";
import { derivativeKindFor } from "./derivatives";
import { readImageMetadata } from "./exif";
import type { PhotoLocation } from "./photo-location";
import { describeIntegrityFailure, readStoredObject } from "./stored-original";

/**
 * Records a photo's EXIF GPS position on its attachment (exif_latitude, exif_longitude) because the
 * resident who uploaded it chose to use that position as their report's location. This is the only
 * way the position is stored: processing reads it but keeps it out of the database and the audit log.
 *
 * The position is read on the server from the stored original after its SHA-256 is checked, never
 * taken from the browser. Returns the position, or null when the photo records none that is usable
 * (no EXIF GPS, GPS only in XMP, or 0,0), in which case nothing is written.
 */
export async function sharePhotoLocation(actor: Actor, fileId: unknown, ctx: UploadContext): Promise<PhotoLocation | null> {
  if (actor.role !== "resident") throw new AppError("forbidden", "Only the resident who uploaded a photo can share its location.");

  const attachment = await withTenant(actor.tenantId, async (tx) => {
    const t = createUploadTranslator(await resolveLocale(tx, actor, ctx.locale));
    const row = await getOwnAttachmentOrThrow(tx, actor, parseFileId(fileId, t), t);
    if (row.state !== "uploaded" && row.state !== "processed") throw new AppError("not_found", t("notFound"));
    if (row.ticketId !== null) {
      const [ticket] = await tx
        .select({ isSensitive: tickets.isSensitive })
        .from(tickets)
        .where(and(eq(tickets.id, row.ticketId), eq(tickets.tenantId, actor.tenantId)))
        .limit(1);
      // Evidence on a GBV report is kept from the reporter's own session, like its downloads.
      if (ticket?.isSensitive) throw new AppError("not_found", t("notFound"));
    }
    return row;
  });
  if (derivativeKindFor(attachment.sniffedContentType ?? attachment.contentType) !== "image") return null;

  const original = await readStoredObject(attachment.bucket, attachment.objectKey);
  if (attachment.sha256 === null || original.sha256 !== attachment.sha256) {
    throw new AppError("conflict", `The photo's location was not recorded. ${describeIntegrityFailure(attachment.sha256, original.sha256)}`);
  }
  const read = await readImageMetadata(original.bytes);
  const location = read.ok ? read.metadata.location : null;
  if (location === null) return null;

  await withTenant(actor.tenantId, async (tx) => {
    await tx
      .update(mediaAttachments)
      .set({ exifLatitude: location.latitude, exifLongitude: location.longitude, updatedAt: new Date() })
      .where(
        and(
          eq(mediaAttachments.id, attachment.id),
          eq(mediaAttachments.tenantId, actor.tenantId),
          eq(mediaAttachments.ownerId, actor.userId),
        ),
      );
    // The audit event records the consent, not the position, which the attachment row holds.
    await recordAuditEvent(tx, { actor, action: "attachment.location_shared", attachment, requestId: ctx.requestId });
  });
  return { latitude: location.latitude, longitude: location.longitude };
}
