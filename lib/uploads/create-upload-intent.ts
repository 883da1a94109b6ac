import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant } from "@/db/client";
import { mediaAttachments, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { bucketFor, getStorage } from "@/lib/storage";
import { buildObjectKey } from "@/lib/storage/keys";
import type { UploadContext } from "./attachments";
import { checkFile } from "./check-file";
import { UPLOAD_PURPOSES } from "./limits";
import { createUploadTranslator } from "./messages";

/** Validity of a presigned POST. */
export const UPLOAD_POLICY_SECONDS = 15 * 60;

// Unfinished intents a resident may hold at once. The cleanup job deletes them a day after
// creation, so this bounds how many empty rows and upload policies one account can pile up.
const MAX_PENDING_INTENTS = 30;

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

  return withTenant(actor.tenantId, async (tx) => {
    const [user] = await tx
      .select({ preferredLanguage: users.preferredLanguage })
      .from(users)
      .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId), eq(users.role, "resident")))
      .limit(1);
    if (!user) throw new AppError("forbidden", "Only residents of this municipality can upload files here.");
    const t = createUploadTranslator(ctx.locale ?? user.preferredLanguage);

    const check = checkFile(parsed, t);
    if (!check.ok) throw new AppError("invalid_input", check.message, { fieldErrors: { [check.field]: [check.message] } });
    const type = check.type;

    const [pending] = await tx
      .select({ value: count() })
      .from(mediaAttachments)
      .where(
        and(
          eq(mediaAttachments.tenantId, actor.tenantId),
          eq(mediaAttachments.ownerId, actor.userId),
          eq(mediaAttachments.state, "pending"),
        ),
      );
    if ((pending?.value ?? 0) >= MAX_PENDING_INTENTS) {
      throw new AppError("rate_limited", t("tooManyPending", { count: pending!.value }));
    }

    const fileId = randomUUID();
    const now = new Date();
    const bucket = bucketFor(parsed.purpose);
    const key = buildObjectKey({ tenantId: actor.tenantId, purpose: parsed.purpose, fileId, now });
    const post = await getStorage().createPresignedPost({
      bucket,
      key,
      contentType: type.contentType,
      maxBytes: type.maxBytes,
      expiresInSeconds: UPLOAD_POLICY_SECONDS,
      sha256: parsed.sha256,
    });

    await tx.insert(mediaAttachments).values({
      tenantId: actor.tenantId,
      ownerId: actor.userId,
      fileId,
      bucket,
      objectKey: key,
      originalFilename: parsed.filename,
      declaredContentType: parsed.declaredType,
      contentType: type.contentType,
      declaredSize: parsed.size,
      purpose: parsed.purpose,
      source: "web",
      state: "pending",
      uploadExpiresAt: post.expiresAt,
    });

    return {
      fileId,
      url: post.url,
      fields: post.fields,
      contentType: type.contentType,
      maxBytes: type.maxBytes,
      expiresAt: post.expiresAt.toISOString(),
    };
  });
}
