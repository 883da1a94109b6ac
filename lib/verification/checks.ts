// Residence checks on the fields read from a bill. Each check passes, fails, or stays unknown for a
// staff reviewer. A field the reader could not find or trust leads to "unknown", never "failed", so an
// unreadable upload is reviewed by a person instead of being rejected automatically.

import { z } from "zod";
import { AppError } from "@/lib/errors";
import { addDays, addMonths, southAfricanDate } from "./dates";
import { getGazetteer, isTenantMunicipality, lookUpPlace, type TenantGazetteer } from "./gazetteer";
import { matchName } from "./match-name";
import { findMunicipality } from "./municipalities";
import type { CheckResult, ExtractedFields, ResidenceChecks } from "./types";

/** A statement may be at most this many calendar months older than the upload. */
export const MAX_STATEMENT_AGE_MONTHS = 3;

/** Fields read with less confidence than this are not used to pass or fail a check. */
export const MIN_FIELD_CONFIDENCE = 0.5;

/**
 * A statement dated this many days after the upload is taken as a misreading. One day covers an
 * upload just after midnight of a statement produced in another time zone.
 */
const FUTURE_TOLERANCE_DAYS = 1;

export const CheckContext = z.object({
  tenantSlug: z.string().trim().min(1, "tenant slug is required, such as tshwane"),
  /** The tenant's municipality name, used when the slug has no gazetteer. */
  tenantMunicipality: z.string().trim().min(1).optional(),
  /** The name the resident registered with; without it the name check stays unknown. */
  residentName: z.string().trim().min(1).nullish(),
  /** When the bill was uploaded: an instant, or a South African calendar date (YYYY-MM-DD). */
  uploadedAt: z.union([
    z.date(),
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "upload date must be YYYY-MM-DD, such as 2026-12-04"),
  ]),
});
export type CheckContext = z.input<typeof CheckContext>;

/** Runs the statement-date, holder-name and address checks. */
export function runResidenceChecks(fields: ExtractedFields, context: CheckContext): ResidenceChecks {
  const parsed = parseCheckContext(context);
  const uploadedOn = typeof parsed.uploadedAt === "string" ? parsed.uploadedAt : southAfricanDate(parsed.uploadedAt);
  if (fields.documentKind === "unrecognised") {
    const reason = "the document was not recognised as a municipal statement, so a person must review it";
    return {
      statementDate: { status: "unknown", reason },
      holderName: { status: "unknown", reason },
      address: { status: "unknown", reason },
    };
  }
  return {
    statementDate: checkStatementDate(fields, uploadedOn),
    holderName: checkHolderName(fields, parsed.residentName ?? null),
    address: checkAddress(fields, parsed.tenantSlug, parsed.tenantMunicipality ?? null),
  };
}

/** Validates a check context; throws an invalid_input AppError that names each bad value. */
export function parseCheckContext(context: CheckContext): z.output<typeof CheckContext> {
  const result = CheckContext.safeParse(context);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join(".") || "context";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .map(([key, messages]) => `${key}: ${messages.join("; ")}`)
    .join(", ");
  throw new AppError("invalid_input", `Invalid residence check context (${summary})`, { fieldErrors });
}

/** Passes when the statement is dated no more than three calendar months before the upload date. */
export function checkStatementDate(fields: ExtractedFields, uploadedOn: string): CheckResult {
  const { value, confidence } = fields.statementDate;
  if (value === null) return { status: "unknown", reason: "no statement date was found on the document" };
  if (confidence < MIN_FIELD_CONFIDENCE) {
    return { status: "unknown", reason: `the statement date was read as ${value}, but too unclearly to rely on` };
  }
  if (value > addDays(uploadedOn, FUTURE_TOLERANCE_DAYS)) {
    return { status: "unknown", reason: `the statement date ${value} is after the upload date ${uploadedOn}; it may be misread` };
  }
  const cutoff = addMonths(uploadedOn, -MAX_STATEMENT_AGE_MONTHS);
  if (value < cutoff) {
    return {
      status: "failed",
      reason: `the statement is dated ${value}, more than ${MAX_STATEMENT_AGE_MONTHS} months before the upload on ${uploadedOn} (oldest accepted: ${cutoff})`,
    };
  }
  return { status: "passed", reason: `the statement is dated ${value}, within ${MAX_STATEMENT_AGE_MONTHS} months of the upload on ${uploadedOn}` };
}

