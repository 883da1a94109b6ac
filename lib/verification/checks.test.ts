import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { checkAddress, checkHolderName, checkStatementDate, runResidenceChecks } from "./checks";
import type { ExtractedFields, FieldReading } from "./types";

const NONE: FieldReading<never> = { value: null, confidence: 0 };

function reading(value: string | null, confidence = 0.9): FieldReading<string> {
  return value === null ? NONE : { value, confidence };
}

function fields(values: {
  holderName?: string | null;
  municipality?: string | null;
  statementDate?: string | null;
  suburb?: string | null;
  city?: string | null;
  postalCode?: string | null;
  confidence?: number;
}): ExtractedFields {
  const confidence = values.confidence ?? 0.9;
  return {
    documentKind: "municipal_account",
    holderName: reading(values.holderName ?? null, confidence),
    accountNumber: reading("5004 8817 3620", confidence),
    municipality: reading(values.municipality ?? null, confidence),
    statementDate: reading(values.statementDate ?? null, confidence),
    address: {
      streetNumber: reading("47", confidence),
      street: reading("Boekenhout Street", confidence),
      suburb: reading(values.suburb ?? null, confidence),
      city: reading(values.city ?? null, confidence),
      postalCode: reading(values.postalCode ?? null, confidence),
    },
  };
}

describe("checkStatementDate", () => {
  const uploadedOn = "2026-12-04";

  it.each([
    ["2026-11-18", "passed"],
    ["2026-12-04", "passed"],
    ["2026-12-05", "passed"],
    ["2026-09-04", "passed"],
    ["2026-09-03", "failed"],
    ["2026-07-22", "failed"],
    ["2025-12-04", "failed"],
    ["2026-12-06", "unknown"],
    ["2027-01-10", "unknown"],
  ] as const)("%s", (statementDate, status) => {
    expect(checkStatementDate(fields({ statementDate }), uploadedOn).status).toBe(status);
  });

  it("names the cutoff when it fails", () => {
    const result = checkStatementDate(fields({ statementDate: "2026-07-22" }), uploadedOn);
    expect(result.reason).toContain("2026-07-22");
    expect(result.reason).toContain("2026-09-04");
  });

  it("is unknown without a date", () => {
    expect(checkStatementDate(fields({}), uploadedOn)).toMatchObject({ status: "unknown" });
  });

  it("is unknown for an unclear date", () => {
    expect(checkStatementDate(fields({ statementDate: "2026-07-22", confidence: 0.3 }), uploadedOn).status).toBe("unknown");
  });

  it("clamps the cutoff at month ends", () => {
    expect(checkStatementDate(fields({ statementDate: "2026-02-28" }), "2026-05-31").status).toBe("passed");
    expect(checkStatementDate(fields({ statementDate: "2026-02-27" }), "2026-05-31").status).toBe("failed");
  });
});

describe("checkHolderName", () => {
  it.each([
    ["SIPHO DANIEL MAHLANGU", "Sipho Mahlangu", "passed"],
    ["S D MAHLANGU", "Sipho Daniel Mahlangu", "passed"],
    ["T. Mokoena", "Thandi Mokoena", "passed"],
    ["PRIYA NAIDOO", "Sipho Mahlangu", "failed"],
    ["T MOKOENA", "Sipho Mokoena", "failed"],
    ["MAHLANGU", "Sipho Mahlangu", "unknown"],
  ] as const)("%s against %s", (holderName, resident, status) => {
    expect(checkHolderName(fields({ holderName }), resident).status).toBe(status);
  });

  it("is unknown without a resident name", () => {
    expect(checkHolderName(fields({ holderName: "SIPHO MAHLANGU" }), null).status).toBe("unknown");
  });

  it("is unknown without a holder", () => {
    expect(checkHolderName(fields({}), "Sipho Mahlangu").status).toBe("unknown");
  });

  it("is unknown for an unclear holder", () => {
    expect(checkHolderName(fields({ holderName: "PRIYA NAIDOO", confidence: 0.2 }), "Sipho Mahlangu").status).toBe("unknown");
  });
});

