// Reads a PDF statement with pdf.js: a born-digital PDF through its text layer (no OCR), a scanned
// PDF by rendering its first pages to images and reading those with OCR.

import path from "node:path";
import { AppError } from "@/lib/errors";
import { DocumentRejectedError } from "./document-rejected-error";
import type { OcrPool } from "./ocr-pool";
import { readImage } from "./read-image";
import { resolvePackageFile } from "./resolve-package-file";
import type { DocumentText, PageText, TextLine, TextWord } from "./types";

/** Longer PDFs are rejected: a bill is a few pages, and every page costs parsing time. */
export const MAX_PDF_PAGES = 20;

/** Pages read; a statement's holder, address and date are on its first page. */
export const MAX_PAGES_READ = 3;

/** A page with fewer non-space characters than this in its text layer is treated as a scan. */
const MIN_TEXT_LAYER_CHARACTERS = 20;

/** Scanned pages are rendered at 300 dpi (PDF units are 1/72 inch), within this many pixels. */
const RENDER_DPI = 300;
const MAX_RENDER_PIXELS = 36_000_000;

/** Images inside the PDF larger than this many pixels are not decoded (pdf.js's maxImageSize). */
const MAX_EMBEDDED_IMAGE_PIXELS = 50_000_000;

/** Returns an OCR pool; called only when a page has no text layer, so text PDFs never start one. */
export type OcrPoolProvider = () => Promise<OcrPool>;

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type PdfDocument = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

// pdf.js loads fonts, colour profiles and WebAssembly decoders (JPEG 2000 and JBIG2, common in scans)
// from these folders. In Node the "URLs" are file paths, and each must end with a separator.
function pdfJsDataPaths(): { standardFontDataUrl: string; wasmUrl: string; cMapUrl: string; iccUrl: string } {
  const root = path.dirname(resolvePackageFile("pdfjs-dist/package.json"));
  const folder = (name: string) => path.join(root, name) + path.sep;
  return { standardFontDataUrl: folder("standard_fonts"), wasmUrl: folder("wasm"), cMapUrl: folder("cmaps"), iccUrl: folder("iccs") };
}

/** Whether the bytes are a PDF: the "%PDF-" header must appear in the first kilobyte. */
export function looksLikePdf(input: Uint8Array): boolean {
  const head = Buffer.from(input.subarray(0, 1024)).toString("latin1");
  return head.includes("%PDF-");
}

/**
 * Reads up to MAX_PAGES_READ pages. Rejects (DocumentRejectedError) an encrypted PDF, one of more than
 * MAX_PDF_PAGES pages, one without pages and one pdf.js cannot parse.
 *
 * NOTE: in Node, pdf.js parses on the calling thread (its "fake worker"). A PDF crafted to make the
 * parser loop would block that thread, because the page and pixel limits bound only the normal cost.
 */
export async function readPdf(input: Uint8Array, ocr: OcrPoolProvider): Promise<DocumentText> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await openPdf(pdfjs, input);
  try {
    await assertNotEncrypted(document);
    const pageCount = document.numPages;
    if (pageCount > MAX_PDF_PAGES) {
      throw new DocumentRejectedError(
        "too_many_pages",
        `The PDF has ${pageCount} pages; at most ${MAX_PDF_PAGES} are accepted. Upload only the pages of the bill.`,
      );
    }
    if (pageCount === 0) throw new DocumentRejectedError("empty", "The PDF has no pages. Upload the bill again.");

    const pages: PageText[] = [];
    let usedOcr = false;
    for (let pageNumber = 1; pageNumber <= Math.min(pageCount, MAX_PAGES_READ); pageNumber += 1) {
      const page = await document.getPage(pageNumber);
      try {
        const text = await readTextLayer(pdfjs, page, pageNumber);
        if (countCharacters(text) >= MIN_TEXT_LAYER_CHARACTERS) {
          pages.push(text);
        } else {
          pages.push(await ocrPage(document, page, pageNumber, ocr));
          usedOcr = true;
        }
      } finally {
        page.cleanup();
      }
    }
    return { source: usedOcr ? "ocr" : "text_layer", format: "pdf", pageCount, pages };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new DocumentRejectedError(
      "corrupt",
      "The PDF could not be read; it may be damaged. Save or export it again and upload the new file.",
      { cause: error },
    );
  } finally {
    await document.destroy();
  }
}

