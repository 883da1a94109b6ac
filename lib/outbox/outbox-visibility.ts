import { env } from "@/lib/env";

/**
 * Returns true when /dev/outbox may be served: always outside production, and in production only
 * with DEV_OUTBOX=true, because the page shows every resident's sign-in codes to anyone who opens it.
 */
export function isOutboxVisible(): boolean {
  const { nodeEnv, devOutbox } = env();
  return nodeEnv !== "production" || devOutbox;
}
