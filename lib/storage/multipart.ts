// A streaming multipart/form-data reader (RFC 7578) for the local upload route. `Request.formData()`
// buffers the whole body, so this reads the stream chunk by chunk and passes file bytes on as they
// arrive. The caller counts them and can stop reading as soon as a limit is passed.

export type MultipartEvent =
  | { type: "field"; name: string; value: string }
  | { type: "file-start"; name: string; filename: string; contentType: string }
  | { type: "file-data"; chunk: Uint8Array }
  | { type: "file-end" };

export interface MultipartLimits {
  /** Largest text field value in bytes. */
  maxFieldBytes: number;
  /** Largest header block of one part in bytes. */
  maxHeaderBytes: number;
  maxParts: number;
}

const DEFAULT_LIMITS: MultipartLimits = { maxFieldBytes: 16 * 1024, maxHeaderBytes: 8 * 1024, maxParts: 20 };

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

/** Returns the boundary parameter of a multipart/form-data Content-Type, or null. */
export function boundaryFrom(contentType: string | null): string | null {
  if (!contentType) return null;
  const [type, ...rest] = splitParameters(contentType);
  if (type?.toLowerCase() !== "multipart/form-data") return null;
  const boundary = parameter(rest, "boundary");
  // RFC 2046: 1 to 70 characters.
  return boundary && boundary.length <= 70 ? boundary : null;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Yields fields, and file parts as a start event, data chunks and an end event, in body order. The
 * generator pulls from `source` only when the consumer requests the next event, so a slow disk
 * slows the reading. Data chunks may be views into a shared buffer, so use each before the next.
 */
export async function* readMultipart(
  source: AsyncIterable<Uint8Array>,
  boundary: string,
  limits: MultipartLimits = DEFAULT_LIMITS,
): AsyncGenerator<MultipartEvent> {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);

  let buffer: Buffer = Buffer.alloc(0);
  let state: "preamble" | "after-boundary" | "headers" | "body" = "preamble";
  let parts = 0;
  let ended = false;
  let current: { kind: "field"; name: string; chunks: Buffer[]; bytes: number } | { kind: "file" } | null = null;

  for await (const chunk of source) {
    buffer = buffer.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([buffer, chunk]);

    let progressed = true;
    while (progressed && !ended) {
      progressed = false;

      if (state === "preamble") {
        const at = buffer.indexOf(opening);
        if (at === -1) {
          if (buffer.length > limits.maxHeaderBytes) throw new MultipartError("the body does not start with the multipart boundary");
          break;
        }
        buffer = buffer.subarray(at + opening.length);
        state = "after-boundary";
        progressed = true;
      } else if (state === "after-boundary") {
        if (buffer.length < 2) break;
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          ended = true;
          break;
        }
        if (buffer[0] !== CRLF[0] || buffer[1] !== CRLF[1]) throw new MultipartError("a boundary line is not followed by CRLF");
        buffer = buffer.subarray(2);
        state = "headers";
        progressed = true;
      } else if (state === "headers") {
        const end = buffer.indexOf(HEADER_END);
        if (end === -1) {
          if (buffer.length > limits.maxHeaderBytes) throw new MultipartError(`a part's headers are longer than ${limits.maxHeaderBytes} bytes`);
          break;
        }
        parts += 1;
        if (parts > limits.maxParts) throw new MultipartError(`the form has more than ${limits.maxParts} parts`);
        const headers = parseHeaders(buffer.subarray(0, end).toString("utf8"));
        buffer = buffer.subarray(end + HEADER_END.length);
        const disposition = splitParameters(headers.get("content-disposition") ?? "");
        if (disposition[0]?.toLowerCase() !== "form-data") throw new MultipartError("a part has no Content-Disposition: form-data header");
        const name = parameter(disposition.slice(1), "name");
        if (name === null) throw new MultipartError("a part has no name");
        const filename = parameter(disposition.slice(1), "filename");
        if (filename === null) {
          current = { kind: "field", name, chunks: [], bytes: 0 };
        } else {
          current = { kind: "file" };
          yield { type: "file-start", name, filename, contentType: headers.get("content-type") ?? "application/octet-stream" };
        }
        state = "body";
        progressed = true;
      } else if (state === "body" && current) {
        const at = buffer.indexOf(delimiter);
        // Without a delimiter, everything but a possible delimiter prefix at the end is part data.
        const dataEnd = at === -1 ? Math.max(0, buffer.length - (delimiter.length - 1)) : at;
        if (dataEnd > 0) {
          const data = buffer.subarray(0, dataEnd);
          buffer = buffer.subarray(dataEnd);
          if (current.kind === "file") {
            yield { type: "file-data", chunk: data };
          } else {
            current.bytes += data.length;
            if (current.bytes > limits.maxFieldBytes) throw new MultipartError(`field "${current.name}" is longer than ${limits.maxFieldBytes} bytes`);
            current.chunks.push(Buffer.from(data));
          }
        }
        if (at === -1) break;
        buffer = buffer.subarray(delimiter.length);
        if (current.kind === "file") {
          yield { type: "file-end" };
        } else {
          yield { type: "field", name: current.name, value: Buffer.concat(current.chunks).toString("utf8") };
        }
        current = null;
        state = "after-boundary";
        progressed = true;
      }
    }
    if (ended) return;
  }
  throw new MultipartError("the body ended before the closing multipart boundary");
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MultipartError(`a part header line is malformed: ${JSON.stringify(line.slice(0, 80))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** Splits `a; b="x;y"; c=z` at semicolons outside quoted strings. */
function splitParameters(value: string): string[] {
  const items: string[] = [];
  let currentItem = "";
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    if (char === "\\" && quoted && i + 1 < value.length) {
      currentItem += char + value[i + 1];
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
      currentItem += char;
    } else if (char === ";" && !quoted) {
      items.push(currentItem.trim());
      currentItem = "";
    } else {
      currentItem += char;
    }
  }
  items.push(currentItem.trim());
  return items;
}

function parameter(items: string[], name: string): string | null {
  for (const item of items) {
    const equals = item.indexOf("=");
    if (equals === -1 || item.slice(0, equals).trim().toLowerCase() !== name) continue;
    const raw = item.slice(equals + 1).trim();
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) return raw.slice(1, -1).replace(/\\(.)/g, "$1");
    return raw;
  }
  return null;
}
