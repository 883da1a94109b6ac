import { headers } from "next/headers";
import { ZodError } from "zod";
import { AppError, publicMessage } from "./errors";
import { invalidInput } from "./http";
import { requestLogger, type Logger } from "./log";
import { requestIdFrom } from "./request-context";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: string; message: string; fieldErrors?: Record<string, string[]> };

export interface ActionContext {
  requestId: string;
  log: Logger;
  setTenant: (tenantId: string) => void;
}

/**
 * Runs a server action body: assigns a request id, maps AppError and ZodError to
 * `{ ok: false, message, fieldErrors }`, never returns an unknown error's text, and logs the outcome.
 */
export async function runAction<T>(name: string, body: (context: ActionContext) => Promise<T>): Promise<ActionResult<T>> {
  const started = performance.now();
  const requestId = requestIdFrom(await headers());
  let log = requestLogger({ requestId, route: `action:${name}` });
  const context: ActionContext = {
    requestId,
    get log() {
      return log;
    },
    setTenant: (id) => {
      log = requestLogger({ requestId, tenantId: id, route: `action:${name}` });
    },
  };
  // The child logger carries requestId and tenantId on every line.
  const durationMs = () => Math.round(performance.now() - started);

  try {
    const data = await body(context);
    log.info({ outcome: "ok", durationMs: durationMs() }, "action finished");
    return { ok: true, data };
  } catch (caught) {
    const error = caught instanceof ZodError ? invalidInput(caught) : caught;
    if (error instanceof AppError && error.code !== "internal") {
      log.info({ outcome: error.code, durationMs: durationMs() }, error.message);
      return { ok: false, code: error.code, message: error.message, fieldErrors: error.fieldErrors };
    }
    log.error({ outcome: "internal", err: error, durationMs: durationMs() }, "action failed");
    return { ok: false, code: "internal", message: publicMessage(error) };
  }
}
