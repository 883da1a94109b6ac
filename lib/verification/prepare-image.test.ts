import { readFile } from "node:fs/promises";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { DocumentRejectedError } from "./document-rejected-error";
import { MAX_INPUT_PIXELS, prepareImage, UPSCALED_LINE_HEIGHT } from "./prepare-image";
import { readDocument } from "./read-document";

const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "proof-of-residence");
const TIMEOUT = 60_000;

/** The fixture scan's own skew, clockwise degrees (its README gives 0.35°). */
const SCAN_SKEW = 0.35;

// A PNG header for a huge greyscale image, followed by a tiny compressed row: enough for a decoder
// to read the dimensions without the test allocating the pixels.
function hugePngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // colour type: greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.alloc(64))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function rejection(promise: Promise<unknown>): Promise<DocumentRejectedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DocumentRejectedError);
  return error as DocumentRejectedError;
}

let scan: Buffer;

beforeAll(async () => {
  scan = await readFile(path.join(FIXTURES, "tshwane_clean_scan_300dpi.png"));
});

describe("prepareImage rejects", () => {
  it("an image over the pixel limit", async () => {
    const png = hugePngHeader(10_000, 6_000);
    expect(png.length).toBeLessThan(1000);
    const error = await rejection(prepareImage(png));
    expect(error.reason).toBe("too_many_pixels");
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("10000 × 6000");
    expect(error.message).toContain(`${MAX_INPUT_PIXELS / 1e6} megapixels`);
  });

  it("the same image through readDocument", async () => {
    const error = await rejection(readDocument(hugePngHeader(8_000, 8_000), () => Promise.reject(new Error("OCR must not start"))));
    expect(error.reason).toBe("too_many_pixels");
  });

  it("a truncated JPEG", async () => {
    const jpeg = await readFile(path.join(FIXTURES, "msunduzi_older_than_3_months.jpg"));
    const error = await rejection(prepareImage(jpeg.subarray(0, 20_000)));
    expect(error.reason).toBe("corrupt");
    expect(error.message).toMatch(/could not be decoded/);
  });

  it("a file that is not an image", async () => {
    const error = await rejection(prepareImage(Buffer.from("Account number 5004 8817 3620\n".repeat(20))));
    expect(error.reason).toBe("unsupported_type");
    expect(error.message).toMatch(/JPEG or PNG/);
  });

  it("an image type it does not read", async () => {
    const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } }).gif().toBuffer();
    const error = await rejection(prepareImage(gif));
    expect(error.reason).toBe("unsupported_type");
    expect(error.message).toContain("gif");
  });

  it("an empty file through readDocument", async () => {
    const error = await rejection(readDocument(new Uint8Array(0), () => Promise.reject(new Error("OCR must not start"))));
    expect(error.reason).toBe("empty");
  });
});

describe("prepareImage", () => {
  it(
    "keeps a straight 300 dpi scan",
    async () => {
      const prepared = await prepareImage(scan);
      expect(prepared.quarterTurn).toBe(0);
      expect(prepared.directionCertain).toBe(true);
      expect(prepared.skewAngle).toBeCloseTo(SCAN_SKEW, 0);
      expect(prepared.scale).toBe(1);
      expect(prepared.upsideDown.orientation).toBe("upright");
      expect(prepared.turnedUpsideDown).toBe(false);
      // A binary PGM: header, then one byte per pixel.
      const header = `P5\n${prepared.width} ${prepared.height}\n255\n`;
      expect(prepared.image.subarray(0, header.length).toString("latin1")).toBe(header);
      expect(prepared.image.length).toBe(header.length + prepared.width * prepared.height);
      expect(prepared.pixels.length).toBe(prepared.width * prepared.height);
      expect(prepared.height).toBeGreaterThan(prepared.width);
    },
    TIMEOUT,
  );

  it(
    "measures a tilt",
    async () => {
      const tilted = await sharp(scan).rotate(4, { background: "#ffffff" }).png().toBuffer();
      const prepared = await prepareImage(tilted);
      expect(prepared.quarterTurn).toBe(0);
      expect(Math.abs(prepared.skewAngle - (4 + SCAN_SKEW))).toBeLessThan(0.3);
    },
    TIMEOUT,
  );

  it(
    "turns a page lying on its side",
    async () => {
      const sideways = await sharp(scan).rotate(90).png().toBuffer();
      const prepared = await prepareImage(sideways);
      expect(prepared.quarterTurn).toBe(90);
      expect(prepared.directionCertain).toBe(true);
      expect(prepared.height).toBeGreaterThan(prepared.width);
    },
    TIMEOUT,
  );

  it(
    "applies EXIF orientation",
    async () => {
      // Stored turned a quarter anticlockwise, with orientation 6 telling viewers to turn it back.
      const stored = await sharp(scan).rotate(-90).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
      const storedMetadata = await sharp(stored).metadata();
      expect(storedMetadata.width).toBeGreaterThan(storedMetadata.height ?? 0);
      const prepared = await prepareImage(stored);
      expect(prepared.quarterTurn).toBe(0);
      expect(prepared.height).toBeGreaterThan(prepared.width);
    },
    TIMEOUT,
  );

  it(
    "scales up a low-resolution scan",
    async () => {
      const small = await sharp(scan).resize({ width: Math.round(2480 * 0.4) }).png().toBuffer();
      const prepared = await prepareImage(small);
      expect(prepared.scale).toBeGreaterThan(1.5);
      expect(prepared.lineHeight).toBeGreaterThanOrEqual(UPSCALED_LINE_HEIGHT - 3);
      expect(prepared.lineHeight).toBeLessThanOrEqual(UPSCALED_LINE_HEIGHT + 3);
    },
    TIMEOUT,
  );

  it(
    "finishes a 9 MP scan in bounded time",
    async () => {
      const started = performance.now();
      await prepareImage(scan);
      expect(performance.now() - started).toBeLessThan(15_000);
    },
    TIMEOUT,
  );
});
