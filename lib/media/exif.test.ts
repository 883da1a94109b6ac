import sharp, { type Exif } from "sharp";
import { describe, expect, it } from "vitest";
import { readImageMetadata, type ImageMetadata } from "./exif";
import { loadExpectedPhotos, readPhotoFixture } from "./testing/photo-fixtures";

const SOWETO_GPS = {
  GPSLatitudeRef: "S",
  GPSLatitude: "26/1 14/1 1788/100",
  GPSLongitudeRef: "E",
  GPSLongitude: "27/1 54/1 3204/100",
};

async function jpegWith(exif: Exif): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 24, channels: 3, background: "#5a7d3c" } })
    .jpeg()
    .withExif(exif)
    .toBuffer();
}

// libvips writes GPSAltitudeRef (tag 5, type BYTE, count 1) as 0 whatever string it is given, so
// the test flips the value byte of that entry in the little-endian TIFF block sharp writes.
function setBelowSeaLevel(jpeg: Buffer): void {
  const entry = Buffer.from([0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]);
  const at = jpeg.indexOf(entry);
  if (at < 0 || jpeg.indexOf(entry, at + 1) >= 0) throw new Error("expected exactly one GPSAltitudeRef entry");
  jpeg[at + 8] = 1;
}

async function readOk(bytes: Buffer): Promise<ImageMetadata> {
  const result = await readImageMetadata(bytes);
  if (!result.ok) throw new Error(`expected metadata, got ${result.reason}: ${result.message}`);
  return result.metadata;
}

describe("readImageMetadata fixtures", () => {
  const readable = loadExpectedPhotos().filter((photo) => photo.file !== "fake_jpeg_is_text.jpg");

  it.each(readable.map((photo) => [photo.file, photo] as const))("%s", async (file, expected) => {
    const metadata = await readOk(readPhotoFixture(file));

    expect(metadata.orientation).toBe(expected.orientation ?? 1);
    if (expected.gps) {
      expect(metadata.location).not.toBeNull();
      expect(metadata.location?.latitude).toBeCloseTo(expected.gps.latitude, 6);
      expect(metadata.location?.longitude).toBeCloseTo(expected.gps.longitude, 6);
      expect(metadata.location?.altitudeMeters).toBeCloseTo(expected.gps.altitude_m ?? Number.NaN, 3);
    } else {
      expect(metadata.location).toBeNull();
    }

    if (expected.datetime_original) {
      expect(metadata.captureTime?.localDateTime).toBe(expected.datetime_original.replace(/^(\d+):(\d+):(\d+) /, "$1-$2-$3T"));
      expect(metadata.captureTime?.offsetKnown).toBe(Boolean(expected.offset_time_original));
      expect(metadata.captureTime?.offset).toBe(expected.offset_time_original ?? null);
    } else {
      expect(metadata.captureTime).toBeNull();
    }
    expect(metadata.warnings).toEqual([]);
  });
});

