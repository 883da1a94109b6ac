// Recognises HEIF files (HEIC from iPhones and many Android phones, and AVIF) from the ISO Base Media
// File Format `ftyp` box, before any decoder reads them. The prebuilt sharp binaries (0.35, libheif
// 1.23) include an AV1 decoder but no HEVC decoder, so `sharp().metadata()` reads a HEIC file's header
// while decoding its pixels fails. Brand meanings follow ISO/IEC 23008-12 (HEIF) and the AV1 Image
// File Format specification.

/** Codec family of a HEIF file, as far as its brands tell. */
export type HeifCodec = "hevc" | "av1" | "unknown";

export interface HeifDetection {
  codec: HeifCodec;
  /** The `ftyp` major brand, e.g. "heic". */
  majorBrand: string;
  /** Major brand followed by the compatible brands, in file order. */
  brands: string[];
}

// HEVC-coded brands. heic: Main or Main Still Picture profile image items; heix: range-extension
// profiles (10-bit, 4:2:2, 4:4:4); heim: multi-layer (MV-HEVC) images; heis: scalable (SHVC) images;
// hevc, hevx, hevm, hevs: the image-sequence counterparts of those four.
const HEVC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"]);

// AV1-coded brands. avif: AV1 image items; avis: AV1 image sequences.
const AV1_BRANDS = new Set(["avif", "avis"]);

// Brands that mark a HEIF file without naming a codec. mif1 and mif2: the general still-image
// structure; msf1: the general image-sequence structure; miaf: the MIAF profile (ISO/IEC 23000-22).
// avci/avcs (H.264) and jpeg/jpgs (JPEG) are HEIF files with other codecs that phones do not write.
const OTHER_HEIF_BRANDS = new Set(["mif1", "mif2", "msf1", "miaf", "avci", "avcs", "jpeg", "jpgs"]);

const BOX_HEADER_BYTES = 8;
const LARGE_BOX_HEADER_BYTES = 16;

/**
 * Reads the `ftyp` box at the start of `bytes` and classifies the file as HEIF by its brands.
 * Returns null for anything that is not HEIF, including MP4 and QuickTime video, which share the box
 * format but carry other brands. A file that lists an HEVC brand is "hevc" even when it also lists
 * "avif", because its primary image may be either.
 */
export function detectHeif(bytes: Uint8Array): HeifDetection | null {
  const brands = readFtypBrands(bytes);
  if (brands === null) return null;

  const majorBrand = brands[0]!;
  if (brands.some((brand) => HEVC_BRANDS.has(brand))) return { codec: "hevc", majorBrand, brands };
  if (brands.some((brand) => AV1_BRANDS.has(brand))) return { codec: "av1", majorBrand, brands };
  if (brands.some((brand) => OTHER_HEIF_BRANDS.has(brand))) return { codec: "unknown", majorBrand, brands };
  return null;
}

// Box layout: 32-bit big-endian size, 4-character type, then for `ftyp` a major brand, a 32-bit minor
// version and compatible brands of 4 characters each to the end of the box. A size of 1 means a 64-bit
// size follows the type; a size of 0 means the box runs to the end of the file.
function readFtypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < BOX_HEADER_BYTES + 8) return null;
  if (fourCharacterCode(bytes, 4) !== "ftyp") return null;

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size32 = view.getUint32(0);
  let headerBytes = BOX_HEADER_BYTES;
  let boxEnd: number;
  if (size32 === 1) {
    if (bytes.length < LARGE_BOX_HEADER_BYTES + 8) return null;
    headerBytes = LARGE_BOX_HEADER_BYTES;
    boxEnd = Number(view.getBigUint64(8));
  } else if (size32 === 0) {
    boxEnd = bytes.length;
  } else {
    boxEnd = size32;
  }
  if (boxEnd < headerBytes + 8) return null;
  const end = Math.min(boxEnd, bytes.length);

  const majorBrand = fourCharacterCode(bytes, headerBytes);
  if (majorBrand === null) return null;
  const brands = [majorBrand];
  for (let offset = headerBytes + 8; offset + 4 <= end; offset += 4) {
    const brand = fourCharacterCode(bytes, offset);
    if (brand !== null) brands.push(brand);
  }
  return brands;
}

/** Reads four printable ASCII characters at `offset`, or null when any byte is outside that range. */
function fourCharacterCode(bytes: Uint8Array, offset: number): string | null {
  let code = "";
  for (let index = offset; index < offset + 4; index += 1) {
    const byte = bytes[index];
    if (byte === undefined || byte < 0x20 || byte > 0x7e) return null;
    code += String.fromCharCode(byte);
  }
  return code;
}
