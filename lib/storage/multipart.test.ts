import { describe, expect, it } from "vitest";
import { boundaryFrom, MultipartError, readMultipart, type MultipartEvent } from "./multipart";

async function encode(form: FormData): Promise<{ body: Buffer; boundary: string }> {
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  const boundary = boundaryFrom(request.headers.get("content-type"));
  if (!boundary) throw new Error("no boundary");
  return { body: Buffer.from(await request.arrayBuffer()), boundary };
}

async function* chunksOf(body: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < body.length; offset += size) yield body.subarray(offset, offset + size);
}

interface Collected {
  fields: Record<string, string>;
  files: { name: string; filename: string; contentType: string; data: Buffer }[];
}

async function collect(events: AsyncIterable<MultipartEvent>): Promise<Collected> {
  const result: Collected = { fields: {}, files: [] };
  let parts: Buffer[] = [];
  for await (const event of events) {
    if (event.type === "field") result.fields[event.name] = event.value;
    if (event.type === "file-start") {
      parts = [];
      result.files.push({ name: event.name, filename: event.filename, contentType: event.contentType, data: Buffer.alloc(0) });
    }
    if (event.type === "file-data") parts.push(Buffer.from(event.chunk));
    if (event.type === "file-end") result.files.at(-1)!.data = Buffer.concat(parts);
  }
  return result;
}

describe("readMultipart", () => {
  it("reads fields and a file at every chunk size", async () => {
    // Bytes that look like CRLF and dashes inside the file must not end the part early.
    const payload = Buffer.concat([Buffer.from("\r\n--\r\n-"), Buffer.alloc(3000, 0xab), Buffer.from("\r\n")]);
    const form = new FormData();
    form.append("key", "tenant/evidence/2026/05/file");
    form.append("Content-Type", "image/jpeg");
    form.append("note", "Zoë's bill – Mthatha");
    form.append("file", new Blob([payload], { type: "image/jpeg" }), "Zoë's bill – Mthatha.jpg");
    const { body, boundary } = await encode(form);

    for (const size of [1, 2, 7, 64, 1000, body.length]) {
      const result = await collect(readMultipart(chunksOf(body, size), boundary));
      expect(result.fields, `chunk size ${size}`).toEqual({
        key: "tenant/evidence/2026/05/file",
        "Content-Type": "image/jpeg",
        note: "Zoë's bill – Mthatha",
      });
      expect(result.files).toHaveLength(1);
      expect(result.files[0]!.name).toBe("file");
      expect(result.files[0]!.filename).toBe("Zoë's bill – Mthatha.jpg");
      expect(result.files[0]!.contentType).toBe("image/jpeg");
      expect(result.files[0]!.data.equals(payload), `file bytes at chunk size ${size}`).toBe(true);
    }
  });

  it("rejects a body cut off before the end", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.alloc(100, 1)]), "a.bin");
    const { body, boundary } = await encode(form);
    await expect(collect(readMultipart(chunksOf(body.subarray(0, body.length - 10), 16), boundary))).rejects.toThrow(MultipartError);
  });

  it("rejects an oversized field", async () => {
    const form = new FormData();
    form.append("policy", "x".repeat(100));
    const { body, boundary } = await encode(form);
    const events = readMultipart(chunksOf(body, 32), boundary, { maxFieldBytes: 50, maxHeaderBytes: 1024, maxParts: 5 });
    await expect(collect(events)).rejects.toThrow(/longer than 50 bytes/);
  });

  it("rejects too many parts", async () => {
    const form = new FormData();
    for (let i = 0; i < 4; i += 1) form.append(`field${i}`, "v");
    const { body, boundary } = await encode(form);
    const events = readMultipart(chunksOf(body, 32), boundary, { maxFieldBytes: 50, maxHeaderBytes: 1024, maxParts: 3 });
    await expect(collect(events)).rejects.toThrow(/more than 3 parts/);
  });

  it("rejects a body without the boundary", async () => {
    const events = readMultipart(chunksOf(Buffer.alloc(20_000, 0x41), 4096), "abc");
    await expect(collect(events)).rejects.toThrow(/does not start with the multipart boundary/);
  });
});

describe("boundaryFrom", () => {
  it("reads quoted and bare boundaries", () => {
    expect(boundaryFrom("multipart/form-data; boundary=abc123")).toBe("abc123");
    expect(boundaryFrom('Multipart/Form-Data; boundary="a;b c"')).toBe("a;b c");
  });

  it("returns null for other types", () => {
    expect(boundaryFrom("application/json")).toBeNull();
    expect(boundaryFrom(null)).toBeNull();
    expect(boundaryFrom(`multipart/form-data; boundary=${"x".repeat(71)}`)).toBeNull();
  });
});
