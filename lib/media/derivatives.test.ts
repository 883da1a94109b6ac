import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  DISPLAY_MAX_SIDE,
  MAX_INPUT_PIXELS,
  THUMBNAIL_MAX_SIDE,
  derivativeKindFor,
  makeDerivatives,
  type Derivative,
  type Derivatives,
  type DerivativeError,
} from "./derivatives";
import { buildFtypBox } from "./testing/ftyp-box";
import { buildOversizedPngHeader } from "./testing/png-header";
import { loadExpectedPhotos, readPhotoFixture } from "./testing/photo-fixtures";

async function derive(bytes: Buffer): Promise<Derivatives> {
  const result = await makeDerivatives(bytes);
  if (!result.ok) throw new Error(`expected derivatives, got ${result.error.reason}: ${result.error.message}`);
  return result;
}

async function deriveFailure(bytes: Buffer): Promise<DerivativeError> {
  const result = await makeDerivatives(bytes);
  if (result.ok) throw new Error("expected makeDerivatives to fail");
  return result.error;
}

/** Size of `width` × `height` scaled to fit in a `maxSide` square, never enlarged. */
function fitInside(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

async function expectNoMetadata(derivative: Derivative): Promise<void> {
  const metadata = await sharp(derivative.bytes).metadata();
  expect(metadata.format).toBe("jpeg");
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
  expect(derivative.bytes.includes("Exif\0\0", 0, "latin1")).toBe(false);

  expect(await exifr.parse(derivative.bytes, { tiff: true, gps: true, xmp: true, iptc: true, icc: true })).toBeUndefined();
  expect(await exifr.gps(derivative.bytes)).toBeUndefined();
}

async function pixelAt(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return Array.from(data.subarray(offset, offset + info.channels));
}

describe("makeDerivatives fixtures", () => {
  const valid = loadExpectedPhotos().filter((photo) => photo.valid_image);

  it.each(valid.map((photo) => [photo.file, photo] as const))("%s", async (file, expected) => {
    const result = await derive(readPhotoFixture(file));

    const displayWidth = expected.display_width ?? Number.NaN;
    const displayHeight = expected.display_height ?? Number.NaN;
    const display = fitInside(displayWidth, displayHeight, DISPLAY_MAX_SIDE);
    const thumbnail = fitInside(display.width, display.height, THUMBNAIL_MAX_SIDE);
    expect(result.display).toMatchObject({ ...display, contentType: "image/jpeg" });
    expect(result.thumbnail).toMatchObject({ ...thumbnail, contentType: "image/jpeg" });
    expect(await sharp(result.display.bytes).metadata()).toMatchObject(display);
    expect(await sharp(result.thumbnail.bytes).metadata()).toMatchObject(thumbnail);
    expect(result.source).toEqual({ format: expected.file.endsWith(".png") ? "png" : "jpeg", width: displayWidth, height: displayHeight });

    await expectNoMetadata(result.display);
    await expectNoMetadata(result.thumbnail);
  });
});

describe("makeDerivatives", () => {
  it("swaps width and height for orientation 6", async () => {
    const original = readPhotoFixture("own_pothole_soweto_gps_orientation6.jpg");
    const stored = await sharp(original).metadata();
    expect(stored.orientation).toBe(6);
    expect(stored.width).toBeGreaterThan(stored.height);

    const result = await derive(original);
    expect(result.display.width).toBe(stored.height);
    expect(result.display.height).toBe(stored.width);
    expect(result.thumbnail.width).toBeLessThan(result.thumbnail.height);
  });

  // A 4 × 3 grid of grey cells, 16 px each, stored with every EXIF orientation. The derivative must
  // show cell (row, column) where the EXIF definition of that orientation puts it.
  const COLUMNS = 4;
  const ROWS = 3;
  const CELL = 16;
  const cellGrey = (row: number, column: number): number => 20 + 18 * (row * COLUMNS + column);

  // Display position of stored cell (row, column) for each orientation, from the EXIF table of which
  // stored row and column become the visual top and left.
  const DISPLAY_CELL: Record<number, (row: number, column: number) => [number, number]> = {
    1: (r, c) => [r, c],
    2: (r, c) => [r, COLUMNS - 1 - c],
    3: (r, c) => [ROWS - 1 - r, COLUMNS - 1 - c],
    4: (r, c) => [ROWS - 1 - r, c],
    5: (r, c) => [c, r],
    6: (r, c) => [c, ROWS - 1 - r],
    7: (r, c) => [COLUMNS - 1 - c, ROWS - 1 - r],
    8: (r, c) => [COLUMNS - 1 - c, r],
  };

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("applies orientation %i to the pixels", async (orientation) => {
    const width = COLUMNS * CELL;
    const height = ROWS * CELL;
    const pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        pixels.fill(cellGrey(Math.floor(y / CELL), Math.floor(x / CELL)), (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
    const stored = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation })
      .toBuffer();

    const { display } = await derive(stored);
    const swapped = orientation >= 5;
    expect([display.width, display.height]).toEqual(swapped ? [height, width] : [width, height]);

    const { data, info } = await sharp(display.bytes).raw().toBuffer({ resolveWithObject: true });
    for (let row = 0; row < ROWS; row += 1) {
      for (let column = 0; column < COLUMNS; column += 1) {
        const [displayRow, displayColumn] = DISPLAY_CELL[orientation]!(row, column);
        const x = displayColumn * CELL + CELL / 2;
        const y = displayRow * CELL + CELL / 2;
        const grey = data[(y * info.width + x) * info.channels]!;
        expect(Math.abs(grey - cellGrey(row, column)), `cell ${row},${column}`).toBeLessThanOrEqual(6);
      }
    }
  });

  it("rejects text named .jpg", async () => {
    const error = await deriveFailure(readPhotoFixture("fake_jpeg_is_text.jpg"));
    expect(error.reason).toBe("not_an_image");
    expect(error.message).toMatch(/not an image/);
  });

  it("rejects an empty file", async () => {
    expect((await deriveFailure(Buffer.alloc(0))).reason).toBe("not_an_image");
  });

  it("rejects a truncated JPEG", async () => {
    const error = await deriveFailure(readPhotoFixture("truncated.jpg"));
    expect(error.reason).toBe("truncated");
    expect(error.message).toMatch(/truncated/);
    expect(String((error.cause as Error).message)).toMatch(/premature end/i);
  });

  it("rejects a truncated PNG", async () => {
    const png = readPhotoFixture("own_no_metadata.png");
    const error = await deriveFailure(png.subarray(0, Math.floor(png.length / 2)));
    expect(error.reason).toBe("truncated");
  });

  it("rejects a PNG with damaged data", async () => {
    const png = Buffer.from(readPhotoFixture("own_no_metadata.png"));
    png.fill(0x55, Math.floor(png.length / 2), Math.floor(png.length / 2) + 64);
    const error = await deriveFailure(png);
    expect(error.reason).toBe("corrupt");
    expect(error.message).toMatch(/damaged/);
  });

  it("rejects random bytes behind a JPEG signature", async () => {
    const bytes = Buffer.alloc(4096);
    let state = 12345;
    for (let index = 0; index < bytes.length; index += 1) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      bytes[index] = state >> 16;
    }
    bytes.set([0xff, 0xd8, 0xff], 0);
    const error = await deriveFailure(bytes);
    expect(["corrupt", "truncated"]).toContain(error.reason);
  });

  it("rejects a decompression bomb by pixel count", async () => {
    const bomb = buildOversizedPngHeader(20_000, 20_000);
    expect(bomb.length).toBeLessThan(1024);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ width: 20_000, height: 20_000 });

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 1);
    let error: DerivativeError;
    try {
      error = await deriveFailure(bomb);
    } finally {
      clearInterval(sampler);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    expect(error.reason).toBe("too_many_pixels");
    expect(error.message).toContain("(20000 × 20000 pixels)");
    // Decoding it would need 20000 × 20000 × 3 bytes, 1.2 GB.
    expect(peakRss).toBeLessThan(1024 ** 3);
  });

  it("rejects just over the pixel limit", async () => {
    const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
    expect((await deriveFailure(buildOversizedPngHeader(side, side))).reason).toBe("too_many_pixels");
  });

  it.each([
    ["heic", ["mif1", "heic"]],
    ["heix", ["mif1", "heix"]],
    ["mif1", ["heic"]],
    ["msf1", ["hevc"]],
    ["mif1", ["miaf"]],
  ])("rejects HEIF with major brand %s", async (major, compatible) => {
    const error = await deriveFailure(buildFtypBox(major, compatible, Buffer.alloc(64)));
    expect(error.reason).toBe("heif");
    expect(error.message).toContain("HEIC/HEIF");
    expect(error.message).toContain("JPEG");
  });

  it("accepts AVIF", async () => {
    const avif = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#2060a0" } })
      .avif()
      .toBuffer();
    const result = await derive(avif);
    expect(result.source.format).toBe("heif");
    expect(result.display).toMatchObject({ width: 64, height: 48 });
  });

  it.each(["gif", "webp", "tiff"] as const)("takes the first frame of a multi-frame %s", async (format) => {
    const colours = ["#ff0000", "#00ff00", "#0000ff"];
    const frames = await Promise.all(
      colours.map((background) => sharp({ create: { width: 40, height: 30, channels: 3, background } }).png().toBuffer()),
    );
    const animated = await sharp(frames, { join: { animated: true } })[format]().toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(3);

    const result = await derive(animated);
    expect(result.display).toMatchObject({ width: 40, height: 30 });
    expect(await sharp(result.display.bytes).metadata()).toMatchObject({ width: 40, height: 30 });
    expect((await sharp(result.display.bytes).metadata()).pages).toBeUndefined();
    const [red = 0, green = 0, blue = 0] = await pixelAt(result.display.bytes, 20, 15);
    expect(red).toBeGreaterThan(200);
    expect(green).toBeLessThan(60);
    expect(blue).toBeLessThan(60);
  });

  it("lays transparency on white", async () => {
    const png = await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const result = await derive(png);
    const pixel = await pixelAt(result.display.bytes, 10, 10);
    expect(pixel).toHaveLength(3);
    for (const channel of pixel) expect(channel).toBeGreaterThan(245);
  });

  it("converts CMYK to sRGB", async () => {
    const cmyk = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#c04020" } })
      .toColourspace("cmyk")
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");

    const result = await derive(cmyk);
    expect(await sharp(result.display.bytes).metadata()).toMatchObject({ space: "srgb", channels: 3 });
  });

  it("downsizes a large photo", async () => {
    const large = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#808080" } })
      .jpeg()
      .toBuffer();
    const result = await derive(large);
    expect(result.display).toMatchObject({ width: 1600, height: 1200 });
    expect(result.thumbnail).toMatchObject({ width: 320, height: 240 });
  });
});

describe("derivativeKindFor", () => {
  it.each([
    ["image/jpeg", "image"],
    ["image/jpg", "image"],
    ["IMAGE/PNG", "image"],
    ["image/webp", "image"],
    ["image/gif", "image"],
    ["image/tiff", "image"],
    ["image/avif", "image"],
    ["image/heic", "image"],
    ["image/heif", "image"],
    ["image/svg+xml", "icon"],
    ["video/mp4", "icon"],
    ["audio/ogg; codecs=opus", "icon"],
    ["audio/mpeg", "icon"],
    ["application/pdf", "icon"],
    ["text/plain", "icon"],
    ["", "icon"],
  ])("%s is %s", (contentType, kind) => {
    expect(derivativeKindFor(contentType)).toBe(kind);
  });
});
