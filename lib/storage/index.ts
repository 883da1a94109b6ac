import { env } from "@/lib/env";
import type { UploadPurpose } from "@/lib/uploads/limits";
import { LocalStorageDriver } from "./local";
import { S3StorageDriver } from "./s3";
import type { StorageDriver } from "./types";

export type { ByteRange, ObjectHead, PresignedPost, PresignedPostInput, PresignGetInput, PutObjectOptions, StorageDriver } from "./types";

let driver: StorageDriver | undefined;

/** Returns the process's storage driver: S3 when `env().s3` is set, otherwise the local filesystem. */
export function getStorage(): StorageDriver {
  if (!driver) {
    const settings = env();
    driver = settings.s3
      ? new S3StorageDriver(settings.s3)
      : new LocalStorageDriver({ root: settings.storageDir, secret: settings.appSecret });
  }
  return driver;
}

/** Drops the cached driver; tests call this after changing the environment. */
export function resetStorageForTests(): void {
  driver = undefined;
}

/** Evidence and proof-of-residence documents live in separate buckets with separate access rules. */
export function bucketFor(purpose: UploadPurpose): string {
  const buckets = env().s3?.buckets ?? { evidence: "evidence", documents: "documents" };
  return purpose === "evidence" ? buckets.evidence : buckets.documents;
}
