import { DocumentRejectedError } from "./document-rejected-error";
import { assertReadableImage } from "./prepare-image";
import { readImage } from "./read-image";
import { looksLikePdf, readPdf, type OcrPoolProvider } from "./read-pdf";
import type { DocumentText } from "./types";

/**
 * Reads the text of an uploaded bill: a PDF through its text layer or OCR of its first pages, an image
 * (JPEG, PNG, WebP, TIFF) through OCR. The type comes from the file's first bytes, never its name.
 * Throws DocumentRejectedError for empty, unsupported, corrupt, encrypted and oversized files.
 */
export async function readDocument(input: Uint8Array, ocr: OcrPoolProvider): Promise<DocumentText> {
  if (input.byteLength === 0) {
    throw new DocumentRejectedError("empty", "The file is empty. Upload a photo, scan or PDF of the bill.");
  }
  if (looksLikePdf(input)) return readPdf(input, ocr);

  const image = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  await assertReadableImage(image);
  const reading = await readImage(image, await ocr());
  return { source: "ocr", format: "image", pageCount: 1, pages: [reading.page] };
}
