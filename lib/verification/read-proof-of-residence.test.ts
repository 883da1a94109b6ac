// Reads every fixture bill once (OCR is slow) and compares the result with the ground truth beside it.

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckContext } from "./checks";
import { COMPARED_FIELDS, compareWithGroundTruth, GroundTruth } from "./ground-truth";
import { createOcrPool, type OcrPool } from "./ocr-pool";
import { readProofOfResidence, type ProofOfResidenceReading } from "./read-proof-of-residence";
import type { CheckStatus } from "./types";

const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "proof-of-residence");
/** The day the fixtures were made; staleness is judged against it, never against the clock. */
const REFERENCE_DATE = "2026-12-04";

interface Case {
  file: string;
  context: CheckContext;
  checks: { statementDate: CheckStatus; holderName: CheckStatus; address: CheckStatus };
}

const CASES: Case[] = [
  {
    file: "tshwane_clean_scan_300dpi.png",
    context: { tenantSlug: "tshwane", residentName: "Sipho Mahlangu", uploadedAt: REFERENCE_DATE },
    checks: { statementDate: "passed", holderName: "passed", address: "passed" },
  },
  {
    file: "johannesburg_phone_photo.jpg",
    context: { tenantSlug: "johannesburg", tenantMunicipality: "City of Johannesburg", residentName: "Z. Khumalo", uploadedAt: REFERENCE_DATE },
    checks: { statementDate: "passed", holderName: "passed", address: "passed" },
  },
  {
    file: "msunduzi_older_than_3_months.jpg",
    context: { tenantSlug: "msunduzi", residentName: "Priya Naidoo", uploadedAt: REFERENCE_DATE },
    checks: { statementDate: "failed", holderName: "passed", address: "passed" },
  },
  {
    file: "ekurhuleni_text_statement.pdf",
    context: { tenantSlug: "ekurhuleni", tenantMunicipality: "City of Ekurhuleni", residentName: "Kagiso Molefe", uploadedAt: REFERENCE_DATE },
    checks: { statementDate: "passed", holderName: "passed", address: "passed" },
  },
  {
    file: "receipt_not_a_bill.jpg",
    context: { tenantSlug: "tshwane", residentName: "Thandi Mokoena", uploadedAt: REFERENCE_DATE },
    checks: { statementDate: "unknown", holderName: "unknown", address: "unknown" },
  },
];

interface Result {
  reading: ProofOfResidenceReading;
  truth: GroundTruth;
  /** Times the reader asked for the OCR pool, and images it sent to OCR. */
  poolRequests: number;
  recognitions: number;
}

let pool: OcrPool;
const results = new Map<string, Result>();

function result(file: string): Result {
  const found = results.get(file);
  if (!found) throw new Error(`${file} was not read in beforeAll`);
  return found;
}

beforeAll(async () => {
  pool = await createOcrPool({ size: 1 });
  for (const testCase of CASES) {
    const base = testCase.file.replace(/\.[a-z]+$/, "");
    const truth = GroundTruth.parse(JSON.parse(await readFile(path.join(FIXTURES, `${base}.json`), "utf8")));
    const bytes = await readFile(path.join(FIXTURES, testCase.file));
    const counts = { poolRequests: 0, recognitions: 0 };
    const counting: OcrPool = {
      size: pool.size,
      get usable() {
        return pool.usable;
      },
      close: () => pool.close(),
      recognize: (image) => {
        counts.recognitions += 1;
        return pool.recognize(image);
      },
    };
    const reading = await readProofOfResidence(bytes, testCase.context, async () => {
      counts.poolRequests += 1;
      return counting;
    });
    results.set(testCase.file, { reading, truth, ...counts });
  }
}, 300_000);

afterAll(async () => {
  await pool?.close();
});

describe("fixtures", () => {
  it("cover every document in the folder", async () => {
    const documents = (await readdir(FIXTURES)).filter((name) => /\.(pdf|png|jpe?g)$/i.test(name));
    expect(documents.sort()).toEqual(CASES.map((testCase) => testCase.file).sort());
  });
});

