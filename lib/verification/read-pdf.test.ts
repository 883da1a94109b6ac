import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentRejectedError, type RejectionReason } from "./document-rejected-error";
import { extractFields } from "./extract-fields";
import { createOcrPool, type OcrPool } from "./ocr-pool";
import { readDocument } from "./read-document";
import { MAX_PAGES_READ, readPdf } from "./read-pdf";
import { buildTestPdf } from "./testing/test-pdf";
import type { DocumentText } from "./types";

const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "proof-of-residence");

let pool: OcrPool;
let poolRequests = 0;
const provider = async () => {
  poolRequests += 1;
  return pool;
};

let scanned: DocumentText;

beforeAll(async () => {
  pool = await createOcrPool({ size: 1 });
  // A scanned statement: the fixture photo of a bill as the only content of a PDF page, no text.
  const jpeg = await sharp(path.join(FIXTURES, "msunduzi_older_than_3_months.jpg")).greyscale().jpeg({ quality: 85 }).toBuffer();
  const { width = 0, height = 0 } = await sharp(jpeg).metadata();
  const pdf = buildTestPdf({ pages: [{ kind: "jpeg", jpeg, width, height, channels: 1 }] });
  scanned = await readPdf(pdf, provider);
}, 180_000);

afterAll(async () => {
  await pool?.close();
});

describe("scanned PDF", () => {
  it("is rendered and read with OCR", () => {
    expect(scanned.source).toBe("ocr");
    expect(scanned.format).toBe("pdf");
    expect(scanned.pageCount).toBe(1);
    expect(scanned.pages).toHaveLength(1);
    expect(scanned.pages[0]?.confidence).toBeGreaterThan(0.8);
    expect(poolRequests).toBeGreaterThanOrEqual(1);
  });

  it("yields the statement's fields", () => {
    const fields = extractFields(scanned);
    expect(fields.accountNumber.value).toBe("10 447 2285");
    expect(fields.statementDate.value).toBe("2026-07-22");
    expect(fields.holderName.value).toBe("PRIYA NAIDOO");
    expect(fields.address.postalCode.value).toBe("3209");
  });
});

describe("text PDF", () => {
  it("reads at most the first pages", async () => {
    const pages = Array.from({ length: 5 }, (_, index) => ({
      kind: "text" as const,
      lines: [`Page ${index + 1} of the statement`, "Account number 5004 8817 3620"],
    }));
    const before = poolRequests;
    const document = await readPdf(buildTestPdf({ pages }), provider);
    expect(document.source).toBe("text_layer");
    expect(document.pageCount).toBe(5);
    expect(document.pages.map((page) => page.pageNumber)).toEqual(Array.from({ length: MAX_PAGES_READ }, (_, index) => index + 1));
    expect(poolRequests).toBe(before);
  });

  it("joins a word split over items", async () => {
    const pdf = buildTestPdf({ pages: [{ kind: "text", lines: [["Acc", "ount num", "ber 5004 ", "8817"]] }] });
    const document = await readPdf(pdf, provider);
    const words = document.pages[0]?.lines.flatMap((line) => line.words.map((word) => word.text)) ?? [];
    expect(words).toEqual(["Account", "number", "5004", "8817"]);
  });

  it("keeps words and positions", async () => {
    const document = await readPdf(buildTestPdf({ pages: [{ kind: "text", lines: ["Statement date (5 November 2026)"] }] }), provider);
    const words = document.pages[0]?.lines.flatMap((line) => line.words) ?? [];
    expect(words.map((word) => word.text)).toEqual(["Statement", "date", "(5", "November", "2026)"]);
    for (const word of words) {
      expect(word.confidence).toBe(1);
      expect(word.box.x1).toBeGreaterThan(word.box.x0);
      expect(word.box.y0).toBeGreaterThan(0);
      expect(word.box.y1).toBeLessThan(200);
    }
  });
});

describe("bad input", () => {
  async function rejectionOf(bytes: Uint8Array): Promise<{ reason: RejectionReason; message: string }> {
    const before = poolRequests;
    const error = await readDocument(bytes, provider).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DocumentRejectedError);
    expect(poolRequests).toBe(before);
    const rejected = error as DocumentRejectedError;
    expect(rejected.code).toBe("invalid_input");
    return { reason: rejected.reason, message: rejected.message };
  }

  it("rejects a corrupt PDF", async () => {
    const corrupt = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(4000, 0x41)]);
    const { reason, message } = await rejectionOf(corrupt);
    expect(reason).toBe("corrupt");
    expect(message).toMatch(/not a readable PDF/);
  });

  it("rejects a truncated PDF", async () => {
    const whole = buildTestPdf({ pages: [{ kind: "text", lines: ["Account number 5004 8817 3620"] }] });
    expect((await rejectionOf(whole.subarray(0, 180))).reason).toBe("corrupt");
  });

  it("rejects a file that is neither", async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 251));
    expect((await rejectionOf(random)).reason).toBe("unsupported_type");
  });

  it("rejects a password-protected PDF", async () => {
    const pdf = buildTestPdf({ pages: [{ kind: "text", lines: ["Account number 5004 8817 3620"] }], encryption: "password" });
    const { reason, message } = await rejectionOf(pdf);
    expect(reason).toBe("encrypted");
    expect(message).toMatch(/password/);
  });

  it("rejects an encrypted PDF that opens without a password", async () => {
    const pdf = buildTestPdf({ pages: [{ kind: "text", lines: ["Account number 5004 8817 3620"] }], encryption: "owner-only" });
    const { reason, message } = await rejectionOf(pdf);
    expect(reason).toBe("encrypted");
    expect(message).toMatch(/encrypted/);
  });

  it("rejects a 40-page PDF", async () => {
    const pages = Array.from({ length: 40 }, (_, index) => ({ kind: "text" as const, lines: [`Page ${index + 1}`] }));
    const { reason, message } = await rejectionOf(buildTestPdf({ pages }));
    expect(reason).toBe("too_many_pages");
    expect(message).toContain("40 pages");
    expect(message).toContain("at most 20");
  });

  it("rejects a PDF without pages", async () => {
    expect((await rejectionOf(buildTestPdf({ pages: [] }))).reason).toBe("empty");
  });

  it("leaves the OCR pool working", async () => {
    const image = await sharp({ create: { width: 700, height: 120, channels: 3, background: "#ffffff" } })
      .composite([
        {
          input: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="700" height="120"><text x="20" y="80" font-size="56" font-family="DejaVu Sans">Account 5004</text></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    expect(pool.usable).toBe(true);
    const result = await pool.recognize(image);
    expect(result.lines.flatMap((line) => line.words.map((word) => word.text)).join(" ")).toContain("5004");
  });
});
