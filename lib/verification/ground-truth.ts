// Ground-truth files of the proof-of-residence fixtures (test/fixtures/proof-of-residence/*.json) and
// the comparison rules their README sets: names, addresses and municipality compare without case,
// account numbers without spaces and hyphens, dates and postal codes exactly. Used by the fixture
// tests and bench/ocr.ts.

import { z } from "zod";
import type { ExtractedFields } from "./types";

export const GroundTruth = z.object({
  holder_name: z.string().nullable(),
  account_number: z.string().nullable(),
  address: z
    .object({
      street_number: z.string(),
      street: z.string(),
      suburb: z.string(),
      city: z.string(),
      postal_code: z.string().regex(/^\d{4}$/),
    })
    .nullable(),
  statement_date: z.iso.date().nullable(),
  municipality: z.string().nullable(),
  quality: z.string(),
});
export type GroundTruth = z.infer<typeof GroundTruth>;

export const COMPARED_FIELDS = [
  "holderName",
  "accountNumber",
  "municipality",
  "statementDate",
  "streetNumber",
  "street",
  "suburb",
  "city",
  "postalCode",
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export interface FieldComparison {
  expected: string | null;
  actual: string | null;
  confidence: number;
  correct: boolean;
}

/** Compares extracted fields with a ground-truth file, field by field. */
export function compareWithGroundTruth(fields: ExtractedFields, truth: GroundTruth): Record<ComparedField, FieldComparison> {
  const text = (value: string | null) => (value === null ? null : value.toUpperCase().replace(/\s+/g, " ").trim());
  const digits = (value: string | null) => (value === null ? null : value.replace(/[\s-]/g, ""));
  const exact = (value: string | null) => value;

  const pairs: Record<ComparedField, [string | null, { value: string | null; confidence: number }, (value: string | null) => string | null]> = {
    holderName: [truth.holder_name, fields.holderName, text],
    accountNumber: [truth.account_number, fields.accountNumber, digits],
    municipality: [truth.municipality, fields.municipality, text],
    statementDate: [truth.statement_date, fields.statementDate, exact],
    streetNumber: [truth.address?.street_number ?? null, fields.address.streetNumber, text],
    street: [truth.address?.street ?? null, fields.address.street, text],
    suburb: [truth.address?.suburb ?? null, fields.address.suburb, text],
    city: [truth.address?.city ?? null, fields.address.city, text],
    postalCode: [truth.address?.postal_code ?? null, fields.address.postalCode, exact],
  };

  const result = {} as Record<ComparedField, FieldComparison>;
  for (const field of COMPARED_FIELDS) {
    const [expected, reading, normalise] = pairs[field];
    result[field] = {
      expected,
      actual: reading.value,
      confidence: reading.confidence,
      correct: normalise(expected) === normalise(reading.value),
    };
  }
  return result;
}
