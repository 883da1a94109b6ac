import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { queryAsTenant, type Tx } from "@/db/client";
import { mapTableRow } from "@/db/rows";
import { mediaAttachments, users } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { isLocale, type Locale } from "@/lib/i18n";
import type { UploadTranslator } from "./messages";

// Helpers shared by the upload verbs. Every query filters by tenant even though `withTenant`
// also confines it through row-level security.

export interface UploadContext {
  requestId: string;
  /** The resident's language for messages; read from the user's preference when absent. */
  locale?: Locale;
}

export type Attachment = typeof mediaAttachments.$inferSelect;

const FileId = z.uuid();

/** Parses a file id from a URL or form; a malformed id is "not found", like an unknown one. */
export function parseFileId(fileId: unknown, t: UploadTranslator): string {
  const parsed = FileId.safeParse(fileId);
  if (!parsed.success) throw attachmentNotFound(t);
  return parsed.data.toLowerCase();
}

export function attachmentNotFound(t: UploadTranslator): AppError {
  return new AppError("not_found", t("notFound"));
}

/** Loads the actor's own attachment in their tenant; anyone else's is not_found. */
export async function getOwnAttachmentOrThrow(tx: Tx, actor: Actor, fileId: string, t: UploadTranslator): Promise<Attachment> {
  const [row] = await tx
    .select()
    .from(mediaAttachments)
    .where(
      and(
        eq(mediaAttachments.fileId, fileId),
        eq(mediaAttachments.tenantId, actor.tenantId),
        eq(mediaAttachments.ownerId, actor.userId),
      ),
    )
    .limit(1);
  if (!row) throw attachmentNotFound(t);
  return row;
}

/**
 * Loads the actor's own attachment in their tenant in one round trip. Anyone else's is not_found.
 * Returns what getOwnAttachmentOrThrow returns, for callers that need no transaction around the read.
 */
export async function loadOwnAttachment(actor: Actor, fileId: string, t: UploadTranslator): Promise<Attachment> {
  const [row] = await queryAsTenant<Record<string, unknown>>(actor.tenantId, {
    sql: "select * from media_attachments where file_id = $1 and tenant_id = $2 and owner_id = $3 limit 1",
    params: [fileId, actor.tenantId, actor.userId],
  });
  if (!row) throw attachmentNotFound(t);
  return mapTableRow(mediaAttachments, row);
}

/** Reads the user's preferred language in one round trip under the tenant's RLS, and falls back to English. */
export async function resolveLocaleAsTenant(actor: Actor): Promise<Locale> {
  const [user] = await queryAsTenant<{ preferredLanguage: string }>(actor.tenantId, {
    sql: 'select preferred_language as "preferredLanguage" from users where id = $1 and tenant_id = $2 limit 1',
    params: [actor.userId, actor.tenantId],
  });
  const preferred = user?.preferredLanguage;
  return isLocale(preferred) ? preferred : "en";
}

/** Chooses the given locale, else the user's preferred language, else English. */
export async function resolveLocale(tx: Tx, actor: Actor, given: Locale | undefined): Promise<Locale> {
  if (given) return given;
  const [user] = await tx
    .select({ preferredLanguage: users.preferredLanguage })
    .from(users)
    .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)))
    .limit(1);
  const preferred = user?.preferredLanguage;
  return isLocale(preferred) ? preferred : "en";
}

/** Writes an audit event about an attachment inside the caller's transaction. */
export async function recordAuditEvent(
  tx: Tx,
  event: { actor: Actor; action: string; attachment: Attachment; requestId: string; metadata?: Record<string, unknown> },
): Promise<void> {
  await writeAuditEvent(tx, {
    tenantId: event.actor.tenantId,
    actorId: event.actor.userId,
    action: event.action,
    targetType: "media_attachment",
    targetId: event.attachment.id,
    requestId: event.requestId,
    metadata: { fileId: event.attachment.fileId, ...event.metadata },
  });
}
