import { describe, expect, it } from "vitest";
import { matchName, nameTokens } from "./match-name";

describe("matchName", () => {
  const cases: [document: string, resident: string, matches: boolean][] = [
    // initials and surname
    ["T. Mokoena", "Thandi Mokoena", true],
    ["T MOKOENA", "Thandi Mokoena", true],
    ["MR S D MAHLANGU", "Sipho Daniel Mahlangu", true],
    ["MR S.D. MAHLANGU", "Sipho Daniel Mahlangu", true],
    ["MR SD MAHLANGU", "Sipho Daniel Mahlangu", true],
    ["S MAHLANGU", "Sipho Daniel Mahlangu", true],
    ["D MAHLANGU", "Sipho Daniel Mahlangu", true],
    // full names, case and spacing ignored, middle names optional
    ["SIPHO DANIEL MAHLANGU", "Sipho Daniel Mahlangu", true],
    ["SIPHO DANIEL MAHLANGU", "Sipho Mahlangu", true],
    ["Sipho Mahlangu", "sipho   daniel  MAHLANGU", true],
    ["  zanele precious khumalo ", "Zanele Khumalo", true],
    // titles, accents and hyphens
    ["MRS P NAIDOO", "Priya Naidoo", true],
    ["MEV A VAN DER MERWE", "Anri van der Merwe", true],
    ["DR L DE VILLIERS-JOUBERT", "Lize de Villiers-Joubert", true],
    ["RENÉ DU PLESSIS", "Rene du Plessis", true],
    ["N. Dlamini-Zuma", "Nkosazana Dlamini-Zuma", true],
    // surname first
    ["MOKOENA THANDI", "Thandi Mokoena", true],
    // different people
    ["T MOKOENA", "Sipho Mokoena", false],
    ["THANDI MOKOENA", "Thandi Mahlangu", false],
    ["S D MAHLANGU", "Daniel Sipho Mahlangu", false],
    ["PRIYA NAIDOO", "Sipho Mahlangu", false],
    // too little to compare
    ["MAHLANGU", "Sipho Mahlangu", false],
    ["", "Sipho Mahlangu", false],
  ];

  it.each(cases)("%j against %j", (document, resident, matches) => {
    expect(matchName(document, resident).matches).toBe(matches);
  });

  it("marks a different surname as a conflict", () => {
    const result = matchName("PRIYA NAIDOO", "Sipho Mahlangu");
    expect(result).toMatchObject({ matches: false, conflict: true });
    expect(result.reason).toContain("NAIDOO");
  });

  it("marks a surname alone as no conflict", () => {
    expect(matchName("MAHLANGU", "Sipho Mahlangu")).toMatchObject({ matches: false, conflict: false });
  });

  it("marks different given names as a conflict", () => {
    expect(matchName("T MOKOENA", "Sipho Mokoena")).toMatchObject({ matches: false, conflict: true });
  });
});

describe("nameTokens", () => {
  it("drops titles, accents and punctuation", () => {
    expect(nameTokens("Mr. S.D. Mahlangu")).toEqual(["S", "D", "MAHLANGU"]);
    expect(nameTokens("MEV. René O'Brien")).toEqual(["RENE", "O", "BRIEN"]);
  });

  it("keeps a title that is the only word", () => {
    expect(nameTokens("Dr")).toEqual(["DR"]);
  });
});
