// Audit actions that the audit page lists. The attachment actions are written by getAttachmentUrl.

/** A saps_liaison asked to see a confidential report's details; written before anything is decrypted. */
export const DETAILS_REVEALED = "gbv.details_revealed";
/** The details of a reveal could not be decrypted; follows the DETAILS_REVEALED event of the same attempt. */
export const REVEAL_FAILED = "gbv.reveal_failed";

export const REVEAL_ACTIONS = [DETAILS_REVEALED, REVEAL_FAILED] as const;
export const EVIDENCE_ACCESS_ACTIONS = ["attachment.viewed", "attachment.original_downloaded"] as const;
