import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Readable } from "node:stream";
import type { S3Settings } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import {
  SERVER_SIDE_ENCRYPTION,
  type ByteRange,
  type ObjectHead,
  type PresignedPost,
  type PresignedPostInput,
  type PresignGetInput,
  type PutObjectOptions,
  type StorageDriver,
} from "./types";

// S3 or any S3-compatible service. One client per process; it is built from `env().s3` by
// `getStorage()`. Raw service errors are logged here and surface as AppError "unavailable".

export class S3StorageDriver implements StorageDriver {
  readonly name = "s3" as const;
  private readonly client: S3Client;

  constructor(settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Checksums only where S3 requires them: several S3-compatible services reject or ignore the
      // CRC headers that newer SDK versions add by default.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async createPresignedPost(input: PresignedPostInput): Promise<PresignedPost> {
    const expiresAt = new Date(Date.now() + input.expiresInSeconds * 1000);
    const pinned: Record<string, string> = { "Content-Type": input.contentType, "x-amz-server-side-encryption": SERVER_SIDE_ENCRYPTION };
    if (input.sha256) {
      // S3 computes the SHA-256 of the body and rejects the POST when it differs, then keeps the
      // value for HeadObject. NOTE: the S3 API reference documents these checksum fields for PUT
      // (as headers) and states that POST takes PUT's headers as form fields, but its POST Object page does
      // not list them. Confirm that a bucket rejects a wrong digest before relying on it.
      pinned["x-amz-checksum-algorithm"] = "SHA256";
      pinned["x-amz-checksum-sha256"] = Buffer.from(input.sha256, "hex").toString("base64");
    }
    // `Fields` become exact-match conditions, and the SDK adds exact `bucket` and `key` conditions.
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: input.bucket,
      Key: input.key,
      Conditions: [["content-length-range", 1, input.maxBytes]],
      Fields: pinned,
      Expires: input.expiresInSeconds,
    });
    return { url, fields, expiresAt };
  }

  async headObject(bucket: string, key: string): Promise<ObjectHead | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType ?? null, sha256: fullObjectSha256(head) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw unavailable("HEAD", bucket, key, error);
    }
  }

  async readObject(bucket: string, key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      if (!object.Body) throw new Error("GetObject returned no body");
      // In Node.js the SDK's body is an http.IncomingMessage, which is a Readable.
      return object.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new AppError("not_found", `Object ${bucket}/${key} does not exist`, { cause: error });
      throw unavailable("GET", bucket, key, error);
    }
  }

  async presignGet(input: PresignGetInput): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      ResponseContentDisposition: input.contentDisposition,
      ResponseContentType: input.contentType,
    });
    return getSignedUrl(this.client, command, { expiresIn: input.expiresInSeconds });
  }

  async putObject(bucket: string, key: string, body: Uint8Array, options: PutObjectOptions): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ServerSideEncryption: options.serverSideEncryption,
        }),
      );
    } catch (error) {
      throw unavailable("PUT", bucket, key, error);
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw unavailable("DELETE", bucket, key, error);
    }
  }
}

/**
 * Returns the object's SHA-256 as hex when S3 stored one for the whole object. A multipart upload's
 * checksum covers its parts instead ("COMPOSITE", written with a "-N" suffix) and is not used.
 */
function fullObjectSha256(head: HeadObjectCommandOutput): string | null {
  const value = head.ChecksumSHA256;
  if (!value || head.ChecksumType === "COMPOSITE" || !/^[A-Za-z0-9+/]{43}=$/.test(value)) return null;
  return Buffer.from(value, "base64").toString("hex");
}

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) {
    return error.$metadata.httpStatusCode === 404 || error.name === "NotFound" || error.name === "NoSuchKey";
  }
  return false;
}

function unavailable(operation: string, bucket: string, key: string, error: unknown): AppError {
  log.error({ err: error, operation, bucket, key }, "object storage request failed");
  return new AppError("unavailable", "The file store is not reachable at the moment. Please try again in a few minutes.", {
    cause: error,
  });
}
