import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import fs from "node:fs/promises";
import { once } from "node:events";
import { env } from "@/lib/env";
import type { Logger } from "@/lib/log";
import { MAX_UPLOAD_BYTES } from "@/lib/uploads/limits";
import { getStorage } from "./index";
import { LocalStorageDriver } from "./local";
import { verifyUploadPolicy, type LocalUploadPolicy } from "./local-signing";
import { boundaryFrom, MultipartError, readMultipart } from "./multipart";
import { SERVER_SIDE_ENCRYPTION } from "./types";

// Receives a presigned POST for the local driver and enforces its policy the way S3 does. The
// fields before the file must match the signed policy, and the file part comes last. Its size must
// fall inside the policy's range, and its SHA-256 must be the pinned one when the policy pins one.
// Success is 204 with no body, like S3's default.

/**
 * Error codes of the local upload route, sent as `{ error: { code, message } }`. The browser
 * uploader maps them to resident-facing text; `policy_expired` makes it fetch a fresh intent.
 */
export type LocalUploadErrorCode =
  | "not_enabled"
  | "malformed_request"
  | "signature_mismatch"
  | "policy_expired"
  | "condition_failed"
  | "entity_too_large"
  | "entity_too_small"
  /** The file's SHA-256 differs from the one the policy pins. */
  | "bad_digest";

const STATUS: Record<LocalUploadErrorCode, number> = {
  not_enabled: 404,
  malformed_request: 400,
  signature_mismatch: 403,
  policy_expired: 403,
  condition_failed: 403,
  entity_too_large: 400,
  entity_too_small: 400,
  bad_digest: 400,
};

// Room for the form fields and part headers around the largest file.
const MAX_FORM_OVERHEAD_BYTES = 64 * 1024;

class UploadRejected extends Error {
  constructor(
    readonly code: LocalUploadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export async function receiveLocalUpload(request: Request, log: Logger): Promise<Response> {
  const storage = getStorage();
  if (!(storage instanceof LocalStorageDriver)) {
    return rejection("not_enabled", "Uploads go straight to object storage; this route serves only the local storage driver.");
  }

  let temporaryFile: string | null = null;
  let output: WriteStream | null = null;
  try {
    const boundary = boundaryFrom(request.headers.get("content-type"));
    if (!boundary || !request.body) throw new UploadRejected("malformed_request", "The request must be multipart/form-data with a boundary.");
    const declaredLength = Number(request.headers.get("content-length") ?? "0");
    if (declaredLength > MAX_UPLOAD_BYTES + MAX_FORM_OVERHEAD_BYTES) {
      throw new UploadRejected("entity_too_large", `The request is ${declaredLength} bytes; files may be at most ${MAX_UPLOAD_BYTES} bytes.`);
    }

    const fields = new Map<string, string>();
    let policy: LocalUploadPolicy | null = null;
    let received = 0;
    const hash = createHash("sha256");

    for await (const event of readMultipart(readChunks(request.body), boundary)) {
      if (event.type === "field") {
        // Names are matched without regard to case, as HTTP header names are; the first value wins.
        if (!fields.has(event.name.toLowerCase())) fields.set(event.name.toLowerCase(), event.value);
      } else if (event.type === "file-start") {
        if (event.name !== "file") throw new UploadRejected("malformed_request", `Unexpected file part "${event.name}"; the file must be sent as "file".`);
        policy = checkPolicy(fields, env().appSecret);
        temporaryFile = await storage.temporaryPath(`${randomUUID()}.part`);
        output = createWriteStream(temporaryFile, { flags: "wx" });
        // Write errors surface through `once(output, ...)` below. A write still in flight when a
        // rejected upload destroys the stream reports one more error, which is only logged.
        output.on("error", (error) => log.debug({ err: error }, "local upload write stream closed with an error"));
      } else if (event.type === "file-data" && policy && output) {
        received += event.chunk.byteLength;
        if (received > policy.maxBytes) {
          throw new UploadRejected("entity_too_large", `The file is larger than the ${policy.maxBytes} bytes the policy allows.`);
        }
        hash.update(event.chunk);
        if (!output.write(event.chunk)) await once(output, "drain");
      } else if (event.type === "file-end" && policy && output) {
        if (received < policy.minBytes) throw new UploadRejected("entity_too_small", "The file is empty.");
        const sha256 = hash.digest("hex");
        if (policy.sha256 && sha256 !== policy.sha256) {
          throw new UploadRejected("bad_digest", `The file's SHA-256 is ${sha256}, but the policy requires ${policy.sha256}.`);
        }
        output.end();
        await once(output, "finish");
        output = null;
        await storage.commitUpload(temporaryFile!, policy.bucket, policy.key, { contentType: policy.contentType, sha256 });
        temporaryFile = null;
        log.info({ bucket: policy.bucket, key: policy.key, size: received, sha256, sha256Pinned: policy.sha256 !== undefined }, "local upload stored");
        // S3 stores the first file part and ignores what follows it; leaving the loop cancels the body.
        return new Response(null, { status: 204 });
      }
    }
    throw new UploadRejected("malformed_request", 'The form has no file part; send the file last, as the field "file".');
  } catch (error) {
    if (error instanceof UploadRejected) {
      log.info({ code: error.code }, `local upload rejected: ${error.message}`);
      return rejection(error.code, error.message);
    }
    if (error instanceof MultipartError) {
      log.info({ code: "malformed_request" }, `local upload rejected: ${error.message}`);
      return rejection("malformed_request", `The multipart body is malformed: ${error.message}.`);
    }
    throw error;
  } finally {
    if (output) output.destroy();
    if (temporaryFile) await fs.rm(temporaryFile, { force: true });
  }
}

function checkPolicy(fields: Map<string, string>, secret: string): LocalUploadPolicy {
  const encoded = fields.get("policy");
  const signature = fields.get("x-bika-signature");
  if (!encoded || !signature) throw new UploadRejected("malformed_request", 'The form must carry the "policy" and "x-bika-signature" fields before the file.');
  const policy = verifyUploadPolicy(encoded, signature, secret);
  if (!policy) throw new UploadRejected("signature_mismatch", "The upload policy's signature does not match.");
  if (Date.now() > policy.expiresAt) {
    throw new UploadRejected("policy_expired", `The upload policy expired at ${new Date(policy.expiresAt).toISOString()}.`);
  }
  const conditions: [field: string, expected: string][] = [
    ["key", policy.key],
    ["content-type", policy.contentType],
    ["x-amz-server-side-encryption", SERVER_SIDE_ENCRYPTION],
  ];
  if (policy.sha256) {
    conditions.push(["x-amz-checksum-algorithm", "SHA256"], ["x-amz-checksum-sha256", Buffer.from(policy.sha256, "hex").toString("base64")]);
  }
  for (const [field, expected] of conditions) {
    const given = fields.get(field);
    if (given !== expected) {
      throw new UploadRejected("condition_failed", `Field "${field}" is ${JSON.stringify(given ?? null)}, but the policy requires ${JSON.stringify(expected)}.`);
    }
  }
  return policy;
}

async function* readChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stop the client's transfer when the upload is rejected or done early.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function rejection(code: LocalUploadErrorCode, message: string): Response {
  return Response.json({ error: { code, message } }, { status: STATUS[code] });
}
