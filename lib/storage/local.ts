import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { isObjectKey } from "./keys";
import {
  DOWNLOAD_PARAMS,
  encodeUploadPolicy,
  LOCAL_BUCKETS,
  LOCAL_OBJECT_PATH,
  LOCAL_UPLOAD_PATH,
  signDownload,
  signUploadPolicy,
  type LocalUploadPolicy,
} from "./local-signing";
import {
  SERVER_SIDE_ENCRYPTION,
  type ByteRange,
  type ObjectHead,
  type PresignedPost,
  type PresignedPostInput,
  type PutObjectOptions,
  type StorageDriver,
} from "./types";

// Filesystem storage for the demo and development: objects live at `{root}/{bucket}/{key}`, with
// the Content-Type and SHA-256 in a `{key}.meta.json` file beside each object. Upload and download
// URLs are relative paths to this app's own routes, so they work under whatever host name the
// browser used.
// NOTE: the policy requires "AES256" like the S3 one does, but this driver does not encrypt files
// at rest. Use S3 (or an encrypted volume) for real evidence.

interface ObjectMetadata {
  contentType: string;
  serverSideEncryption: string;
  /** Lower-case hex SHA-256 of the bytes, computed while they were written. Absent in older files. */
  sha256?: string;
  /** Size in bytes and inode number of the file this metadata was written for. */
  size?: number;
  inode?: number;
}

/** Ranges of at most this many bytes are read in one call instead of streamed. */
const SMALL_READ_BYTES = 64 * 1024;
/** First read of a metadata file, which is a few hundred bytes. */
const METADATA_READ_BYTES = 4096;

/** Content type and digest of a file that the upload route or putObject has just written. */
export interface WrittenObject {
  contentType: string;
  /** Lower-case hex SHA-256 of the written bytes. */
  sha256: string;
}

export interface LocalDriverOptions {
  root: string;
  secret: string;
}

export class LocalStorageDriver implements StorageDriver {
  readonly name = "local" as const;

  constructor(private readonly options: LocalDriverOptions) {}

  async createPresignedPost(input: PresignedPostInput): Promise<PresignedPost> {
    this.objectPath(input.bucket, input.key);
    const expiresAt = new Date(Date.now() + input.expiresInSeconds * 1000);
    const policy: LocalUploadPolicy = {
      version: 1,
      bucket: input.bucket as LocalUploadPolicy["bucket"],
      key: input.key,
      contentType: input.contentType,
      minBytes: 1,
      maxBytes: input.maxBytes,
      serverSideEncryption: SERVER_SIDE_ENCRYPTION,
      expiresAt: expiresAt.getTime(),
      ...(input.sha256 ? { sha256: input.sha256 } : {}),
    };
    const encoded = encodeUploadPolicy(policy);
    // The same field names as an S3 policy, so the browser code cannot tell the drivers apart.
    const checksumFields: Record<string, string> = input.sha256
      ? { "x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": Buffer.from(input.sha256, "hex").toString("base64") }
      : {};
    return {
      url: LOCAL_UPLOAD_PATH,
      fields: {
        key: input.key,
        "Content-Type": input.contentType,
        "x-amz-server-side-encryption": SERVER_SIDE_ENCRYPTION,
        ...checksumFields,
        policy: encoded,
        "x-bika-signature": signUploadPolicy(encoded, this.options.secret),
      },
      expiresAt,
    };
  }

