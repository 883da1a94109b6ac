import { AppError } from "@/lib/errors";

/** Reason code for a file that cannot be read as a proof of residence; stable for message catalogues. */
export type RejectionReason =
  | "unsupported_type"
  | "corrupt"
  | "too_many_pixels"
  | "encrypted"
  | "too_many_pages"
  | "empty";

/**
 * A file the reader refuses to process. It is an `invalid_input` AppError so transports map it like
 * any other bad input; `reason` lets the caller pick a translated message for the resident.
 */
export class DocumentRejectedError extends AppError {
  readonly reason: RejectionReason;

  constructor(reason: RejectionReason, message: string, options: { cause?: unknown } = {}) {
    super("invalid_input", message, options);
    this.name = "DocumentRejectedError";
    this.reason = reason;
  }
}
