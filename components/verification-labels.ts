import type { CheckStatus } from "@/lib/verification/types";
import type { VerificationState } from "@/lib/verification/verification-requests";

// English labels for the staff screens of residence verification.

export const VERIFICATION_STATE_LABELS: Record<VerificationState, string> = {
  queued: "Queued for reading",
  reading: "Being read",
  needs_review: "Needs review",
  approved: "Approved",
  rejected: "Rejected",
};

export { CHECK_LABELS } from "@/lib/verification/check-labels";

export const CHECK_STATUS_LABELS: Record<CheckStatus, string> = {
  passed: "Passed",
  failed: "Failed",
  unknown: "Unknown",
};
