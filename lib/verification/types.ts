// Shapes shared by the proof-of-residence reader: the text of a document with word positions, the
// fields extracted from it, and the residence checks run on those fields.

/** Axis-aligned rectangle in page pixels (or PDF points for a text layer), origin at the top left. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface TextWord {
  text: string;
  /** 0..1; tesseract's word confidence divided by 100, or 1 for a PDF text layer. */
  confidence: number;
  box: Box;
}

/** A run of words on one baseline, as the OCR engine or the PDF text layer grouped them. */
export interface TextLine {
  words: TextWord[];
  box: Box;
}

export interface PageText {
  /** 1-based page number in the source document. */
  pageNumber: number;
  width: number;
  height: number;
  lines: TextLine[];
  /** 0..1; mean word confidence of the page (1 for a text layer). */
  confidence: number;
}

/** Source of the text: a PDF's own text layer, or OCR of an image or a rendered PDF page. */
export type TextSource = "text_layer" | "ocr";

export interface DocumentText {
  source: TextSource;
  /** "image" or "pdf", as detected from the file's first bytes. */
  format: "image" | "pdf";
  /** Pages in the document (1 for an image). */
  pageCount: number;
  /** The pages that were read, at most MAX_PAGES_READ of them. */
  pages: PageText[];
}

/** A value read from the document with how sure the reader is of it. */
export interface FieldReading<T> {
  value: T | null;
  /** 0..1; 0 whenever value is null. */
  confidence: number;
}

export interface AddressReading {
  streetNumber: FieldReading<string>;
  street: FieldReading<string>;
  suburb: FieldReading<string>;
  city: FieldReading<string>;
  /** Four digits, leading zeros kept ("0002"). */
  postalCode: FieldReading<string>;
}

/**
 * "municipal_account" when the page carries enough of a municipal statement's labels or a known
 * municipality's name; "unrecognised" otherwise, in which case every field is null.
 */
export type DocumentKind = "municipal_account" | "unrecognised";

export interface ExtractedFields {
  documentKind: DocumentKind;
  /** The account holder exactly as printed, without a title ("SIPHO DANIEL MAHLANGU"). */
  holderName: FieldReading<string>;
  /** As printed, spaces and hyphens kept ("5004 8817 3620"). */
  accountNumber: FieldReading<string>;
  /** Canonical name when the municipality is known ("City of Tshwane"), else as printed. */
  municipality: FieldReading<string>;
  /** ISO calendar date, YYYY-MM-DD. */
  statementDate: FieldReading<string>;
  /** The property (service) address, or the postal address block when no service address is printed. */
  address: AddressReading;
}

export type CheckStatus = "passed" | "failed" | "unknown";

export interface CheckResult {
  status: CheckStatus;
  /** One sentence for the staff reviewer, naming the values compared. */
  reason: string;
}

export interface ResidenceChecks {
  statementDate: CheckResult;
  holderName: CheckResult;
  address: CheckResult;
}
