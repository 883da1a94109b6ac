import { parseCheckContext, runResidenceChecks, type CheckContext } from "./checks";
import { extractFields } from "./extract-fields";
import { pageToText } from "./layout";
import { readDocument } from "./read-document";
import type { OcrPoolProvider } from "./read-pdf";
import type { DocumentText, ExtractedFields, ResidenceChecks, TextSource } from "./types";

export interface ProofOfResidenceReading {
  source: TextSource;
  format: DocumentText["format"];
  pageCount: number;
  pagesRead: number;
  /** 0..1; mean OCR confidence over the pages read (1 for a text layer). */
  textConfidence: number;
  /** The text of the pages read, pages separated by a form feed. */
  text: string;
  fields: ExtractedFields;
  checks: ResidenceChecks;
  durationMs: number;
}

/**
 * Reads an uploaded bill, extracts its fields and runs the residence checks. `context.uploadedAt` is
 * the upload time, never the current time, so reading a stored upload again gives the same result.
 * Throws DocumentRejectedError for a file that cannot be processed at all.
 */
export async function readProofOfResidence(
  input: Uint8Array,
  context: CheckContext,
  ocr: OcrPoolProvider,
): Promise<ProofOfResidenceReading> {
  const started = performance.now();
  parseCheckContext(context);
  const document = await readDocument(input, ocr);
  const fields = extractFields(document);
  const checks = runResidenceChecks(fields, context);
  const confidences = document.pages.map((page) => page.confidence);
  return {
    source: document.source,
    format: document.format,
    pageCount: document.pageCount,
    pagesRead: document.pages.length,
    textConfidence: Math.round((confidences.reduce((sum, value) => sum + value, 0) / Math.max(1, confidences.length)) * 100) / 100,
    text: document.pages.map(pageToText).join("\n\f\n"),
    fields,
    checks,
    durationMs: Math.round(performance.now() - started),
  };
}
