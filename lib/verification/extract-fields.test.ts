import { describe, expect, it } from "vitest";
import { extractFields, parseAccountNumber, parseAddressLine, parseName } from "./extract-fields";
import { buildRows, pageToText } from "./layout";
import type { DocumentText, PageText, TextLine } from "./types";

// A page laid out like a statement: each row is a list of segments, and each segment a column
// position (in character cells) and its text. Words are 20 px wide per character and 30 px tall, so
// the single spaces inside a segment are narrow and the gaps between columns wide.
type Row = [column: number, text: string][];

const CELL = 20;
const ROW_HEIGHT = 50;

function page(rows: Row[], confidence = 0.95): PageText {
  const lines: TextLine[] = [];
  rows.forEach((row, rowIndex) => {
    for (const [column, text] of row) {
      let x = column * CELL;
      const y0 = 100 + rowIndex * ROW_HEIGHT;
      const words = text.split(" ").map((word) => {
        const box = { x0: x, y0, x1: x + word.length * CELL * 0.6, y1: y0 + 30 };
        x += (word.length + 1) * CELL * 0.6;
        return { text: word, confidence, box };
      });
      lines.push({ words, box: { x0: column * CELL, y0, x1: x, y1: y0 + 30 } });
    }
  });
  return { pageNumber: 1, width: 2480, height: 3508, lines, confidence };
}

function document(rows: Row[], confidence = 0.95): DocumentText {
  return { source: "ocr", format: "image", pageCount: 1, pages: [page(rows, confidence)] };
}

const STATEMENT: Row[] = [
  [[8, "CITY OF TSHWANE"]],
  [[8, "Revenue Management - Customer Accounts"]],
  [[60, "TAX INVOICE / STATEMENT OF ACCOUNT"]],
  [[2, "MR S D MAHLANGU"], [60, "Account number"], [90, "5004 8817 3620"]],
  [[2, "47 BOEKENHOUT STREET"]],
  [[2, "SUNNYSIDE"], [60, "Statement date"], [88, "18 November 2026"]],
  [[2, "PRETORIA"], [60, "Due date"], [88, "15 December 2026"]],
  [[2, "0002"]],
  [[60, "Previous statement"], [88, "19 October 2026"]],
  [[60, "Account holder"], [85, "SIPHO DANIEL MAHLANGU"]],
  [[2, "PROPERTY / SERVICE ADDRESS"]],
  [[2, "47 Boekenhout Street, Sunnyside, Pretoria, 0002"]],
  [[2, "Payment received 2026-10-30 - thank you"], [90, "R -3 011.90"]],
  [[2, "Account 5004 8817 3620 Amount due R 3477.46 Pay by 15 December 2026"]],
];

