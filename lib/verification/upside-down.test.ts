import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareImage } from "./prepare-image";
import { measureUpsideDown } from "./upside-down";

const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "proof-of-residence");
const TIMEOUT = 60_000;

const BILLS = ["tshwane_clean_scan_300dpi.png", "johannesburg_phone_photo.jpg", "msunduzi_older_than_3_months.jpg", "receipt_not_a_bill.jpg"];

async function turned(file: string, degrees: 0 | 90 | 180 | 270): Promise<Buffer> {
  const bytes = await readFile(path.join(FIXTURES, file));
  if (degrees === 0) return bytes;
  return sharp(bytes).rotate(degrees).png({ compressionLevel: 1 }).toBuffer();
}

describe("prepareImage upside-down test", () => {
  describe.each(BILLS)("%s", (file) => {
    it(
      "leaves the upright page alone",
      async () => {
        const prepared = await prepareImage(await turned(file, 0));
        expect(prepared.upsideDown.orientation).toBe("upright");
        expect(prepared.turnedUpsideDown).toBe(false);
      },
      TIMEOUT,
    );

    it(
      "turns the page back from 180 degrees",
      async () => {
        const prepared = await prepareImage(await turned(file, 180));
        expect(prepared.upsideDown.orientation).toBe("upside_down");
        expect(prepared.turnedUpsideDown).toBe(true);
        expect(prepared.quarterTurn).toBe(0);
      },
      TIMEOUT,
    );

    it(
      "finds which side is up after a quarter turn",
      async () => {
        // Turned 90 degrees clockwise, the page needs 270 more: a quarter turn and then 180.
        const clockwise = await prepareImage(await turned(file, 90));
        expect(clockwise.quarterTurn).toBe(90);
        expect(clockwise.turnedUpsideDown).toBe(true);
        const anticlockwise = await prepareImage(await turned(file, 270));
        expect(anticlockwise.quarterTurn).toBe(90);
        expect(anticlockwise.turnedUpsideDown).toBe(false);
      },
      TIMEOUT,
    );
  });

  it(
    "prepares the same pixels from the page turned 0 and 180 degrees",
    async () => {
      const upright = await prepareImage(await turned("tshwane_clean_scan_300dpi.png", 0));
      const upsideDown = await prepareImage(await turned("tshwane_clean_scan_300dpi.png", 180));
      expect(upsideDown.width).toBeCloseTo(upright.width, -1);
      expect(upsideDown.height).toBeCloseTo(upright.height, -1);
      // The top tenth of the page contains the municipality's heading in both.
      const inkInTopTenth = (prepared: typeof upright) => {
        let ink = 0;
        for (let index = 0; index < Math.floor(prepared.height / 10) * prepared.width; index += 1) if ((prepared.pixels[index] ?? 255) < 128) ink += 1;
        return ink / (prepared.width * Math.floor(prepared.height / 10));
      };
      expect(inkInTopTenth(upsideDown)).toBeCloseTo(inkInTopTenth(upright), 2);
    },
    TIMEOUT,
  );
});

describe("measureUpsideDown", () => {
  it("leaves a blank page undecided", () => {
    const width = 400;
    const height = 600;
    const decision = measureUpsideDown(new Uint8Array(width * height).fill(255), width, height, 30);
    expect(decision.orientation).toBe("unknown");
    expect(decision.lines).toBe(0);
  });

  it("leaves a page of solid bars undecided", () => {
    // Bars without ascenders or descenders, such as rules or a barcode, give neither band any ink.
    const width = 400;
    const height = 600;
    const pixels = new Uint8Array(width * height).fill(255);
    for (let y = 0; y < height; y += 1) if (y % 40 < 12) pixels.fill(0, y * width + 20, y * width + 380);
    const decision = measureUpsideDown(pixels, width, height, 30);
    expect(decision.orientation).toBe("unknown");
  });
});