  async headObject(bucket: string, key: string): Promise<ObjectHead | null> {
    const file = this.objectPath(bucket, key);
    try {
      const stat = await fs.stat(file);
      const metadata = await this.readMetadata(file);
      // Two uploads to one key can each rename their metadata and then their file, leaving one's
      // metadata beside the other's bytes. The recorded inode and size catch that, and then the
      // digest is reported as unknown.
      const describesThisFile = metadata?.inode === stat.ino && metadata.size === stat.size;
      return {
        size: stat.size,
        contentType: metadata?.contentType ?? null,
        sha256: describesThisFile ? (metadata.sha256 ?? null) : null,
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw new AppError("unavailable", `Reading object ${bucket}/${key} from local storage failed`, { cause: error });
    }
  }

  async readObject(bucket: string, key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
    const file = this.objectPath(bucket, key);
    try {
      // A short range, such as the first bytes confirm sniffs, is read in one call, because a stream
      // costs several more thread-pool round trips than the read itself.
      if (range && range.end - range.start < SMALL_READ_BYTES) return once(await readAt(file, range.start, range.end - range.start + 1));
      await fs.access(file);
    } catch (error) {
      if (isMissing(error)) throw new AppError("not_found", `Object ${bucket}/${key} does not exist`, { cause: error });
      throw new AppError("unavailable", `Reading object ${bucket}/${key} from local storage failed`, { cause: error });
    }
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async presignGet(input: {
    bucket: string;
    key: string;
    expiresInSeconds: number;
    contentDisposition: string;
    contentType: string;
  }): Promise<string> {
    this.objectPath(input.bucket, input.key);
    const grant = {
      bucket: input.bucket,
      key: input.key,
      contentType: input.contentType,
      contentDisposition: input.contentDisposition,
      expires: Math.floor(Date.now() / 1000) + input.expiresInSeconds,
    };
    const query = new URLSearchParams({
      [DOWNLOAD_PARAMS.bucket]: grant.bucket,
      [DOWNLOAD_PARAMS.key]: grant.key,
      [DOWNLOAD_PARAMS.contentType]: grant.contentType,
      [DOWNLOAD_PARAMS.contentDisposition]: grant.contentDisposition,
      [DOWNLOAD_PARAMS.expires]: String(grant.expires),
      [DOWNLOAD_PARAMS.signature]: signDownload(grant, this.options.secret),
    });
    return `${LOCAL_OBJECT_PATH}?${query.toString()}`;
  }

  async putObject(bucket: string, key: string, body: Uint8Array, options: PutObjectOptions): Promise<void> {
    this.objectPath(bucket, key);
    const temporaryFile = await this.temporaryPath(randomUUID());
    try {
      await fs.writeFile(temporaryFile, body);
      const sha256 = createHash("sha256").update(body).digest("hex");
      await this.commitUpload(temporaryFile, bucket, key, { contentType: options.contentType, sha256 });
    } catch (error) {
      await fs.rm(temporaryFile, { force: true });
      throw new AppError("unavailable", `Writing object ${bucket}/${key} to local storage failed`, { cause: error });
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const file = this.objectPath(bucket, key);
    await Promise.all([fs.rm(file, { force: true }), fs.rm(metadataPath(file), { force: true })]).catch((error: unknown) => {
      throw new AppError("unavailable", `Deleting object ${bucket}/${key} from local storage failed`, { cause: error });
    });
  }

  /**
   * Moves a fully received upload into place, with its metadata beside it. The temporary file must
   * be on the same filesystem (see `temporaryPath`), so the rename is atomic and a reader never sees
   * half an object.
   */
  async commitUpload(temporaryFile: string, bucket: string, key: string, written: WrittenObject): Promise<void> {
    const file = this.objectPath(bucket, key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const stat = await fs.stat(temporaryFile);
    const metadata: ObjectMetadata = {
      contentType: written.contentType,
      serverSideEncryption: SERVER_SIDE_ENCRYPTION,
      sha256: written.sha256,
      size: stat.size,
      inode: stat.ino,
    };
    const temporaryMetadata = `${temporaryFile}.meta.json`;
    await fs.writeFile(temporaryMetadata, JSON.stringify(metadata));
    await fs.rename(temporaryMetadata, metadataPath(file));
    await fs.rename(temporaryFile, file);
  }

  /** Returns a fresh path for an upload in progress, inside the storage root. */
  async temporaryPath(name: string): Promise<string> {
    const folder = path.join(this.options.root, ".uploads");
    await fs.mkdir(folder, { recursive: true });
    return path.join(folder, name);
  }

  /** Maps bucket and key to a file path, and throws for anything `buildObjectKey` could not have made. */
  objectPath(bucket: string, key: string): string {
    if (!(LOCAL_BUCKETS as readonly string[]).includes(bucket)) {
      throw new AppError("invalid_input", `Unknown storage bucket ${JSON.stringify(bucket)}; expected one of ${LOCAL_BUCKETS.join(", ")}`);
    }
    if (!isObjectKey(key)) throw new AppError("invalid_input", `Object key ${JSON.stringify(key)} is not a key this server issued`);
    return path.join(this.options.root, bucket, ...key.split("/"));
  }

  private async readMetadata(file: string): Promise<ObjectMetadata | null> {
    try {
      // Metadata files are a few hundred bytes, so one read suffices where fs.readFile spends a
      // stat and a second read. A file that fills the buffer is read again in full.
      let bytes = await readAt(metadataPath(file), 0, METADATA_READ_BYTES);
      if (bytes.length === METADATA_READ_BYTES) bytes = await fs.readFile(metadataPath(file));
      return JSON.parse(bytes.toString("utf8")) as ObjectMetadata;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
}

async function* once(chunk: Buffer): AsyncIterable<Uint8Array> {
  yield chunk;
}

/** Reads up to `length` bytes of a file from `position`. Near the end of the file it returns fewer. */
async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function metadataPath(file: string): string {
  return `${file}.meta.json`;
}

function isMissing(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as NodeJS.ErrnoException).code === "ENOENT";
}
