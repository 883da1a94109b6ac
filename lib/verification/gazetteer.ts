// Suburbs and street postal codes per tenant, used to decide whether an address on a bill lies in
// the tenant's municipality when the bill's municipality name could not be read.
//
// NOTE: the entries come from general knowledge of the two cities, not from an official data set
// (SAPO's code list or the Municipal Demarcation Board's boundaries). They cover well-known suburbs
// only and use street codes, not PO box codes. A suburb missing here makes the check "unknown",
// never "failed".

import { findMunicipality } from "./municipalities";

export interface Place {
  suburb: string;
  /** Four-digit street postal code. */
  postalCode: string;
  /** Town or city the post office names ("Pretoria", "Centurion"). */
  city: string;
}

export interface TenantGazetteer {
  /** Tenant slug, as in `/m/{slug}`. */
  slug: string;
  /** Canonical municipality name, as in municipalities.ts. */
  municipality: string;
  /** Towns and cities that lie wholly inside the municipality. */
  cities: string[];
  places: Place[];
  /**
   * A box around the municipality in WGS-84 decimal degrees, drawn generously from general
   * knowledge of its extent (an estimate, not the demarcation boundary). A point outside the box
   * lies beyond the municipality. A point inside may still lie just beyond its border.
   */
  bounds: { south: number; west: number; north: number; east: number };
}

function places(city: string, entries: [suburb: string, postalCode: string][]): Place[] {
  return entries.map(([suburb, postalCode]) => ({ suburb, postalCode, city }));
}

const TSHWANE: TenantGazetteer = {
  slug: "tshwane",
  municipality: "City of Tshwane",
  // From Olievenhoutbosch in the south to Hammanskraal and Temba in the north, and from
  // Hartbeespoort Dam's eastern shore to Ekangala in the east.
  bounds: { south: -26.1, west: 27.8, north: -25.05, east: 29.15 },
  cities: [
    "Pretoria", "Centurion", "Mamelodi", "Atteridgeville", "Soshanguve", "Mabopane", "Ga-Rankuwa",
    "Hammanskraal", "Bronkhorstspruit", "Cullinan", "Rayton",
  ],
  places: [
    ...places("Pretoria", [
      ["Pretoria Central", "0002"],
      ["Sunnyside", "0002"],
      ["Muckleneuk", "0002"],
      ["Arcadia", "0083"],
      ["Hatfield", "0083"],
      ["Colbyn", "0083"],
      ["Brooklyn", "0181"],
      ["Nieuw Muckleneuk", "0181"],
      ["Waterkloof", "0181"],
      ["Waterkloof Ridge", "0181"],
      ["Groenkloof", "0181"],
      ["Lynnwood", "0081"],
      ["Lynnwood Glen", "0081"],
      ["Menlo Park", "0081"],
      ["Garsfontein", "0081"],
      ["Faerie Glen", "0081"],
      ["Moreleta Park", "0044"],
      ["Queenswood", "0186"],
      ["Kilner Park", "0186"],
      ["Waverley", "0186"],
      ["Villieria", "0186"],
      ["Gezina", "0084"],
      ["Rietondale", "0084"],
      ["Capital Park", "0084"],
      ["Wonderboom South", "0084"],
      ["Mayville", "0084"],
      ["Silverton", "0184"],
      ["Meyerspark", "0184"],
      ["Pretoria West", "0183"],
      ["Danville", "0183"],
      ["Pretoria North", "0182"],
      ["Sinoville", "0182"],
      ["Annlin", "0182"],
      ["Wonderboom", "0182"],
      ["Eersterust", "0022"],
      ["Laudium", "0037"],
    ]),
    ...places("Mamelodi", [["Mamelodi", "0122"]]),
    ...places("Atteridgeville", [["Atteridgeville", "0008"]]),
    ...places("Soshanguve", [["Soshanguve", "0152"]]),
    ...places("Mabopane", [["Mabopane", "0190"]]),
    ...places("Ga-Rankuwa", [["Ga-Rankuwa", "0208"]]),
    ...places("Hammanskraal", [["Hammanskraal", "0400"], ["Temba", "0407"]]),
    ...places("Centurion", [
      ["Centurion Central", "0157"],
      ["Lyttelton Manor", "0157"],
      ["Eldoraigne", "0157"],
      ["Irene", "0157"],
    ]),
    ...places("Bronkhorstspruit", [["Bronkhorstspruit", "1020"]]),
    ...places("Cullinan", [["Cullinan", "1000"]]),
    ...places("Rayton", [["Rayton", "1001"]]),
  ],
};