async function openPdf(pdfjs: PdfJs, input: Uint8Array): Promise<PdfDocument> {
  const task = pdfjs.getDocument({
    // pdf.js may take ownership of the buffer it is given, so it gets a copy.
    data: new Uint8Array(input),
    ...pdfJsDataPaths(),
    // Font programs are never compiled to JavaScript (the pdf.js font-eval hole, CVE-2024-4367).
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    maxImageSize: MAX_EMBEDDED_IMAGE_PIXELS,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy();
    const name = error instanceof Error ? error.name : "";
    if (name === "PasswordException") {
      throw new DocumentRejectedError(
        "encrypted",
        "The PDF is protected with a password. Upload a copy without a password, for example by printing it to a new PDF.",
        { cause: error },
      );
    }
    throw new DocumentRejectedError(
      "corrupt",
      "The file is not a readable PDF; it may be damaged or incomplete. Save or export it again and upload the new file.",
      { cause: error },
    );
  }
}

// pdf.js opens a PDF whose user password is empty without asking, but such a file is still encrypted
// (its owner may forbid copying), and encrypted uploads are not accepted.
// NOTE: some municipalities send e-statements with only such an owner password. Accepting them would
// need only this check removed, because pdf.js reads their text without a password.
async function assertNotEncrypted(document: PdfDocument): Promise<void> {
  const { info } = await document.getMetadata();
  const filter = (info as { EncryptFilterName?: string | null }).EncryptFilterName ?? null;
  const permissions = await document.getPermissions();
  if (filter !== null || permissions !== null) {
    throw new DocumentRejectedError(
      "encrypted",
      "The PDF is encrypted. Upload a copy without protection, for example by printing it to a new PDF.",
    );
  }
}

async function readTextLayer(pdfjs: PdfJs, page: PdfPage, pageNumber: number): Promise<PageText> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const lines: TextLine[] = [];
  let previous: { line: TextLine; endX: number; baseline: number; open: boolean } | null = null;
  for (const item of content.items) {
    if (!("str" in item)) continue;
    if (item.str.trim() === "") {
      if (previous) previous.open = false;
      continue;
    }
    // The item's matrix in page space, origin top left (it includes /Rotate and the crop box).
    const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = pdfjs.Util.transform(viewport.transform, item.transform);
    const fontHeight = Math.hypot(c, d) || Math.hypot(a, b);
    const width = item.width * (viewport.scale ?? 1);
    const box = { x0: x, y0: y - 0.8 * fontHeight, x1: x + width, y1: y + 0.2 * fontHeight };
    const words = splitIntoWords(item.str, x, width, box.y0, box.y1);
    if (words.length === 0) continue;

    // Some PDF producers split one word over several items (kerning, font changes). An item that
    // starts where the last one ended, on the same baseline, continues its last word.
    const continues =
      previous !== null &&
      previous.open &&
      !/^\s/.test(item.str) &&
      Math.abs(y - previous.baseline) < 0.2 * fontHeight &&
      Math.abs(x - previous.endX) < 0.15 * fontHeight;
    if (previous && continues) {
      const last = previous.line.words[previous.line.words.length - 1];
      const [first, ...rest] = words;
      if (last && first) {
        last.text += first.text;
        last.box = { ...last.box, x1: first.box.x1 };
      }
      previous.line.words.push(...rest);
      previous.line.box = { ...previous.line.box, x1: box.x1 };
    } else {
      const line = { words, box };
      lines.push(line);
      previous = { line, endX: box.x1, baseline: y, open: true };
    }
    if (previous) {
      previous.endX = box.x1;
      previous.open = !/\s$/.test(item.str);
    }
  }
  return { pageNumber, width: viewport.width, height: viewport.height, lines, confidence: 1 };
}

// A text item is a run of characters in one font. Words get x positions in proportion to their
// character offsets, which is close enough for finding columns.
function splitIntoWords(text: string, x: number, width: number, top: number, bottom: number): TextWord[] {
  const perCharacter = text.length > 0 ? width / text.length : 0;
  return [...text.matchAll(/\S+/g)].map((match) => ({
    text: match[0],
    confidence: 1,
    box: { x0: x + match.index * perCharacter, y0: top, x1: x + (match.index + match[0].length) * perCharacter, y1: bottom },
  }));
}

function countCharacters(page: PageText): number {
  return page.lines.reduce((sum, line) => sum + line.words.reduce((total, word) => total + word.text.length, 0), 0);
}

async function ocrPage(document: PdfDocument, page: PdfPage, pageNumber: number, ocr: OcrPoolProvider): Promise<PageText> {
  const png = await renderPage(document, page);
  const reading = await readImage(png, await ocr(), pageNumber);
  return reading.page;
}

interface NodeCanvas {
  toBuffer(type: "image/png"): Buffer;
}

interface CanvasAndContext {
  canvas: NodeCanvas | null;
  context: unknown;
}

interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(canvasAndContext: CanvasAndContext): void;
}

async function renderPage(document: PdfDocument, page: PdfPage): Promise<Buffer> {
  const unscaled = page.getViewport({ scale: 1 });
  const scale = Math.min(RENDER_DPI / 72, Math.sqrt(MAX_RENDER_PIXELS / (unscaled.width * unscaled.height)));
  const viewport = page.getViewport({ scale });
  // In Node, pdf.js draws on @napi-rs/canvas, an optional dependency of pdfjs-dist.
  const factory = document.canvasFactory as CanvasFactory;
  let target: CanvasAndContext;
  try {
    target = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  } catch (error) {
    throw new AppError("unavailable", "Scanned PDFs cannot be rendered because @napi-rs/canvas is not installed; run npm ci", {
      cause: error,
    });
  }
  try {
    await page.render({
      canvas: null,
      canvasContext: target.context as CanvasRenderingContext2D,
      viewport,
      background: "#ffffff",
    }).promise;
    if (!target.canvas) throw new Error("pdf.js returned no canvas");
    return target.canvas.toBuffer("image/png");
  } finally {
    factory.destroy(target);
  }
}