describe("readImageMetadata", () => {
  it("reads GPS and orientation from a truncated JPEG", async () => {
    const metadata = await readOk(readPhotoFixture("truncated.jpg"));
    expect(metadata.orientation).toBe(6);
    expect(metadata.location?.latitude).toBeCloseTo(-26.2383, 6);
    expect(metadata.location?.longitude).toBeCloseTo(27.9089, 6);
  });

  it("places capture time with an offset on the time line", async () => {
    const metadata = await readOk(readPhotoFixture("own_pothole_soweto_gps_orientation6.jpg"));
    expect(metadata.captureTime?.instant?.toISOString()).toBe("2026-11-28T05:42:10.000Z");
  });

  it("leaves capture time without an offset unplaced", async () => {
    const metadata = await readOk(readPhotoFixture("exifr_IMG_20180725_163423-tiny.jpg"));
    expect(metadata.captureTime?.offsetKnown).toBe(false);
    expect(metadata.captureTime?.instant).toBeNull();
  });

  it("applies a negative offset", async () => {
    const bytes = await jpegWith({ IFD2: { DateTimeOriginal: "2026:01:31 22:30:00", OffsetTimeOriginal: "-05:00" } });
    const metadata = await readOk(bytes);
    expect(metadata.captureTime?.instant?.toISOString()).toBe("2026-02-01T03:30:00.000Z");
  });

  it("returns no location for a PNG without metadata", async () => {
    const metadata = await readOk(readPhotoFixture("own_no_metadata.png"));
    expect(metadata.location).toBeNull();
    expect(metadata.captureTime).toBeNull();
    expect(metadata.orientation).toBe(1);
  });

  it("rejects text named .jpg", async () => {
    const result = await readImageMetadata(readPhotoFixture("fake_jpeg_is_text.jpg"));
    expect(result).toMatchObject({ ok: false, reason: "not_an_image" });
  });

  it("rejects an empty file", async () => {
    const result = await readImageMetadata(Buffer.alloc(0));
    expect(result).toMatchObject({ ok: false, reason: "not_an_image" });
  });

  it("ignores a 0,0 position", async () => {
    const bytes = await jpegWith({
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "0/1 0/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "0/1 0/1 0/1" },
    });
    const metadata = await readOk(bytes);
    expect(metadata.location).toBeNull();
    expect(metadata.warnings).toHaveLength(1);
  });

  it("ignores GPS written only in XMP", async () => {
    const xmp =
      '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ' +
      'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="26,14.298S" exif:GPSLongitude="27,54.534E"/>' +
      '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    const bytes = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#5a7d3c" } })
      .jpeg()
      .withXmp(xmp)
      .toBuffer();
    expect((await sharp(bytes).metadata()).xmp).toBeDefined();

    const metadata = await readOk(bytes);
    expect(metadata.location).toBeNull();
  });

  it("ignores a void GPS measurement", async () => {
    const metadata = await readOk(await jpegWith({ IFD3: { ...SOWETO_GPS, GPSStatus: "V" } }));
    expect(metadata.location).toBeNull();
  });

  it("ignores GPS without a hemisphere", async () => {
    const metadata = await readOk(await jpegWith({ IFD3: { GPSLatitude: "26/1 14/1 1788/100", GPSLongitude: "27/1 54/1 3204/100" } }));
    expect(metadata.location).toBeNull();
  });

  it("signs western longitude and altitude below sea level", async () => {
    const bytes = await jpegWith({
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "31/1 30/1 0/1",
        GPSLongitudeRef: "W",
        GPSLongitude: "35/1 30/1 0/1",
        GPSAltitudeRef: "0",
        GPSAltitude: "430/1",
      },
    });
    setBelowSeaLevel(bytes);
    const metadata = await readOk(bytes);
    expect(metadata.location).toEqual({ latitude: 31.5, longitude: -35.5, altitudeMeters: -430 });
  });

  it("returns null altitude when absent", async () => {
    const metadata = await readOk(await jpegWith({ IFD3: SOWETO_GPS }));
    expect(metadata.location?.altitudeMeters).toBeNull();
  });

  it("ignores an invalid capture time", async () => {
    const metadata = await readOk(await jpegWith({ IFD2: { DateTimeOriginal: "2026:02:30 10:00:00" } }));
    expect(metadata.captureTime).toBeNull();
    expect(metadata.warnings[0]).toContain("2026:02:30 10:00:00");
  });

  it("ignores a malformed offset", async () => {
    const metadata = await readOk(await jpegWith({ IFD2: { DateTimeOriginal: "2026:03:01 10:00:00", OffsetTimeOriginal: "GMT+2" } }));
    expect(metadata.captureTime?.localDateTime).toBe("2026-03-01T10:00:00");
    expect(metadata.captureTime?.offsetKnown).toBe(false);
    expect(metadata.captureTime?.instant).toBeNull();
  });

  it("reads EXIF from WebP", async () => {
    const bytes = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#5a7d3c" } })
      .webp()
      .withExif({ IFD3: SOWETO_GPS })
      .withMetadata({ orientation: 8 })
      .toBuffer();
    const metadata = await readOk(bytes);
    expect(metadata.location?.latitude).toBeCloseTo(-26.2383, 6);
    expect(metadata.orientation).toBe(8);
  });

  it("returns empty metadata for a GIF", async () => {
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#ff0000" } }).gif().toBuffer();
    const metadata = await readOk(bytes);
    expect(metadata).toEqual({ location: null, captureTime: null, orientation: 1, warnings: [] });
  });

  it("reports unreadable EXIF in WebP", async () => {
    const bytes = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#5a7d3c" } })
      .webp()
      .withExif({ IFD3: SOWETO_GPS })
      .toBuffer();
    // Break the TIFF byte-order mark ("II") at the start of the EXIF block.
    const tiffStart = bytes.indexOf("II*\0", 0, "latin1");
    expect(tiffStart).toBeGreaterThan(0);
    bytes.write("XX", tiffStart, "latin1");

    const result = await readImageMetadata(bytes);
    expect(result).toMatchObject({ ok: false, reason: "unreadable" });
  });

  it("survives a damaged EXIF segment", async () => {
    const bytes = Buffer.from(readPhotoFixture("own_pothole_soweto_gps_orientation6.jpg"));
    // The TIFF header follows "Exif\0\0" in APP1; point its first IFD far outside the segment.
    const tiffStart = bytes.indexOf("Exif\0\0", 0, "latin1") + 6;
    const bigEndian = bytes.toString("latin1", tiffStart, tiffStart + 2) === "MM";
    if (bigEndian) bytes.writeUInt32BE(0x7ffffff0, tiffStart + 4);
    else bytes.writeUInt32LE(0x7ffffff0, tiffStart + 4);

    const metadata = await readOk(bytes);
    expect(metadata.location).toBeNull();
    expect(metadata.orientation).toBe(1);
    expect(metadata.warnings[0]).toMatch(/^EXIF parse error: /);
  });
});
