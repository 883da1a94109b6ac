// Types for exifr's "mini" browser build (JPEG and TIFF, EXIF and GPS only), which the package's
// own declarations do not cover. Its gps() has the same signature as the full build's.
declare module "exifr/dist/mini.esm.mjs" {
  export { gps } from "exifr";
}
