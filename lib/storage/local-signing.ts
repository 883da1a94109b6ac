import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { SERVER_SIDE_ENCRYPTION } from "./types";

// Signatures for the local driver: upload policies (the counterpart of an S3 POST policy) and
// download URLs (the counterpart of a presigned GET). Both are HMAC-SHA256 with the app secret; the
// purpose prefix keeps a signature for one from being replayed as the other.

export const LOCAL_BUCKETS = ["evidence", "documents"] as const;

export const LocalUploadPolicy = z.object({
  version: z.literal(1),
  bucket: z.enum(LOCAL_BUCKETS),
  key: z.string().min(1),
  contentType: z.string().min(1),
  minBytes: z.number().int().min(1),
  maxBytes: z.number().int().min(1),
  serverSideEncryption: z.literal(SERVER_SIDE_ENCRYPTION),
  /** Milliseconds since the Unix epoch. */
  expiresAt: z.number().int(),
  /** Lower-case hex SHA-256 the file must have, when the intent pinned one. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type LocalUploadPolicy = z.infer<typeof LocalUploadPolicy>;

function hmacHex(secret: string, purpose: string, payload: string): string {
  return createHmac("sha256", secret).update(`${purpose}\n${payload}`).digest("hex");
}

function equalHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function encodeUploadPolicy(policy: LocalUploadPolicy): string {
  return Buffer.from(JSON.stringify(policy), "utf8").toString("base64");
}

export function signUploadPolicy(encodedPolicy: string, secret: string): string {
  return hmacHex(secret, "bika-upload-policy-v1", encodedPolicy);
}

/**
 * Checks the signature in constant time and then decodes the policy. Returns null when the
 * signature does not match or the signed text is not a policy. Expiry is left to the caller, so it
 * can report an expired policy differently from a forged one.
 */
export function verifyUploadPolicy(encodedPolicy: string, signature: string, secret: string): LocalUploadPolicy | null {
  if (!equalHex(signUploadPolicy(encodedPolicy, secret), signature)) return null;
  try {
    const parsed = LocalUploadPolicy.safeParse(JSON.parse(Buffer.from(encodedPolicy, "base64").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Contents of a local download URL; the signature covers every field. */
export interface LocalDownloadGrant {
  bucket: string;
  key: string;
  contentType: string;
  contentDisposition: string;
  /** Seconds since the Unix epoch. */
  expires: number;
}

function downloadPayload(grant: LocalDownloadGrant): string {
  // A JSON array keeps the fields unambiguous whatever characters they contain.
  return JSON.stringify([grant.bucket, grant.key, grant.contentType, grant.contentDisposition, grant.expires]);
}

export function signDownload(grant: LocalDownloadGrant, secret: string): string {
  return hmacHex(secret, "bika-object-get-v1", downloadPayload(grant));
}

export function verifyDownloadSignature(grant: LocalDownloadGrant, signature: string, secret: string): boolean {
  return equalHex(signDownload(grant, secret), signature);
}

/** Query parameter names of a local download URL. */
export const DOWNLOAD_PARAMS = {
  bucket: "bucket",
  key: "key",
  contentType: "type",
  contentDisposition: "disposition",
  expires: "expires",
  signature: "signature",
} as const;

export const LOCAL_UPLOAD_PATH = "/api/storage/upload";
export const LOCAL_OBJECT_PATH = "/api/storage/object";
