import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sniffContentType, SNIFF_BYTES } from "./sniff";

const photos = path.resolve(__dirname, "../../test/fixtures/photos");

async function sniffFile(name: string): Promise<string> {
  const bytes = await readFile(path.join(photos, name));
  return sniffContentType(bytes.subarray(0, SNIFF_BYTES));
}

describe("sniffContentType", () => {
  it("identifies fixture photos by magic bytes", async () => {
    expect(await sniffFile("own_pothole_soweto_gps_orientation6.jpg")).toBe("image/jpeg");
    expect(await sniffFile("exifr_IMG_20180725_163423-tiny.jpg")).toBe("image/jpeg");
    expect(await sniffFile("own_no_metadata.png")).toBe("image/png");
  });

  it("reports a text file named .jpg as text", async () => {
    expect(await sniffFile("fake_jpeg_is_text.jpg")).toBe("text/plain");
  });

  it("identifies a PDF header", async () => {
    expect(await sniffContentType(Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"))).toBe("application/pdf");
  });

  it("drops MIME parameters from Ogg Opus", async () => {
    // An Ogg page header whose first packet is an OpusHead.
    const page = Buffer.alloc(64);
    page.write("OggS", 0, "latin1");
    page[4] = 0;
    page[5] = 2;
    page[26] = 1;
    page[27] = 19;
    page.write("OpusHead", 28, "latin1");
    expect(await sniffContentType(page)).toBe("audio/ogg");
  });

  it("reports unknown binary as octet-stream", async () => {
    expect(await sniffContentType(Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x10]))).toBe("application/octet-stream");
  });

  it("keeps text cut inside a multi-byte character", async () => {
    const text = Buffer.from("Zoë's bill – Mthatha");
    const cut = text.subarray(0, text.indexOf(Buffer.from("–")) + 1);
    expect(await sniffContentType(cut)).toBe("text/plain");
  });
});