describe.each(CASES)("$file", (testCase) => {
  it.each(COMPARED_FIELDS)("reads %s", (field) => {
    const { reading, truth } = result(testCase.file);
    const comparison = compareWithGroundTruth(reading.fields, truth)[field];
    const message = `expected ${JSON.stringify(comparison.expected)}, read ${JSON.stringify(comparison.actual)}`;
    expect(comparison.correct, message).toBe(true);
    if (comparison.expected !== null) expect(comparison.confidence).toBeGreaterThanOrEqual(0.5);
    else expect(comparison.confidence).toBe(0);
  });

  it("checks as expected", () => {
    const { checks } = result(testCase.file).reading;
    expect({
      statementDate: checks.statementDate.status,
      holderName: checks.holderName.status,
      address: checks.address.status,
    }).toEqual(testCase.checks);
    for (const check of Object.values(checks)) expect(check.reason.length).toBeGreaterThan(10);
  });
});

describe("text-layer PDF", () => {
  it("is read without OCR", () => {
    const { reading, poolRequests, recognitions } = result("ekurhuleni_text_statement.pdf");
    expect(reading.source).toBe("text_layer");
    expect(reading.format).toBe("pdf");
    expect(poolRequests).toBe(0);
    expect(recognitions).toBe(0);
    expect(reading.textConfidence).toBe(1);
    expect(reading.text).toContain("16 Mopane Street, Primrose, Germiston, 1401");
  });
});

describe("images", () => {
  it.each(["tshwane_clean_scan_300dpi.png", "johannesburg_phone_photo.jpg", "msunduzi_older_than_3_months.jpg", "receipt_not_a_bill.jpg"])(
    "%s is read with OCR",
    (file) => {
      const { reading, recognitions } = result(file);
      expect(reading.source).toBe("ocr");
      expect(reading.format).toBe("image");
      expect(recognitions).toBeGreaterThanOrEqual(1);
      expect(reading.textConfidence).toBeGreaterThan(0.7);
    },
  );
});

describe("phone photo turned upside down", () => {
  it(
    "is read right way up with one recognition",
    async () => {
      const file = "johannesburg_phone_photo.jpg";
      const testCase = CASES.find((candidate) => candidate.file === file)!;
      const upsideDown = await sharp(await readFile(path.join(FIXTURES, file))).rotate(180).jpeg({ quality: 95 }).toBuffer();
      let recognitions = 0;
      const counting: OcrPool = {
        size: pool.size,
        get usable() {
          return pool.usable;
        },
        close: () => pool.close(),
        recognize: (image) => {
          recognitions += 1;
          return pool.recognize(image);
        },
      };
      const reading = await readProofOfResidence(upsideDown, testCase.context, async () => counting);
      expect(recognitions).toBe(1);
      const comparison = compareWithGroundTruth(reading.fields, result(file).truth);
      for (const field of COMPARED_FIELDS) {
        const message = `${field}: expected ${JSON.stringify(comparison[field].expected)}, read ${JSON.stringify(comparison[field].actual)}`;
        expect(comparison[field].correct, message).toBe(true);
      }
    },
    60_000,
  );
});

describe("stale statement", () => {
  it("fails on the date alone", () => {
    const { reading } = result("msunduzi_older_than_3_months.jpg");
    expect(reading.checks.statementDate.reason).toContain("2026-07-22");
    expect(reading.checks.statementDate.reason).toContain("2026-09-04");
  });
});

describe("till slip", () => {
  it("stays for manual review", () => {
    const { reading } = result("receipt_not_a_bill.jpg");
    expect(reading.fields.documentKind).toBe("unrecognised");
    expect(Object.values(reading.checks).every((check) => check.status === "unknown")).toBe(true);
    // It was read, just not as a bill.
    expect(reading.text).toMatch(/TAX INVOICE/);
  });
});