/** Passes when the account holder names the resident, allowing initials and a missing middle name. */
export function checkHolderName(fields: ExtractedFields, residentName: string | null): CheckResult {
  const { value, confidence } = fields.holderName;
  if (residentName === null) return { status: "unknown", reason: "no resident name was given to compare with" };
  if (value === null) return { status: "unknown", reason: "no account holder name was found on the document" };
  if (confidence < MIN_FIELD_CONFIDENCE) {
    return { status: "unknown", reason: `the account holder was read as "${value}", but too unclearly to rely on` };
  }
  const match = matchName(value, residentName);
  if (match.matches) return { status: "passed", reason: `account holder "${value}" matches "${residentName}": ${match.reason}` };
  if (!match.conflict) return { status: "unknown", reason: `account holder "${value}" may be "${residentName}": ${match.reason}` };
  return { status: "failed", reason: `account holder "${value}" does not match "${residentName}": ${match.reason}` };
}

/**
 * Passes when the bill's municipality is the tenant's, or the address's suburb and postal code (or
 * city) are in the tenant's gazetteer. Fails when the bill names another known municipality and the
 * address is not in the gazetteer. Stays unknown when the two disagree or nothing could be matched.
 */
export function checkAddress(fields: ExtractedFields, tenantSlug: string, tenantMunicipality: string | null): CheckResult {
  const gazetteer = getGazetteer(tenantSlug);
  const tenantName = gazetteer?.municipality ?? tenantMunicipality;
  if (tenantName === null) {
    return { status: "unknown", reason: `tenant ${tenantSlug} has no gazetteer or municipality name to compare the address with` };
  }

  const printed = fields.municipality.confidence >= MIN_FIELD_CONFIDENCE ? fields.municipality.value : null;
  if (printed !== null && sameMunicipality(printed, tenantName, gazetteer)) {
    return { status: "passed", reason: `the statement is issued by ${printed}, the tenant's municipality` };
  }

  const place = gazetteer ? placeEvidence(fields, gazetteer) : null;
  // Only a municipality from the known list counts against the address; a generic "City of X" may be
  // an OCR misreading.
  const other = printed === null ? null : findMunicipality(printed);
  if (other && place?.passed) {
    return { status: "unknown", reason: `the statement is issued by ${other.name}, not ${tenantName}, yet ${place.reason}` };
  }
  if (other) {
    return {
      status: "failed",
      reason: `the statement is issued by ${other.name}, not ${tenantName}, and its address is not in ${tenantName}'s list of suburbs`,
    };
  }
  if (place?.passed) return { status: "passed", reason: place.reason };
  return { status: "unknown", reason: place?.reason ?? `the address could not be matched to ${tenantName}` };
}

function sameMunicipality(printed: string, tenantName: string, gazetteer: TenantGazetteer | null): boolean {
  if (gazetteer) return isTenantMunicipality(gazetteer, printed);
  const canonical = (name: string) => (findMunicipality(name)?.name ?? name).toUpperCase();
  return canonical(printed) === canonical(tenantName);
}

function placeEvidence(fields: ExtractedFields, gazetteer: TenantGazetteer): { passed: boolean; reason: string } {
  const usable = (field: { value: string | null; confidence: number }) =>
    field.confidence >= MIN_FIELD_CONFIDENCE ? field.value : null;
  const suburb = usable(fields.address.suburb);
  const city = usable(fields.address.city);
  const postalCode = usable(fields.address.postalCode);
  if (suburb === null && city === null && postalCode === null) {
    return { passed: false, reason: "no suburb, city or postal code was read from the address" };
  }

  const match = lookUpPlace(gazetteer, { suburb, city, postalCode });
  const where = gazetteer.municipality;
  switch (match.kind) {
    case "suburb_and_postal_code":
      return { passed: true, reason: `suburb ${suburb} with postal code ${postalCode} is in ${where}` };
    case "suburb_and_city":
      return { passed: true, reason: `suburb ${suburb} in ${city} is in ${where}` };
    case "city_and_postal_code":
      return { passed: true, reason: `${city} with postal code ${postalCode} is in ${where}` };
    case "postal_code":
      return {
        passed: false,
        reason: `postal code ${postalCode} is used in ${where} (${match.place?.city}), but suburb ${suburb ?? "(not read)"} and city ${city ?? "(not read)"} could not be confirmed`,
      };
    case "none":
      return {
        passed: false,
        reason: `suburb ${suburb ?? "(not read)"}, city ${city ?? "(not read)"} and postal code ${postalCode ?? "(not read)"} are not in ${where}'s list of suburbs`,
      };
  }
}