const MSUNDUZI: TenantGazetteer = {
  slug: "msunduzi",
  municipality: "Msunduzi Local Municipality",
  // Pietermaritzburg with Edendale, Vulindlela and Ashburton around it.
  bounds: { south: -29.8, west: 30.15, north: -29.4, east: 30.6 },
  cities: ["Pietermaritzburg", "Edendale"],
  places: [
    ...places("Pietermaritzburg", [
      ["Pietermaritzburg Central", "3201"],
      ["Scottsville", "3209"],
      ["Pelham", "3201"],
      ["Athlone", "3201"],
      ["Wembley", "3201"],
      ["Montrose", "3201"],
      ["Clarendon", "3201"],
      ["Chase Valley", "3201"],
      ["Blackridge", "3201"],
      ["Prestbury", "3201"],
      ["Hayfields", "3201"],
      ["Lincoln Meade", "3201"],
      ["Boughton", "3201"],
      ["Bisley", "3201"],
      ["Cleland", "3201"],
      ["Town Hill", "3201"],
      ["Mountain Rise", "3201"],
      ["Eastwood", "3201"],
      ["Willowton", "3201"],
      ["Copesville", "3201"],
      ["Northdale", "3201"],
      ["Raisethorpe", "3201"],
      ["Ashburton", "3213"],
      ["Plessislaer", "3216"],
    ]),
    ...places("Edendale", [["Edendale", "3217"]]),
  ],
};

const GAZETTEERS: Record<string, TenantGazetteer> = {
  [TSHWANE.slug]: TSHWANE,
  [MSUNDUZI.slug]: MSUNDUZI,
};

export function getGazetteer(tenantSlug: string): TenantGazetteer | null {
  return GAZETTEERS[tenantSlug.toLowerCase()] ?? null;
}

export interface AddressQuery {
  suburb?: string | null;
  city?: string | null;
  postalCode?: string | null;
}

/**
 * Match between an address and a tenant's gazetteer, strongest evidence first:
 * - suburb_and_postal_code: a listed suburb with its own postal code;
 * - suburb_and_city: a listed suburb in a listed city, postal code missing or different;
 * - city_and_postal_code: a city wholly inside the municipality with one of its postal codes;
 * - postal_code: only the postal code is one of the tenant's;
 * - none: nothing in the gazetteer matches.
 */
export type PlaceMatchKind = "suburb_and_postal_code" | "suburb_and_city" | "city_and_postal_code" | "postal_code" | "none";

export interface PlaceMatch {
  kind: PlaceMatchKind;
  place: Place | null;
}

/** Looks an address up in a tenant's gazetteer. Names compare without case, spaces or hyphens. */
export function lookUpPlace(gazetteer: TenantGazetteer, query: AddressQuery): PlaceMatch {
  const suburb = placeKey(query.suburb);
  const city = placeKey(query.city);
  const postalCode = query.postalCode?.trim() ?? "";

  const bySuburb = suburb === "" ? [] : gazetteer.places.filter((place) => placeKey(place.suburb) === suburb);
  const withCode = bySuburb.find((place) => place.postalCode === postalCode);
  if (withCode) return { kind: "suburb_and_postal_code", place: withCode };
  const withCity = bySuburb.find((place) => city !== "" && placeKey(place.city) === city);
  if (withCity) return { kind: "suburb_and_city", place: withCity };

  const byCode = postalCode === "" ? undefined : gazetteer.places.find((place) => place.postalCode === postalCode);
  const cityListed = city !== "" && gazetteer.cities.some((name) => placeKey(name) === city);
  if (byCode && cityListed) return { kind: "city_and_postal_code", place: byCode };
  if (byCode) return { kind: "postal_code", place: byCode };
  return { kind: "none", place: null };
}

/** Returns whether a municipality name printed on a bill names the tenant's municipality. */
export function isTenantMunicipality(gazetteer: TenantGazetteer, municipalityName: string): boolean {
  const known = findMunicipality(municipalityName);
  return (known?.name ?? municipalityName).toUpperCase() === gazetteer.municipality.toUpperCase();
}

function placeKey(name: string | null | undefined): string {
  return (name ?? "").toUpperCase().replace(/[\s\-']+/g, "");
}

/**
 * Tells whether a position lies clearly outside the tenant's municipality (outside its `bounds`).
 * Returns null when the tenant has no gazetteer.
 */
export function isOutsideTenantArea(tenantSlug: string, latitude: number, longitude: number): boolean | null {
  const bounds = getGazetteer(tenantSlug)?.bounds;
  if (!bounds) return null;
  return latitude < bounds.south || latitude > bounds.north || longitude < bounds.west || longitude > bounds.east;
}
