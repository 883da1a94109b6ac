import { describe, expect, it } from "vitest";
import { addDays, addMonths, findDates, monthFromName, parseDate, repairDate, southAfricanDate, toIsoDate } from "./dates";

describe("parseDate", () => {
  const cases: [string, string | null][] = [
    // year first
    ["2026/11/05", "2026-11-05"],
    ["2026-11-05", "2026-11-05"],
    ["2026.11.05", "2026-11-05"],
    ["2026/1/5", "2026-01-05"],
    ["2026 / 11 / 05", "2026-11-05"],
    // day first, never month first
    ["05/11/2026", "2026-11-05"],
    ["5/11/2026", "2026-11-05"],
    ["22-07-2026", "2026-07-22"],
    ["22.07.2026", "2026-07-22"],
    ["11/25/2026", null],
    // month names, English
    ["5 November 2026", "2026-11-05"],
    ["18 November 2026", "2026-11-18"],
    ["05-Nov-2026", "2026-11-05"],
    ["05 Nov 2026", "2026-11-05"],
    ["5 Nov. 2026", "2026-11-05"],
    ["05-Nov-26", "2026-11-05"],
    ["1st March 2026", "2026-03-01"],
    ["November 5, 2026", "2026-11-05"],
    ["Sept 30 2026", "2026-09-30"],
    ["29 FEBRUARY 2028", "2028-02-29"],
    // month names, Afrikaans
    ["5 Desember 2026", "2026-12-05"],
    ["12 Maart 2026", "2026-03-12"],
    ["3 Mei 2026", "2026-05-03"],
    ["30 Okt 2026", "2026-10-30"],
    ["1 Mrt 2026", "2026-03-01"],
    ["14 Januarie 2027", "2027-01-14"],
    ["7 Augustus 2026", "2026-08-07"],
    // OCR slips in month names
    ["18 Novernber 2026", "2026-11-18"],
    ["18 Novembcr 2026", "2026-11-18"],
    // impossible or out-of-range dates
    ["31/04/2026", null],
    ["29 February 2026", null],
    ["2026/13/01", null],
    ["00/11/2026", null],
    ["05/11/1850", null],
    // not a single date
    ["", null],
    ["Statement date 2026/11/05", null],
    ["5 Novemberish", null],
    ["15 kl 2026", null],
  ];

  it.each(cases)("%j", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });
});

describe("findDates", () => {
  it("finds dates in order", () => {
    const dates = findDates("Statement date 18 November 2026 Due date 15-12-2026 Paid 2026/10/30");
    expect(dates.map((date) => date.iso)).toEqual(["2026-11-18", "2026-12-15", "2026-10-30"]);
  });

  it("reports position and printed text", () => {
    const [date] = findDates("Date: 29/11/2026 Time: 17:42");
    expect(date).toEqual({ iso: "2026-11-29", index: 6, text: "29/11/2026" });
  });

  it("does not read parts of longer numbers", () => {
    expect(findDates("Account 12026/11/05 and 1234 5678 9012 3456 7890")).toEqual([]);
  });

  it("does not read a year-first date twice", () => {
    expect(findDates("2026-11-25").map((date) => date.iso)).toEqual(["2026-11-25"]);
  });
});

describe("repairDate", () => {
  it.each([
    ["2026/1107", "2026-11-07", 9],
    ["202611/07", "2026-11-07", 9],
    ["20261107", "2026-11-07", 8],
    ["0511/2026", "2026-11-05", 9],
    ["05112026 rest", "2026-11-05", 8],
    ["2026/1135", null, 0],
    ["1234 5678", null, 0],
    ["123456789", null, 0],
  ] as const)("%s", (text, iso, length) => {
    expect(repairDate(text)).toEqual(iso === null ? null : { iso, length });
  });
});

describe("monthFromName", () => {
  it.each([
    ["Nov", 11],
    ["nov.", 11],
    ["DESEMBER", 12],
    ["Sept", 9],
    ["Junie", 6],
    ["Octobr", 10],
    ["Kl", null],
    ["Mon", null],
    ["Number", null],
  ] as const)("%s", (word, month) => {
    expect(monthFromName(word)).toBe(month);
  });
});

describe("toIsoDate", () => {
  it("pads and validates", () => {
    expect(toIsoDate(2026, 2, 3)).toBe("2026-02-03");
    expect(toIsoDate(2024, 2, 29)).toBe("2024-02-29");
    expect(toIsoDate(2025, 2, 29)).toBeNull();
    expect(toIsoDate(2026, 0, 1)).toBeNull();
  });
});

describe("addMonths", () => {
  it.each([
    ["2026-12-04", -3, "2026-09-04"],
    ["2026-05-31", -3, "2026-02-28"],
    ["2024-05-31", -3, "2024-02-29"],
    ["2026-01-15", -3, "2025-10-15"],
    ["2026-11-30", 3, "2027-02-28"],
  ] as const)("%s %i", (iso, months, expected) => {
    expect(addMonths(iso, months)).toBe(expected);
  });

  it("rejects a malformed date", () => {
    expect(() => addMonths("04/12/2026", -3)).toThrow(/ISO date/);
  });
});

describe("addDays", () => {
  it("crosses month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("southAfricanDate", () => {
  it("uses UTC+2", () => {
    expect(southAfricanDate(new Date("2026-12-03T21:59:00Z"))).toBe("2026-12-03");
    expect(southAfricanDate(new Date("2026-12-03T22:00:00Z"))).toBe("2026-12-04");
  });
});
