import type { UploadPurpose } from "@/lib/uploads/limits";

// Object keys are chosen by the server: `{tenantId}/{purpose}/{yyyy}/{mm}/{fileId}`. The resident's
// file name never reaches a key, so it cannot steer a path or collide with another upload. The
// tenant id is used rather than the slug because a municipality's slug may be renamed.

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Suffix appended to an original's key for each image derivative, which lives in the same bucket. */
export const DERIVATIVE_KEY_SUFFIXES = { display: ".display.jpg", thumbnail: ".thumb.jpg" } as const;
export type DerivativeVariant = keyof typeof DERIVATIVE_KEY_SUFFIXES;

const OBJECT_KEY_PATTERN = new RegExp(
  `^${UUID}/(evidence|proof_of_residence)/\\d{4}/(0[1-9]|1[0-2])/${UUID}(\\.display\\.jpg|\\.thumb\\.jpg)?$`,
);

export function buildObjectKey(input: { tenantId: string; purpose: UploadPurpose; fileId: string; now: Date }): string {
  const year = String(input.now.getUTCFullYear());
  const month = String(input.now.getUTCMonth() + 1).padStart(2, "0");
  const key = `${input.tenantId}/${input.purpose}/${year}/${month}/${input.fileId}`;
  if (!isObjectKey(key)) throw new Error(`buildObjectKey: tenant id and file id must be lower-case UUIDs, got ${JSON.stringify(key)}`);
  return key;
}

/** Builds the key of an original's display image or thumbnail: the original's key plus a fixed suffix. */
export function buildDerivativeKey(originalKey: string, variant: DerivativeVariant): string {
  const key = `${originalKey}${DERIVATIVE_KEY_SUFFIXES[variant]}`;
  if (!isObjectKey(key)) throw new Error(`buildDerivativeKey: ${JSON.stringify(originalKey)} is not an original's object key`);
  return key;
}

/**
 * True for keys `buildObjectKey` and `buildDerivativeKey` can produce; the local driver rejects
 * anything else as a path.
 */
export function isObjectKey(key: string): boolean {
  return OBJECT_KEY_PATTERN.test(key);
}
