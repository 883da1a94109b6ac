import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant } from "@/db/client";
import { users } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n";
import { bucketFor, getStorage } from "@/lib/storage";
import { buildObjectKey } from "@/lib/storage/keys";
import type { UploadContext } from "./attachments";
import { checkFile, type FileCheck } from "./check-file";
import { UPLOAD_PURPOSES } from "./limits";
import { rememberIntent } from "./intent-cache";
import { createUploadTranslator } from "./messages";
import { recordPendingAttachment } from "./record-pending-attachment";

/** Validity of a presigned POST. */
export const UPLOAD_POLICY_SECONDS = 15 * 60;

const HEX_DIGEST = /^[0-9a-f]{64}$/i;
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/;

/** Parses a SHA-256 digest written as 64 hexadecimal digits or 44 base64 characters into lower-case hex. */
export const Sha256Digest = z.string().transform((value, ctx) => {
  if (value.length === 64) {
    if (HEX_DIGEST.test(value)) return value.toLowerCase();
    ctx.addIssue({ code: "custom", message: "has 64 characters but is not hexadecimal: use only 0-9 and a-f" });
  } else if (value.length === 44) {
    if (BASE64_DIGEST.test(value)) return Buffer.from(value, "base64").toString("hex");
    ctx.addIssue({ code: "custom", message: "has 44 characters but is not base64: use A-Z, a-z, 0-9, + and /, ending in one =" });
  } else {
    ctx.addIssue({
      code: "custom",
      message: `must be a SHA-256 digest as 64 hexadecimal digits or 44 base64 characters, but has ${value.length} characters`,
    });
  }
  return z.NEVER;
});

export const UploadIntentInput = z.object({
  purpose: z.enum(UPLOAD_PURPOSES, { message: `must be one of ${UPLOAD_PURPOSES.join(", ")}` }),
  filename: z
    .string()
    .min(1, "is required")
    .max(255, "must be at most 255 characters")
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "must not contain control characters"),
  /** The browser's `File.type`; empty when the browser does not know it (often for HEIC). */
  declaredType: z.string().max(255, "must be at most 255 characters"),
  /** Bytes, from the browser's `File.size`. */
  size: z.number().int("must be a whole number of bytes").nonnegative("must not be negative"),
  /**
   * SHA-256 of the file as the browser computed it. When given, the policy pins it, so storage
   * rejects any other body and `confirmUpload` can take the digest from storage instead of reading
   * the bytes. Browsers without Web Crypto (pages served over plain HTTP) leave it out.
   */
  sha256: Sha256Digest.optional(),
});
export type UploadIntentInput = z.infer<typeof UploadIntentInput>;

export interface UploadIntent {
  fileId: string;
  url: string;
  /** Form fields to post before the file, in this order. */
  fields: Record<string, string>;
  contentType: string;
  maxBytes: number;
  /** ISO 8601 time after which the storage refuses the POST. */
  expiresAt: string;
}

/**
 * Records a pending attachment for a resident's file and returns the presigned POST for it. The
 * policy pins the Content-Type, size range, key, server-side encryption and, when the browser sent
 * one, the SHA-256. `confirmUpload` checks what arrives again.
 */
export async function createUploadIntent(actor: Actor, input: unknown, ctx: UploadContext): Promise<UploadIntent> {
  if (actor.role !== "resident") throw new AppError("forbidden", "Only residents can upload evidence and documents.");
  const parsed = UploadIntentInput.parse(input);

  const check = checkFile(parsed, createUploadTranslator(ctx.locale ?? "en"));
  if (!check.ok) {
    // A refused file is rare enough to afford the lookup that confirms the resident and finds
    // their language, so a non-resident is refused as forbidden here too.
    const language = await getResidentLanguageOrThrow(actor);
    const refusal = checkFile(parsed, createUploadTranslator(ctx.locale ?? language)) as Extract<FileCheck, { ok: false }>;
    throw new AppError("invalid_input", refusal.message, { fieldErrors: { [refusal.field]: [refusal.message] } });
  }
  const type = check.type;

  // Signing needs no database, so it happens before the insert and keeps its transaction short.
  const fileId = randomUUID();
  const bucket = bucketFor(parsed.purpose);
  const key = buildObjectKey({ tenantId: actor.tenantId, purpose: parsed.purpose, fileId, now: new Date() });
  const post = await getStorage().createPresignedPost({
    bucket,
    key,
    contentType: type.contentType,
    maxBytes: type.maxBytes,
    expiresInSeconds: UPLOAD_POLICY_SECONDS,
    sha256: parsed.sha256,
  });

  const row = {
    id: randomUUID(),
    fileId,
    bucket,
    key,
    filename: parsed.filename,
    declaredType: parsed.declaredType,
    contentType: type.contentType,
    declaredSize: parsed.size,
    purpose: parsed.purpose,
    uploadExpiresAt: post.expiresAt,
  };
  const outcome = await recordPendingAttachment(actor, row);
  if (!outcome) throw new AppError("forbidden", "Only residents of this municipality can upload files here.");
  if (!outcome.inserted) {
    const t = createUploadTranslator(ctx.locale ?? outcome.preferredLanguage);
    throw new AppError("rate_limited", t("tooManyPending", { count: outcome.pending }));
  }
  rememberIntent({
    id: row.id,
    tenantId: actor.tenantId,
    ownerId: actor.userId,
    fileId,
    bucket,
    objectKey: key,
    originalFilename: row.filename,
    contentType: row.contentType,
    declaredSize: row.declaredSize,
    purpose: row.purpose,
    uploadExpiresAt: row.uploadExpiresAt,
  });

  return {
    fileId,
    url: post.url,
    fields: post.fields,
    contentType: type.contentType,
    maxBytes: type.maxBytes,
    expiresAt: post.expiresAt.toISOString(),
  };
}

/** Returns the resident's preferred language; anyone else is refused as in the intent itself. */
async function getResidentLanguageOrThrow(actor: Actor): Promise<Locale> {
  const [user] = await withTenant(actor.tenantId, (tx) =>
    tx
      .select({ preferredLanguage: users.preferredLanguage })
      .from(users)
      .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId), eq(users.role, "resident")))
      .limit(1),
  );
  if (!user) throw new AppError("forbidden", "Only residents of this municipality can upload files here.");
  return user.preferredLanguage;
}
