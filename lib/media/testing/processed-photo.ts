import { createHash, randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { getStorage } from "@/lib/storage";
import { buildDerivativeKey, buildObjectKey } from "@/lib/storage/keys";
import { SERVER_SIDE_ENCRYPTION } from "@/lib/storage/types";
import { insertAttachment, type AttachmentRow } from "@/test/factories";
import { makeDerivatives } from "../derivatives";
import { readPhotoFixture } from "./photo-fixtures";

/**
 * Stores a fixture photo with its display image and thumbnail in the configured storage and
 * inserts a `processed` evidence attachment for it, as upload and processing would leave it.
 */
export async function insertProcessedPhoto(
  db: Database,
  values: { tenantId: string; ownerId: string; originalFilename?: string },
): Promise<AttachmentRow> {
  const bytes = readPhotoFixture("recurser_Landscape_3.jpg");
  const derivatives = await makeDerivatives(bytes);
  if (!derivatives.ok) throw derivatives.error;

  const fileId = randomUUID();
  const objectKey = buildObjectKey({ tenantId: values.tenantId, purpose: "evidence", fileId, now: new Date() });
  const displayKey = buildDerivativeKey(objectKey, "display");
  const thumbnailKey = buildDerivativeKey(objectKey, "thumbnail");
  const storage = getStorage();
  await storage.putObject("evidence", objectKey, bytes, { contentType: "image/jpeg", serverSideEncryption: SERVER_SIDE_ENCRYPTION });
  await storage.putObject("evidence", displayKey, derivatives.display.bytes, { contentType: "image/jpeg", serverSideEncryption: SERVER_SIDE_ENCRYPTION });
  await storage.putObject("evidence", thumbnailKey, derivatives.thumbnail.bytes, { contentType: "image/jpeg", serverSideEncryption: SERVER_SIDE_ENCRYPTION });

  return insertAttachment(db, {
    ...values,
    fileId,
    objectKey,
    declaredSize: bytes.length,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    state: "processed",
    isProcessed: true,
    processedAt: new Date(),
    displayKey,
    thumbnailKey,
    derivativeContentType: "image/jpeg",
  });
}
