import { describe, expect, it } from "vitest";
import { getGazetteer, isOutsideTenantArea, isTenantMunicipality, lookUpPlace, type TenantGazetteer } from "./gazetteer";

function gazetteer(slug: string): TenantGazetteer {
  const found = getGazetteer(slug);
  if (!found) throw new Error(`no gazetteer for ${slug}`);
  return found;
}

describe("getGazetteer", () => {
  it("knows tshwane and msunduzi", () => {
    expect(gazetteer("tshwane").municipality).toBe("City of Tshwane");
    expect(gazetteer("msunduzi").municipality).toBe("Msunduzi Local Municipality");
  });

  it("ignores the slug's case", () => {
    expect(getGazetteer("Tshwane")?.slug).toBe("tshwane");
  });

  it("returns null for other tenants", () => {
    expect(getGazetteer("johannesburg")).toBeNull();
  });

  it("lists four-digit postal codes only", () => {
    for (const slug of ["tshwane", "msunduzi"]) {
      for (const place of gazetteer(slug).places) expect(place.postalCode).toMatch(/^\d{4}$/);
    }
  });
});

describe("lookUpPlace", () => {
  const tshwane = gazetteer("tshwane");
  const msunduzi = gazetteer("msunduzi");

  it.each([
    [tshwane, { suburb: "Sunnyside", postalCode: "0002" }, "suburb_and_postal_code", "Sunnyside"],
    [tshwane, { suburb: "SUNNYSIDE", postalCode: "0002", city: "PRETORIA" }, "suburb_and_postal_code", "Sunnyside"],
    [tshwane, { suburb: "Hatfield", postalCode: "0083" }, "suburb_and_postal_code", "Hatfield"],
    [tshwane, { suburb: "Lyttelton Manor", postalCode: "0157" }, "suburb_and_postal_code", "Lyttelton Manor"],
    [tshwane, { suburb: "Ga Rankuwa", postalCode: "0208" }, "suburb_and_postal_code", "Ga-Rankuwa"],
    [tshwane, { suburb: "Sunnyside", postalCode: "0020", city: "Pretoria" }, "suburb_and_city", "Sunnyside"],
    [tshwane, { suburb: "Unlisted Estate", postalCode: "0081", city: "Pretoria" }, "city_and_postal_code", null],
    [tshwane, { suburb: "Unlisted Estate", postalCode: "0081" }, "postal_code", null],
    [msunduzi, { suburb: "Scottsville", postalCode: "3209", city: "Pietermaritzburg" }, "suburb_and_postal_code", "Scottsville"],
    [msunduzi, { suburb: "Pelham", postalCode: "3201" }, "suburb_and_postal_code", "Pelham"],
    [msunduzi, { suburb: "Edendale", postalCode: "3217" }, "suburb_and_postal_code", "Edendale"],
  ] as const)("%# finds %j", (entry, query, kind, suburb) => {
    const match = lookUpPlace(entry, query);
    expect(match.kind).toBe(kind);
    if (suburb !== null) expect(match.place?.suburb).toBe(suburb);
  });

  it.each([
    [tshwane, { suburb: "Melville", postalCode: "2092", city: "Johannesburg" }],
    [tshwane, { suburb: "Scottsville", postalCode: "3209" }],
    [msunduzi, { suburb: "Sunnyside", postalCode: "0002" }],
    [tshwane, {}],
    [tshwane, { suburb: null, city: null, postalCode: null }],
  ] as const)("%# does not place %j", (entry, query) => {
    expect(lookUpPlace(entry, query)).toEqual({ kind: "none", place: null });
  });
});

describe("isTenantMunicipality", () => {
  it("accepts the canonical name and printed forms", () => {
    const tshwane = gazetteer("tshwane");
    expect(isTenantMunicipality(tshwane, "City of Tshwane")).toBe(true);
    expect(isTenantMunicipality(tshwane, "CITY OF TSHWANE")).toBe(true);
    expect(isTenantMunicipality(tshwane, "Tshwane Metropolitan Municipality")).toBe(true);
    expect(isTenantMunicipality(gazetteer("msunduzi"), "MSUNDUZI MUNICIPALITY")).toBe(true);
  });

  it("rejects another municipality", () => {
    expect(isTenantMunicipality(gazetteer("tshwane"), "City of Johannesburg")).toBe(false);
    expect(isTenantMunicipality(gazetteer("msunduzi"), "City of Tshwane")).toBe(false);
  });
});

describe("isOutsideTenantArea", () => {
  it("places Pretoria inside Tshwane", () => {
    expect(isOutsideTenantArea("tshwane", -25.7479, 28.1878)).toBe(false);
  });

  it("places Soweto outside Tshwane", () => {
    // The location-pin fixture, near Baragwanath in Soweto, City of Johannesburg.
    expect(isOutsideTenantArea("tshwane", -26.2383, 27.9089)).toBe(true);
  });

  it("places Pietermaritzburg in Msunduzi only", () => {
    expect(isOutsideTenantArea("msunduzi", -29.6006, 30.3794)).toBe(false);
    expect(isOutsideTenantArea("tshwane", -29.6006, 30.3794)).toBe(true);
  });

  it("returns null for unknown tenants", () => {
    expect(isOutsideTenantArea("ekurhuleni", -26.1, 28.3)).toBeNull();
  });
});
