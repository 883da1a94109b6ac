import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getStorage } from "./index";
import { LocalStorageDriver } from "./local";
import { DOWNLOAD_PARAMS, verifyDownloadSignature, type LocalDownloadGrant } from "./local-signing";

// Serves a local driver's presigned GET: the URL's signature covers bucket, key, Content-Type,
// Content-Disposition and expiry, so the response headers are exactly the ones the authorizing
// route chose.

export async function serveLocalObject(request: Request): Promise<Response> {
  const storage = getStorage();
  if (!(storage instanceof LocalStorageDriver)) return textResponse(404, "Not found.");

  const query = new URL(request.url).searchParams;
  const grant: LocalDownloadGrant = {
    bucket: query.get(DOWNLOAD_PARAMS.bucket) ?? "",
    key: query.get(DOWNLOAD_PARAMS.key) ?? "",
    contentType: query.get(DOWNLOAD_PARAMS.contentType) ?? "",
    contentDisposition: query.get(DOWNLOAD_PARAMS.contentDisposition) ?? "",
    expires: Number(query.get(DOWNLOAD_PARAMS.expires)),
  };
  const signature = query.get(DOWNLOAD_PARAMS.signature) ?? "";
  if (!Number.isInteger(grant.expires) || !verifyDownloadSignature(grant, signature, env().appSecret)) {
    return textResponse(403, "This download link is not valid. Open the file again from its report.");
  }
  if (Date.now() / 1000 > grant.expires) {
    return textResponse(403, "This download link has expired. Open the file again from its report.");
  }

  let file: string;
  try {
    file = storage.objectPath(grant.bucket, grant.key);
  } catch (error) {
    if (error instanceof AppError) return textResponse(404, "Not found.");
    throw error;
  }
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch {
    return textResponse(404, "This file no longer exists.");
  }

  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": grant.contentType,
      "Content-Length": String(size),
      "Content-Disposition": grant.contentDisposition,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}

function textResponse(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" },
  });
}
