import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { formatPhoneNumber, maskPhoneNumber, normalizePhoneNumber, PHONE_NUMBER_HINT, PhoneNumber } from "./phone";

const GOOD: [string, string][] = [
  ["082 555 0123", "+27825550123"],
  ["0825550123", "+27825550123"],
  ["27825550123", "+27825550123"],
  ["+27 82 555 0123", "+27825550123"],
  ["+27825550123", "+27825550123"],
  ["  082-555-0123 ", "+27825550123"],
  ["(082) 555.0123", "+27825550123"],
  ["0027 82 555 0123", "+27825550123"],
  ["+27 (0)82 555 0123", "+27825550123"],
  ["012 358 9999", "+27123589999"],
  ["+44 20 7946 0958", "+442079460958"],
  ["+1 202 555 0143", "+12025550143"],
];

const BAD: string[] = [
  "",
  "   ",
  "abc",
  "082 555 012",
  "082 555 01234",
  "0825550123456",
  "825550123",
  "2782555012",
  "+27 82 555 01234",
  "+27 02 555 0123",
  "082 555 O123",
  "+0 82 555 0123",
  "+123",
  "+1234567890123456",
  "082/555/0123",
  "+27 82 555 0123 ext 4",
];

describe("normalizePhoneNumber", () => {
  it.each(GOOD)("reads %j as %s", (input, expected) => {
    expect(normalizePhoneNumber(input)).toBe(expected);
  });

  it.each(BAD)("rejects %j", (input) => {
    expect(() => normalizePhoneNumber(input)).toThrow(AppError);
  });

  it("error names the expected form", () => {
    const error = caughtBy(() => normalizePhoneNumber("083 999 12"));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("082 555 0123");
    expect(error.message).toContain("+27 82 555 0123");
    expect(error.fieldErrors?.phone).toEqual([PHONE_NUMBER_HINT]);
  });

  it("error leaves out the typed number", () => {
    const error = caughtBy(() => normalizePhoneNumber("083 999 12"));
    expect(error.message).not.toContain("083 999 12");
  });
});

describe("PhoneNumber schema", () => {
  it("parses to E.164", () => {
    expect(PhoneNumber.parse("082 555 0123")).toBe("+27825550123");
  });

  it.each(BAD)("rejects %j with the hint", (input) => {
    const result = PhoneNumber.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(PHONE_NUMBER_HINT);
  });
});

describe("formatPhoneNumber", () => {
  it("groups South African numbers", () => {
    expect(formatPhoneNumber("+27825550123")).toBe("+27 82 555 0123");
  });

  it("leaves other numbers alone", () => {
    expect(formatPhoneNumber("+442079460958")).toBe("+442079460958");
  });
});

describe("maskPhoneNumber", () => {
  it("keeps the last four digits", () => {
    expect(maskPhoneNumber("+27825550123")).toBe("+27*****0123");
  });
});

function caughtBy(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError, but nothing was thrown");
}
