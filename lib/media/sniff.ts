import { fileTypeFromBuffer } from "file-type";
import { normalizeContentType } from "@/lib/uploads/limits";

/**
 * Bytes to read from the start of a file for `sniffContentType`: the sample size file-type 21 reads
 * by default (its `reasonableDetectionSizeInBytes`, which its type declarations do not export).
 */
export const SNIFF_BYTES = 4100;

/**
 * Identifies a file's type from its first bytes (magic numbers), never from its name or declared
 * type. Returns a bare MIME type ("audio/ogg", not "audio/ogg; codecs=opus"); "text/plain" for
 * content that decodes as UTF-8 text without control characters; otherwise "application/octet-stream".
 */
export async function sniffContentType(head: Uint8Array): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return normalizeContentType(detected.mime);
  return looksLikeText(head) ? "text/plain" : "application/octet-stream";
}

const TEXT_DECODER = new TextDecoder("utf-8", { fatal: true });

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  // The sample may end inside a multi-byte character, so try a few shorter cuts before giving up.
  for (let cut = 0; cut <= 3 && cut < head.length; cut += 1) {
    try {
      const text = TEXT_DECODER.decode(head.subarray(0, head.length - cut));
      return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
    } catch {
      continue;
    }
  }
  return false;
}
