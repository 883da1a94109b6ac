// One error type for the whole domain layer. Transports map `code` once: HTTP status for route
// handlers, `{ ok: false, message, fieldErrors }` for server actions, TwiML text for WhatsApp.

export type AppErrorCode =
  | "not_found"
  | "forbidden"
  | "unauthenticated"
  | "invalid_input"
  | "conflict"
  | "rate_limited"
  | "unavailable"
  | "internal";

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors: Record<string, string[]> | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { cause?: unknown; fieldErrors?: Record<string, string[]> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = options.fieldErrors;
  }
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  invalid_input: 400,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Message safe to show a user: an AppError's own text, never an unknown error's. */
export function publicMessage(error: unknown): string {
  if (error instanceof AppError && error.code !== "internal") return error.message;
  return "Something went wrong on our side. Please try again; if it keeps happening, contact the municipality.";
}
