// Helpers shared by the verification verbs: who may review, how request ids are parsed, and the
// shape of what the reader stores on a verification_requests row.

import { z } from "zod";
import { verificationRequests } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { ExtractedFields, ResidenceChecks } from "./types";

/** Roles that may see the review queue and decide; agents may not. */
export const REVIEW_ROLES = ["manager"] as const;

/** Job kind that reads an uploaded proof-of-residence document. */
export const READ_DOCUMENT_JOB = "verification.read_document";

/** Attempts before a document that keeps failing for a transient reason is handed to a person unread. */
export const READ_DOCUMENT_ATTEMPTS = 3;

/** States in which a request still waits for a person's decision. */
export const UNDECIDED_STATES = ["queued", "reading", "needs_review"] as const;

export type VerificationRequestRow = typeof verificationRequests.$inferSelect;
export type VerificationState = VerificationRequestRow["state"];

/** Fields a reviewer may correct before approving; each replaces the value the reader extracted. */
export const ReviewedFields = z.object({
  holderName: z.string().trim().max(200, "Shorten the holder name to 200 characters or fewer.").optional(),
  accountNumber: z.string().trim().max(60, "Shorten the account number to 60 characters or fewer.").optional(),
  statementDate: z
    .string()
    .trim()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, "Statement date must be YYYY-MM-DD, such as 2026-11-18.")
    .optional(),
  streetNumber: z.string().trim().max(20, "Shorten the street number to 20 characters or fewer.").optional(),
  street: z.string().trim().max(120, "Shorten the street to 120 characters or fewer.").optional(),
  suburb: z.string().trim().max(120, "Shorten the suburb to 120 characters or fewer.").optional(),
  city: z.string().trim().max(120, "Shorten the city to 120 characters or fewer.").optional(),
  postalCode: z
    .string()
    .trim()
    .regex(/^(\d{4})?$/, "Postal code must be four digits, such as 0002.")
    .optional(),
});
export type ReviewedFields = z.infer<typeof ReviewedFields>;
export type ReviewedFieldName = keyof ReviewedFields;

export const REVIEWED_FIELD_NAMES = Object.keys(ReviewedFields.shape) as ReviewedFieldName[];

/** Contents of extracted_fields: the extracted fields, plus the reviewer's corrections once decided. */
export type StoredFields = ExtractedFields & { reviewed?: ReviewedFields };

export function toStoredFields(value: unknown): StoredFields | null {
  return value && typeof value === "object" && "documentKind" in value ? (value as StoredFields) : null;
}

export function toStoredChecks(value: unknown): ResidenceChecks | null {
  return value && typeof value === "object" && "statementDate" in value ? (value as ResidenceChecks) : null;
}

/** Returns the extracted value of each reviewable field, or "" where the reader found none. */
export function extractedValues(fields: ExtractedFields | null): Required<ReviewedFields> {
  return {
    holderName: fields?.holderName.value ?? "",
    accountNumber: fields?.accountNumber.value ?? "",
    statementDate: fields?.statementDate.value ?? "",
    streetNumber: fields?.address.streetNumber.value ?? "",
    street: fields?.address.street.value ?? "",
    suburb: fields?.address.suburb.value ?? "",
    city: fields?.address.city.value ?? "",
    postalCode: fields?.address.postalCode.value ?? "",
  };
}

/** Formats an address on one line: "47 Boekenhout Street, Sunnyside, Pretoria, 0002". */
export function formatAddress(values: Pick<ReviewedFields, "streetNumber" | "street" | "suburb" | "city" | "postalCode">): string {
  const street = [values.streetNumber, values.street].filter((part) => part && part.trim() !== "").join(" ");
  return [street, values.suburb, values.city, values.postalCode].filter((part) => part && part.trim() !== "").join(", ");
}

/** Parses a request id from a URL or form; a malformed id is "not found", like an unknown one. */
export function parseRequestId(id: unknown): string {
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) throw verificationNotFound(id);
  return parsed.data.toLowerCase();
}

export function verificationNotFound(id: unknown): AppError {
  return new AppError("not_found", `Verification request ${JSON.stringify(id)} was not found in this municipality.`);
}
