import { describe, expect, it } from "vitest";
import { detectHeif } from "./heif";
import { buildFtypBox } from "./testing/ftyp-box";

describe("detectHeif", () => {
  it.each([
    ["heic", ["mif1", "heic"]],
    ["heix", ["mif1", "heix"]],
    ["hevc", ["msf1", "hevc"]],
    ["hevx", ["msf1", "hevx"]],
    ["heim", ["mif1"]],
    ["heis", ["mif1"]],
    ["mif1", ["heic"]],
  ])("classifies %s as HEVC", (major, compatible) => {
    const detection = detectHeif(buildFtypBox(major, compatible));
    expect(detection?.codec).toBe("hevc");
    expect(detection?.majorBrand).toBe(major);
  });

  it("classifies AVIF as AV1", () => {
    const detection = detectHeif(buildFtypBox("avif", ["mif1", "avif", "miaf", "MA1B"]));
    expect(detection?.codec).toBe("av1");
  });

  it("prefers HEVC when both codecs are listed", () => {
    expect(detectHeif(buildFtypBox("avif", ["mif1", "heic"]))?.codec).toBe("hevc");
  });

  it("classifies generic HEIF brands as unknown", () => {
    expect(detectHeif(buildFtypBox("mif1", ["miaf"]))?.codec).toBe("unknown");
    expect(detectHeif(buildFtypBox("msf1", []))?.codec).toBe("unknown");
  });

  it("ignores MP4 and QuickTime", () => {
    expect(detectHeif(buildFtypBox("isom", ["iso2", "avc1", "mp41"]))).toBeNull();
    expect(detectHeif(buildFtypBox("qt  ", ["qt  "]))).toBeNull();
  });

  it("ignores files without an ftyp box", () => {
    expect(detectHeif(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]))).toBeNull();
    expect(detectHeif(Buffer.alloc(0))).toBeNull();
    expect(detectHeif(Buffer.from("ftypheic"))).toBeNull();
  });

  it("reads compatible brands only inside the box", () => {
    const box = buildFtypBox("mp42", ["isom"], Buffer.from("heicheic"));
    expect(detectHeif(box)).toBeNull();
  });

  it("reads a box with a 64-bit size", () => {
    const box = Buffer.alloc(16 + 8 + 8);
    box.writeUInt32BE(1, 0);
    box.write("ftyp", 4, "latin1");
    box.writeBigUInt64BE(BigInt(box.length), 8);
    box.write("mif1", 16, "latin1");
    box.write("heic", 24, "latin1");
    box.write("mif1", 28, "latin1");
    expect(detectHeif(box)).toEqual({ codec: "hevc", majorBrand: "mif1", brands: ["mif1", "heic", "mif1"] });
  });

  it("reads a box that runs to the end of the file", () => {
    const box = buildFtypBox("heic", ["mif1"]);
    box.writeUInt32BE(0, 0);
    expect(detectHeif(box)?.codec).toBe("hevc");
  });

  it("rejects a size smaller than the header", () => {
    const box = buildFtypBox("heic", ["mif1"]);
    box.writeUInt32BE(12, 0);
    expect(detectHeif(box)).toBeNull();
  });
});
