import type { ResidenceChecks } from "./types";

/** English names of the residence checks, for staff screens and staff-facing messages. */
export const CHECK_LABELS: Record<keyof ResidenceChecks, string> = {
  statementDate: "Statement date",
  holderName: "Holder name",
  address: "Address in municipality",
};
