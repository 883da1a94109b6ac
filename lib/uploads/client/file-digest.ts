// Browser side of the pinned checksum: the uploader declares the file's SHA-256 in its intent, the
// policy pins it, and storage rejects any other body. Pure module: no Node imports.

/**
 * Computes a file's SHA-256 as lower-case hex with Web Crypto. Returns null when the page has no
 * Web Crypto, which browsers offer only in a secure context (HTTPS, or http://localhost); the server
 * then hashes the stored object itself. Reads the whole file into memory, which browsers manage at
 * the 50 MB upload limit.
 */
export async function computeFileSha256(file: Blob): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest("SHA-256", await file.arrayBuffer()));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
