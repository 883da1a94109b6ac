import { createHash } from "node:crypto";
import { sniffContentType, SNIFF_BYTES } from "@/lib/media/sniff";
import { normalizeContentType, type AllowedType } from "@/lib/uploads/limits";
import { evidenceTypeFor, MAX_WHATSAPP_MEDIA_BYTES, maxBytesFor } from "./evidence-types";

// Downloads one Twilio media item. Twilio responds to a MediaUrl on api.twilio.com with a redirect to
// short-lived storage on another host. The account SID and auth token go only to the MediaUrl's own
// origin (scheme, host and port), so a redirect can never carry them elsewhere, and every host on
// the way must be on the allow-list.

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Per request, in milliseconds, body included. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

export type MediaFailureReason = "host_not_allowed" | "type_not_allowed" | "too_large" | "unavailable";

export class MediaDownloadError extends Error {
  constructor(
    readonly reason: MediaFailureReason,
    /** False when a later attempt may succeed: network errors, time-outs, 404 (media not ready yet), 408, 429 and 5xx. */
    readonly permanent: boolean,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "MediaDownloadError";
  }
}

export interface DownloadedMedia {
  bytes: Buffer;
  /** The evidence type the bytes were identified as by their magic numbers. */
  type: AllowedType;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

export interface DownloadOptions {
  accountSid: string;
  authToken: string;
  /** Lower-case host names that may be fetched. */
  allowedHosts: readonly string[];
  timeoutMs?: number;
}

/** Downloads a media item and checks its size and type. Throws MediaDownloadError. */
export async function downloadTwilioMedia(mediaUrl: string, options: DownloadOptions): Promise<DownloadedMedia> {
  let url = new URL(mediaUrl);
  const credentialOrigin = url.origin;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;

  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    assertHostAllowed(url, options.allowedHosts);
    const headers: Record<string, string> = { accept: "*/*" };
    if (url.origin === credentialOrigin) headers.authorization = authorization;

    let response: Response;
    try {
      response = await fetch(url, { redirect: "manual", headers, signal: AbortSignal.timeout(options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS) });
    } catch (error) {
      throw new MediaDownloadError("unavailable", false, `Fetching media from ${url.host} failed: ${(error as Error).message}`, { cause: error });
    }

    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (!location) throw new MediaDownloadError("unavailable", false, `${url.host} responded with ${response.status} but no Location header`);
      url = new URL(location, url);
      continue;
    }
    if (response.status === 200) return readMediaBody(response, url, options.timeoutMs);

    await response.body?.cancel();
    const transient = response.status === 404 || response.status === 408 || response.status === 429 || response.status >= 500;
    throw new MediaDownloadError("unavailable", !transient, `${url.host} responded with HTTP ${response.status} to the media request`);
  }
  throw new MediaDownloadError("unavailable", true, `The media URL redirected more than ${MAX_REDIRECTS} times`);
}

/**
 * Plain HTTP is accepted only for loopback hosts, so tests can serve media from 127.0.0.1;
 * everything else must be HTTPS and on the allow-list.
 */
function assertHostAllowed(url: URL, allowedHosts: readonly string[]): void {
  const host = url.hostname.toLowerCase();
  if (!allowedHosts.includes(host)) {
    throw new MediaDownloadError("host_not_allowed", true, `Media host ${host} is not on the allow-list (TWILIO_MEDIA_HOSTS: ${allowedHosts.join(", ")})`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(host))) {
    throw new MediaDownloadError("host_not_allowed", true, `Media URL ${url.origin} must use https`);
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

async function readMediaBody(response: Response, url: URL, timeoutMs: number | undefined): Promise<DownloadedMedia> {
  const declared = normalizeContentType(response.headers.get("content-type") ?? "");
  if (declared !== "" && declared !== "application/octet-stream" && evidenceTypeFor(declared) === null) {
    await response.body?.cancel();
    throw new MediaDownloadError("type_not_allowed", true, `${url.host} served ${declared}, which is not an evidence type`);
  }
  const length = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(length) && length > MAX_WHATSAPP_MEDIA_BYTES) {
    await response.body?.cancel();
    throw new MediaDownloadError("too_large", true, `The media file is ${length} bytes, more than the ${MAX_WHATSAPP_MEDIA_BYTES} allowed`);
  }

  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_WHATSAPP_MEDIA_BYTES) {
        await reader.cancel();
        throw new MediaDownloadError("too_large", true, `The media file is more than the ${MAX_WHATSAPP_MEDIA_BYTES} bytes allowed`);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if (error instanceof MediaDownloadError) throw error;
    const timedOut = (error as Error).name === "TimeoutError";
    const limit = timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
    throw new MediaDownloadError("unavailable", false, timedOut ? `The media download took longer than ${limit} ms` : `Reading the media file failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length === 0) throw new MediaDownloadError("unavailable", true, "The media file is empty");

  const sniffed = await sniffContentType(bytes.subarray(0, SNIFF_BYTES));
  const type = evidenceTypeFor(sniffed);
  if (!type) throw new MediaDownloadError("type_not_allowed", true, `The media file's content is ${sniffed}, which is not an evidence type`);
  if (bytes.length > maxBytesFor(type)) {
    throw new MediaDownloadError("too_large", true, `The ${type.contentType} file is ${bytes.length} bytes, more than the ${maxBytesFor(type)} allowed`);
  }
  return { bytes, type, sha256: createHash("sha256").update(bytes).digest("hex") };
}
