import { NextResponse, type NextRequest } from "next/server";
import { ZodError } from "zod";
import { AppError, HTTP_STATUS, publicMessage } from "./errors";
import { requestLogger, type Logger } from "./log";
import { requestIdFrom } from "./request-context";

export interface RouteContext {
  requestId: string;
  log: Logger;
  /** Called by the handler once it has resolved the tenant, so the outcome line carries it. */
  setTenant: (tenantId: string) => void;
}

/**
 * Wraps a route handler: assigns a request id, maps AppError and ZodError to JSON error responses,
 * hides unknown errors behind a generic message, and logs one outcome line per request with the
 * request id, tenant, status and duration.
 */
export function withRoute<P>(
  route: string,
  handler: (request: NextRequest, context: RouteContext, params: P) => Promise<Response>,
) {
  return async (request: NextRequest, segment: { params: Promise<P> }): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdFrom(request.headers);
    let log = requestLogger({ requestId, route });
    const context: RouteContext = {
      requestId,
      get log() {
        return log;
      },
      setTenant: (id) => {
        log = requestLogger({ requestId, tenantId: id, route });
      },
    };

    let response: Response;
    try {
      response = await handler(request, context, await segment.params);
    } catch (error) {
      response = errorResponse(error, log);
    }
    response.headers.set("x-request-id", requestId);
    // The child logger already carries requestId and tenantId.
    log.info({ method: request.method, status: response.status, durationMs: Math.round(performance.now() - started) }, "request finished");
    return response;
  };
}

/** Maps an error to a JSON response `{ error: { code, message, fieldErrors? } }`. */
export function errorResponse(error: unknown, log: Logger): Response {
  if (error instanceof ZodError) {
    error = invalidInput(error);
  }
  if (error instanceof AppError) {
    const status = HTTP_STATUS[error.code];
    if (status >= 500) log.error({ err: error, cause: error.cause }, error.message);
    else log.info({ code: error.code }, error.message);
    return NextResponse.json(
      { error: { code: error.code, message: publicMessage(error), fieldErrors: error.fieldErrors } },
      { status },
    );
  }
  log.error({ err: error }, "unhandled error");
  return NextResponse.json({ error: { code: "internal", message: publicMessage(error) } }, { status: 500 });
}

/** Turns a ZodError into an AppError whose message names each invalid field and why. */
export function invalidInput(error: ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "input";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join("; ")}`)
    .join(". ");
  return new AppError("invalid_input", `Invalid input. ${summary}`, { cause: error, fieldErrors });
}