describe("extractFields", () => {
  it("reads a statement", () => {
    const fields = extractFields(document(STATEMENT));
    expect(fields.documentKind).toBe("municipal_account");
    expect(fields.holderName.value).toBe("SIPHO DANIEL MAHLANGU");
    expect(fields.accountNumber.value).toBe("5004 8817 3620");
    expect(fields.municipality.value).toBe("City of Tshwane");
    expect(fields.statementDate.value).toBe("2026-11-18");
    expect(fields.address.streetNumber.value).toBe("47");
    expect(fields.address.street.value).toBe("Boekenhout Street");
    expect(fields.address.suburb.value).toBe("Sunnyside");
    expect(fields.address.city.value).toBe("Pretoria");
    expect(fields.address.postalCode.value).toBe("0002");
  });

  it("gives confidences between 0 and 1", () => {
    const fields = extractFields(document(STATEMENT));
    const readings = [fields.holderName, fields.accountNumber, fields.municipality, fields.statementDate, ...Object.values(fields.address)];
    for (const reading of readings) {
      expect(reading.confidence).toBeGreaterThan(0.5);
      expect(reading.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("scales confidence with OCR confidence", () => {
    const clear = extractFields(document(STATEMENT, 0.95));
    const unclear = extractFields(document(STATEMENT, 0.4));
    expect(unclear.statementDate.value).toBe("2026-11-18");
    expect(unclear.statementDate.confidence).toBeLessThan(clear.statementDate.confidence);
    expect(unclear.statementDate.confidence).toBeLessThan(0.5);
  });

  it("skips due and previous dates", () => {
    const rows: Row[] = [
      [[2, "CITY OF TSHWANE"]],
      [[60, "Due date"], [88, "15 December 2026"]],
      [[60, "Previous statement"], [88, "19 October 2026"]],
      [[60, "Statement date"], [88, "2026/11/05"]],
    ];
    expect(extractFields(document(rows)).statementDate.value).toBe("2026-11-05");
  });

  it("reads a value printed below its label", () => {
    const rows: Row[] = [
      [[2, "CITY OF JOHANNESBURG"]],
      [[60, "Statement Date"]],
      [[60, "05/11/2026"]],
      [[2, "Service address"]],
      [[2, "23 Tambotie Road, Melville, Johannesburg, 2092"]],
    ];
    const fields = extractFields(document(rows));
    expect(fields.statementDate.value).toBe("2026-11-05");
    expect(fields.address.suburb.value).toBe("Melville");
    expect(fields.address.postalCode.value).toBe("2092");
  });

  it("reads Afrikaans labels and months", () => {
    const rows: Row[] = [
      [[2, "STAD TSHWANE"]],
      [[60, "Rekeningnommer:"], [88, "5004-8817-3620"]],
      [[60, "Staatdatum:"], [88, "5 Desember 2026"]],
      [[60, "Rekeninghouer:"], [88, "MNR S D MAHLANGU"]],
      [[2, "Diensadres"]],
      [[2, "47 Boekenhoutstraat, Sunnyside, Pretoria, 0002"]],
    ];
    const fields = extractFields(document(rows));
    expect(fields.municipality.value).toBe("City of Tshwane");
    expect(fields.accountNumber.value).toBe("5004-8817-3620");
    expect(fields.statementDate.value).toBe("2026-12-05");
    expect(fields.holderName.value).toBe("S D MAHLANGU");
    expect(fields.address.street.value).toBe("Boekenhoutstraat");
  });

  it("repairs a date that lost a separator", () => {
    const rows: Row[] = [
      [[2, "CITY OF JOHANNESBURG"]],
      [[60, "Statement Date"], [88, "2026/1107"]],
    ];
    const fields = extractFields(document(rows));
    expect(fields.statementDate.value).toBe("2026-11-07");
    expect(fields.statementDate.confidence).toBeLessThan(0.9);
  });

  it("falls back to the addressee block", () => {
    const rows: Row[] = [
      [[2, "MSUNDUZI LOCAL MUNICIPALITY"]],
      [[2, "MRS P NAIDOO"], [60, "Statement date"], [88, "22-07-2026"]],
      [[2, "9 JACARANDA LANE"]],
      [[2, "SCOTTSVILLE"]],
      [[2, "PIETERMARITZBURG"]],
      [[2, "3209"]],
    ];
    const fields = extractFields(document(rows));
    expect(fields.holderName.value).toBe("P NAIDOO");
    expect(fields.holderName.confidence).toBeLessThan(0.7);
    expect(fields.address.streetNumber.value).toBe("9");
    expect(fields.address.street.value).toBe("JACARANDA LANE");
    expect(fields.address.suburb.value).toBe("SCOTTSVILLE");
    expect(fields.address.city.value).toBe("PIETERMARITZBURG");
    expect(fields.address.postalCode.value).toBe("3209");
  });

  it("corroborates the service address with the addressee block", () => {
    const fields = extractFields(document(STATEMENT, 0.8));
    const serviceOnly = extractFields(document(STATEMENT.filter((row) => !row.some(([, text]) => /^(47 BOEKENHOUT|SUNNYSIDE|PRETORIA|0002)/.test(text))), 0.8));
    expect(fields.address.suburb.confidence).toBeGreaterThan(serviceOnly.address.suburb.confidence);
  });

  it("recognises a statement without a known municipality", () => {
    const rows: Row[] = [
      [[2, "KAROO HILLS LOCAL MUNICIPALITY"]],
      [[60, "Account number"], [88, "77 1234 5678"]],
      [[60, "Statement date"], [88, "2026-11-25"]],
    ];
    const fields = extractFields(document(rows));
    expect(fields.documentKind).toBe("municipal_account");
    expect(fields.municipality.value).toBe("Karoo Hills Local Municipality");
    expect(fields.municipality.confidence).toBeLessThan(0.6);
  });

  it("leaves a till slip unrecognised", () => {
    const rows: Row[] = [
      [[10, "KASI CORNER SUPERETTE"]],
      [[10, "Shop 4, Mthimkhulu Centre"]],
      [[10, "Orlando West, Soweto 1804"]],
      [[10, "TAX INVOICE"]],
      [[2, "Date: 29/11/2026 Time: 17:42"]],
      [[2, "Till 02 Cashier: THANDI Slip 004417"]],
      [[2, "PREPAID ELEC VOUCHER"], [30, "200.00"]],
      [[2, "Meter 0441 8821 903"]],
    ];
    const fields = extractFields(document(rows));
    expect(fields.documentKind).toBe("unrecognised");
    expect(fields.statementDate).toEqual({ value: null, confidence: 0 });
    expect(fields.holderName.value).toBeNull();
    expect(fields.accountNumber.value).toBeNull();
    expect(fields.address.postalCode.value).toBeNull();
  });

  it("handles an empty page", () => {
    expect(extractFields(document([])).documentKind).toBe("unrecognised");
    expect(extractFields({ source: "ocr", format: "image", pageCount: 1, pages: [] }).documentKind).toBe("unrecognised");
  });
});

describe("parseAccountNumber", () => {
  it.each([
    ["5004 8817 3620", "5004 8817 3620"],
    [": 552 087 341", "552 087 341"],
    ["10 447 2285 Amount due R 2 642.39", "10 447 2285"],
    ["5OO4 88l7 3620", "5004 8817 3620"],
    ["6100-4837-2215", "6100-4837-2215"],
    ["12345", null],
    ["12345678901234567", null],
    ["R 3 477.46", null],
    ["your account number", null],
  ] as const)("%s", (text, expected) => {
    expect(parseAccountNumber(text)?.value ?? null).toBe(expected);
  });
});

describe("parseName", () => {
  it.each([
    ["SIPHO DANIEL MAHLANGU", "SIPHO DANIEL MAHLANGU"],
    ["MR S D MAHLANGU", "S D MAHLANGU"],
    [": Priya Naidoo", "Priya Naidoo"],
    ["ZANELE PRECIOUS KHUMALO Amount Due", "ZANELE PRECIOUS KHUMALO"],
    ["O'NEILL-SMITH JAMES", "O'NEILL-SMITH JAMES"],
    ["KHUMALO", null],
    ["R4,676.85", null],
    ["2026/11/07", null],
  ] as const)("%s", (text, expected) => {
    expect(parseName(text)?.value ?? null).toBe(expected);
  });
});

describe("parseAddressLine", () => {
  it.each([
    ["47 Boekenhout Street, Sunnyside, Pretoria, 0002", ["47", "Boekenhout Street", "Sunnyside", "Pretoria", "0002"]],
    ["16 Mopane Street, Primrose, Germiston 1401", ["16", "Mopane Street", "Primrose", "Germiston", "1401"]],
    ["Unit 4 Acacia Court, 12A Main Road, Hatfield, Pretoria, 0083", ["12A", "Main Road", "Hatfield", "Pretoria", "0083"]],
    ["9 Jacaranda Lane, Scottsville, 3209", ["9", "Jacaranda Lane", "Scottsville", null, "3209"]],
    ["47 Boekenhout Street, Sunnyside, Pretoria, OOO2", ["47", "Boekenhout Street", "Sunnyside", "Pretoria", "0002"]],
  ] as const)("%s", (text, [streetNumber, street, suburb, city, postalCode]) => {
    expect(parseAddressLine(text)?.value).toEqual({ streetNumber, street, suburb, city, postalCode });
  });

  it.each(["PO Box 440, Pretoria, 0001", "Erf 1432, Sunnyside (Pretoria)", "Municipal valuation R 1 250 000"])("rejects %s", (text) => {
    expect(parseAddressLine(text)).toBeNull();
  });
});

describe("buildRows", () => {
  it("joins a label and a value printed apart", () => {
    const rows = buildRows(page([[[60, "Account number"], [90, "5004 8817 3620"]]]));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.segments.map((segment) => segment.text)).toEqual(["Account number", "5004 8817 3620"]);
  });

  it("keeps stacked lines apart", () => {
    const rows = buildRows(page([[[2, "47 BOEKENHOUT STREET"]], [[2, "SUNNYSIDE"]]]));
    expect(rows.map((row) => row.segments[0]?.text)).toEqual(["47 BOEKENHOUT STREET", "SUNNYSIDE"]);
  });

  it("renders plain text with column gaps", () => {
    expect(pageToText(page([[[2, "SUNNYSIDE"], [60, "Statement date"]]]))).toBe("SUNNYSIDE   Statement date");
  });
});
