import { createHash } from "node:crypto";
import { getStorage } from "@/lib/storage";

// Reads of an attachment's original from storage, with the SHA-256 that chain of custody compares
// against the value recorded when the upload was confirmed.

export interface StoredBytes {
  bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
}

/** Reads a stored object whole and hashes it on the way. Throws AppError not_found when it is missing. */
export async function readStoredObject(bucket: string, key: string): Promise<StoredBytes> {
  const hash = createHash("sha256");
  const chunks: Buffer[] = [];
  for await (const chunk of await getStorage().readObject(bucket, key)) {
    hash.update(chunk);
    chunks.push(Buffer.from(chunk));
  }
  return { bytes: Buffer.concat(chunks), sha256: hash.digest("hex") };
}

/** Streams a stored object through SHA-256 without keeping it in memory. Returns the hex digest and size in bytes. */
export async function hashStoredObject(bucket: string, key: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of await getStorage().readObject(bucket, key)) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * Staff-facing text for an original whose stored bytes no longer hash to the recorded SHA-256.
 * `actual` is null when the object is missing from storage.
 */
export function describeIntegrityFailure(recorded: string | null, actual: string | null): string {
  if (actual === null) return "The original file is missing from storage.";
  if (recorded === null) return `No SHA-256 was recorded for the original when it was uploaded, so its integrity cannot be checked (stored bytes hash to ${actual}).`;
  return `The stored original no longer matches the SHA-256 recorded when it was uploaded (recorded ${recorded}, stored bytes hash to ${actual}). It may have been altered or replaced.`;
}
