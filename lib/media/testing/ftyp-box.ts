/**
 * Builds an ISO-BMFF `ftyp` box (32-bit size, "ftyp", major brand, minor version 0, compatible
 * brands) followed by `trailing` bytes, the way a HEIF or MP4 file starts.
 */
export function buildFtypBox(majorBrand: string, compatibleBrands: string[], trailing: Buffer = Buffer.alloc(0)): Buffer {
  const brands = [majorBrand, ...compatibleBrands];
  const box = Buffer.alloc(8 + 4 + 4 * brands.length);
  box.writeUInt32BE(box.length, 0);
  box.write("ftyp", 4, "latin1");
  box.write(majorBrand, 8, "latin1");
  box.writeUInt32BE(0, 12);
  compatibleBrands.forEach((brand, index) => box.write(brand, 16 + 4 * index, "latin1"));
  return Buffer.concat([box, trailing]);
}