describe("checkAddress", () => {
  it.each([
    ["municipality", { municipality: "City of Tshwane" }, "tshwane", "passed"],
    ["suburb and code", { suburb: "Sunnyside", postalCode: "0002" }, "tshwane", "passed"],
    ["suburb and city", { suburb: "Arcadia", city: "Pretoria", postalCode: "9999" }, "tshwane", "passed"],
    ["city and code", { suburb: "New Estate", city: "Pretoria", postalCode: "0081" }, "tshwane", "passed"],
    ["msunduzi suburb", { suburb: "Scottsville", city: "Pietermaritzburg", postalCode: "3209" }, "msunduzi", "passed"],
    ["other municipality", { municipality: "City of Johannesburg", suburb: "Melville", postalCode: "2092" }, "tshwane", "failed"],
    ["other tenant's bill", { municipality: "Msunduzi Local Municipality", suburb: "Scottsville", postalCode: "3209" }, "tshwane", "failed"],
    ["code alone", { postalCode: "0081" }, "tshwane", "unknown"],
    ["unlisted suburb", { suburb: "Melville", postalCode: "2092" }, "tshwane", "unknown"],
    ["nothing read", {}, "tshwane", "unknown"],
    ["conflicting evidence", { municipality: "City of Johannesburg", suburb: "Sunnyside", postalCode: "0002" }, "tshwane", "unknown"],
    ["generic unknown municipality", { municipality: "City Of Nowhere" }, "tshwane", "unknown"],
  ] as const)("%s", (_, values, tenant, status) => {
    expect(checkAddress(fields(values), tenant, null).status).toBe(status);
  });

  it("uses the tenant name when there is no gazetteer", () => {
    const document = fields({ municipality: "City of Johannesburg" });
    expect(checkAddress(document, "johannesburg", "City of Johannesburg").status).toBe("passed");
    expect(checkAddress(document, "ekurhuleni", "City of Ekurhuleni").status).toBe("failed");
    expect(checkAddress(document, "johannesburg", null).status).toBe("unknown");
  });

  it("ignores an unclear municipality", () => {
    expect(checkAddress(fields({ municipality: "City of Johannesburg", confidence: 0.3 }), "tshwane", null).status).toBe("unknown");
  });
});

describe("runResidenceChecks", () => {
  it("leaves an unrecognised document to a person", () => {
    const document: ExtractedFields = { ...fields({}), documentKind: "unrecognised" };
    const checks = runResidenceChecks(document, { tenantSlug: "tshwane", residentName: "Thandi Mokoena", uploadedAt: "2026-12-04" });
    expect(checks.statementDate.status).toBe("unknown");
    expect(checks.holderName.status).toBe("unknown");
    expect(checks.address.status).toBe("unknown");
    expect(checks.address.reason).toMatch(/not recognised/);
  });

  it("takes the upload date in South African time", () => {
    const document = fields({ statementDate: "2026-09-04", holderName: "S MAHLANGU", municipality: "City of Tshwane" });
    const context = { tenantSlug: "tshwane", residentName: "Sipho Mahlangu" };
    // 22:30 UTC on 3 December is 00:30 on 4 December in South Africa, so 4 September is in range.
    expect(runResidenceChecks(document, { ...context, uploadedAt: new Date("2026-12-03T22:30:00Z") }).statementDate.status).toBe("passed");
    expect(runResidenceChecks(document, { ...context, uploadedAt: new Date("2026-12-05T08:00:00Z") }).statementDate.status).toBe("failed");
  });

  it("runs all three checks", () => {
    const document = fields({ statementDate: "2026-11-18", holderName: "SIPHO DANIEL MAHLANGU", municipality: "City of Tshwane" });
    const checks = runResidenceChecks(document, { tenantSlug: "tshwane", residentName: "Sipho Mahlangu", uploadedAt: "2026-12-04" });
    expect(checks.statementDate.status).toBe("passed");
    expect(checks.holderName.status).toBe("passed");
    expect(checks.address.status).toBe("passed");
  });

  it("rejects a malformed upload date", () => {
    const run = () => runResidenceChecks(fields({}), { tenantSlug: "tshwane", uploadedAt: "04/12/2026" });
    expect(run).toThrow(AppError);
    expect(run).toThrow(/uploadedAt.*YYYY-MM-DD/);
  });
});
