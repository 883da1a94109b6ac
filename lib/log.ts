import pino from "pino";
import { env } from "./env";

// JSON lines on stdout. Secrets and GBV details must never be passed to the logger; the redact list
// is a second wall for fields that commonly carry them.
export const log = pino({
  level: env().logLevel,
  base: { service: "bika" },
  redact: {
    paths: [
      "password",
      "*.password",
      "code",
      "*.code",
      "authorization",
      "*.authorization",
      "headers.cookie",
      "*.headers.cookie",
      "secret",
      "*.secret",
    ],
    censor: "[redacted]",
  },
});

export type Logger = pino.Logger;

/** Returns a child logger that stamps every line with the request and tenant ids. */
export function requestLogger(fields: { requestId: string; tenantId?: string | null; route?: string }): Logger {
  return log.child({ requestId: fields.requestId, tenantId: fields.tenantId ?? null, route: fields.route });
}
