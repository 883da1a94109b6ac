import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readPhotoLocation, toPhotoLocation } from "./photo-location";
import { loadExpectedPhotos, readPhotoFixture } from "./testing/photo-fixtures";

describe("readPhotoLocation", () => {
  it.each(loadExpectedPhotos().map((photo) => [photo.file, photo] as const))("reads %s", async (file, expected) => {
    const location = await readPhotoLocation(new Blob([new Uint8Array(readPhotoFixture(file))]));
    if (expected.gps) {
      expect(location?.latitude).toBeCloseTo(expected.gps.latitude, 6);
      expect(location?.longitude).toBeCloseTo(expected.gps.longitude, 6);
    } else {
      expect(location).toBeNull();
    }
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
    expect(await readPhotoLocation(new Blob([new Uint8Array(bytes)]))).toBeNull();
  });

  it("returns null for an empty file", async () => {
    expect(await readPhotoLocation(new Blob([]))).toBeNull();
  });
});

describe("toPhotoLocation", () => {
  it("accepts a valid position", () => {
    expect(toPhotoLocation({ latitude: -26.2383, longitude: 27.9089 })).toEqual({ latitude: -26.2383, longitude: 27.9089 });
  });

  it("rejects 0,0 and out-of-range values", () => {
    expect(toPhotoLocation({ latitude: 0, longitude: 0 })).toBeNull();
    expect(toPhotoLocation({ latitude: 91, longitude: 27 })).toBeNull();
    expect(toPhotoLocation({ latitude: -26, longitude: 181 })).toBeNull();
    expect(toPhotoLocation({ latitude: Number.NaN, longitude: 27 })).toBeNull();
    expect(toPhotoLocation({ latitude: "-26", longitude: 27 })).toBeNull();
    expect(toPhotoLocation(undefined)).toBeNull();
  });
});
