import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// Typed access to test/fixtures/photos and its expected.json, which records each file's metadata as
// read with exiftool.

export const PHOTO_FIXTURES_DIR = path.resolve(__dirname, "../../../test/fixtures/photos");

const ExpectedGps = z.object({ latitude: z.number(), longitude: z.number(), altitude_m: z.number().nullable().optional() });

const ExpectedPhoto = z.object({
  file: z.string(),
  valid_image: z.boolean(),
  width: z.number().optional(),
  height: z.number().optional(),
  orientation: z.number().int().min(1).max(8).nullable().optional(),
  display_width: z.number().optional(),
  display_height: z.number().optional(),
  gps: ExpectedGps.nullable().optional(),
  datetime_original: z.string().nullable().optional(),
  offset_time_original: z.string().nullable().optional(),
});
export type ExpectedPhoto = z.infer<typeof ExpectedPhoto>;

const ExpectedFile = z.object({ files: z.array(ExpectedPhoto).min(1) });

export function loadExpectedPhotos(): ExpectedPhoto[] {
  const text = readFileSync(path.join(PHOTO_FIXTURES_DIR, "expected.json"), "utf8");
  return ExpectedFile.parse(JSON.parse(text)).files;
}

export function readPhotoFixture(file: string): Buffer {
  return readFileSync(path.join(PHOTO_FIXTURES_DIR, file));
}
