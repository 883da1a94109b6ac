/** A presigned POST request: the browser posts the file straight to storage under this policy. */
export interface PresignedPostInput {
  bucket: string;
  key: string;
  /** Exact Content-Type the policy pins; the form must send this value. */
  contentType: string;
  /** Upper bound of the policy's content-length-range; the lower bound is always 1 byte. */
  maxBytes: number;
  expiresInSeconds: number;
  /** Lower-case hex SHA-256 the body must have; storage rejects any other body. */
  sha256?: string;
}

export interface PresignedPost {
  url: string;
  /** Form fields to post before the file, in this order. */
  fields: Record<string, string>;
  expiresAt: Date;
}

export interface ObjectHead {
  /** Size in bytes. */
  size: number;
  /** Content-Type stored with the object, or null when storage recorded none. */
  contentType: string | null;
  /**
   * Lower-case hex SHA-256 that storage computed over the stored bytes, or null when it recorded
   * none (no checksum was pinned, or the service does not keep checksums).
   */
  sha256: string | null;
}

export interface PresignGetInput {
  bucket: string;
  key: string;
  expiresInSeconds: number;
  /** Full Content-Disposition header value the download is served with. */
  contentDisposition: string;
  contentType: string;
}

export interface PutObjectOptions {
  contentType: string;
  /** Server-side encryption the object is stored with; always SERVER_SIDE_ENCRYPTION. */
  serverSideEncryption: typeof SERVER_SIDE_ENCRYPTION;
}

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Object storage as the upload flow needs it. Both drivers give the browser the same `{ url, fields }`
 * shape, so the uploader cannot tell them apart. Failures of the service itself surface as
 * AppError "unavailable"; a missing object is `null` from `headObject` and AppError "not_found"
 * from `readObject`.
 */
export interface StorageDriver {
  readonly name: "s3" | "local";
  createPresignedPost(input: PresignedPostInput): Promise<PresignedPost>;
  headObject(bucket: string, key: string): Promise<ObjectHead | null>;
  readObject(bucket: string, key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>>;
  presignGet(input: PresignGetInput): Promise<string>;
  /** Stores bytes the server fetched itself (WhatsApp media), replacing any object under the key. */
  putObject(bucket: string, key: string, body: Uint8Array, options: PutObjectOptions): Promise<void>;
  /** Deletes the object; deleting a missing object is not an error. */
  deleteObject(bucket: string, key: string): Promise<void>;
}

/** Server-side encryption every upload policy requires. */
export const SERVER_SIDE_ENCRYPTION = "AES256";
