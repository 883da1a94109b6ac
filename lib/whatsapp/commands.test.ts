import { describe, expect, it } from "vitest";
import { isCommand, parseChoice, parseReference, parseStatusCommand } from "./commands";

describe("isCommand", () => {
  it("accepts the words of every language", () => {
    expect(isCommand("Menu", "menu")).toBe(true);
    expect(isCommand(" imenyu ", "menu")).toBe(true);
    expect(isCommand("KANSELLEER!", "cancel")).toBe(true);
    expect(isCommand("khansela", "cancel")).toBe(true);
    expect(isCommand("hulp", "help")).toBe(true);
    expect(isCommand("Done.", "done")).toBe(true);
    expect(isCommand("slaan  oor", "skip")).toBe(true);
  });

  it("needs the whole message", () => {
    expect(isCommand("cancel my report please", "cancel")).toBe(false);
    expect(isCommand("", "menu")).toBe(false);
  });
});

describe("parseChoice", () => {
  it("reads numbers in range", () => {
    expect(parseChoice("2", 5)).toBe(2);
    expect(parseChoice(" 5. ", 5)).toBe(5);
    expect(parseChoice("3\uFE0F\u20E3", 5)).toBe(3);
  });

  it("rejects numbers out of range and text", () => {
    expect(parseChoice("0", 5)).toBeNull();
    expect(parseChoice("6", 5)).toBeNull();
    expect(parseChoice("two", 5)).toBeNull();
    expect(parseChoice("1 2", 5)).toBeNull();
  });
});

describe("parseStatusCommand", () => {
  it("reads a reference in canonical form", () => {
    expect(parseStatusCommand("status TSH-2026-000123")).toBe("TSH-2026-000123");
    expect(parseStatusCommand("Status tsh 2026 000123")).toBe("TSH-2026-000123");
    expect(parseStatusCommand("isimo TSH-2026-000123")).toBe("TSH-2026-000123");
  });

  it("ignores other text", () => {
    expect(parseStatusCommand("status of my report")).toBeNull();
    expect(parseStatusCommand("TSH-2026-000123")).toBeNull();
  });
});

describe("parseReference", () => {
  it("reads a bare reference", () => {
    expect(parseReference("tsh-2026-000123")).toBe("TSH-2026-000123");
    expect(parseReference("status MSU-2026-000001")).toBe("MSU-2026-000001");
    expect(parseReference("hello")).toBeNull();
  });
});
