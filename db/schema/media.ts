import { bigint, boolean, doublePrecision, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { channel, tickets } from "./tickets";
import { id, tenantPolicies, timestamps } from "./common";
import { tenants } from "./tenants";
import { users } from "./users";

export const attachmentPurpose = pgEnum("attachment_purpose", ["evidence", "proof_of_residence"]);
export const attachmentState = pgEnum("attachment_state", ["pending", "uploaded", "processed", "rejected"]);

export const mediaAttachments = pgTable(
  "media_attachments",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** Public handle used by the browser; the object key is derived from it, never from the filename. */
    fileId: uuid("file_id").notNull(),
    bucket: text("bucket").notNull(),
    objectKey: text("object_key").notNull(),
    /** As the resident's device named it; only ever displayed or used in a Content-Disposition. */
    originalFilename: text("original_filename").notNull(),
    /** Content type the browser reported, possibly empty. */
    declaredContentType: text("declared_content_type").notNull(),
    /** The type the server chose and pinned in the upload policy. */
    contentType: text("content_type").notNull(),
    /** The type identified from the stored bytes at confirm. */
    sniffedContentType: text("sniffed_content_type"),
    /** Size in bytes the browser declared when asking for the upload. */
    declaredSize: bigint("declared_size", { mode: "number" }).notNull(),
    /** Size in bytes of the stored object, read at confirm. */
    size: bigint("size", { mode: "number" }),
    /** Hex SHA-256 of the original bytes, for chain of custody. */
    sha256: text("sha256"),
    purpose: attachmentPurpose("purpose").notNull(),
    source: channel("source").notNull(),
    state: attachmentState("state").notNull().default("pending"),
    rejectionReason: text("rejection_reason"),
    isProcessed: boolean("is_processed").notNull().default(false),
    /** EXIF position in WGS-84 decimal degrees, recorded only where the resident allowed it. */
    exifLatitude: doublePrecision("exif_latitude"),
    exifLongitude: doublePrecision("exif_longitude"),
    capturedAt: timestamp("captured_at", { withTimezone: true }),
    /** Object key of the display derivative (longest side 1600 px, metadata stripped), in the same bucket. */
    displayKey: text("display_key"),
    /** Object key of the thumbnail derivative (longest side 320 px, metadata stripped). */
    thumbnailKey: text("thumbnail_key"),
    /** Content type of both derivatives. */
    derivativeContentType: text("derivative_content_type"),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /** End of the presigned POST's validity; a pending intent is useless after it. */
    uploadExpiresAt: timestamp("upload_expires_at", { withTimezone: true }).notNull(),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("media_attachments_file_id_idx").on(t.fileId),
    /** Evidence shown on a ticket. */
    index("media_attachments_ticket_id_idx").on(t.ticketId),
    /** Per-resident limit on pending upload intents. */
    index("media_attachments_owner_id_state_idx").on(t.ownerId, t.state),
    /** Cleanup of intents never confirmed. */
    index("media_attachments_state_created_at_idx").on(t.state, t.createdAt),
    ...tenantPolicies("media_attachments"),
  ],
).enableRLS();
