import { and, count, eq, gt, min, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { DETAILS_REVEALED } from "./audit-actions";

/** Reveals one officer may make in REVEAL_WINDOW_MINUTES, successful or not. */
export const REVEAL_LIMIT = 10;
export const REVEAL_WINDOW_MINUTES = 10;

/**
 * Throws AppError rate_limited once the actor has REVEAL_LIMIT reveal events in the last
 * REVEAL_WINDOW_MINUTES. The audit log is the counter, so the limit applies across server processes.
 * A transaction-scoped advisory lock per actor makes concurrent reveals count one after another;
 * the caller must write its audit event in the same transaction.
 */
export async function assertRevealAllowed(tx: Tx, actor: Actor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`gbv.reveal:${actor.userId}`}, 0))`);

  const windowStart = sql`now() - make_interval(mins => ${REVEAL_WINDOW_MINUTES})`;
  const [recent] = await tx
    .select({ reveals: count(), oldest: min(auditEvents.createdAt) })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.tenantId, actor.tenantId),
        eq(auditEvents.actorId, actor.userId),
        eq(auditEvents.action, DETAILS_REVEALED),
        gt(auditEvents.createdAt, windowStart),
      ),
    );

  if (recent && recent.reveals >= REVEAL_LIMIT) {
    const oldest = recent.oldest ? new Date(recent.oldest) : new Date();
    const retryAt = new Date(oldest.getTime() + REVEAL_WINDOW_MINUTES * 60_000);
    const minutes = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 60_000));
    throw new AppError(
      "rate_limited",
      `You have revealed confidential details ${REVEAL_LIMIT} times in the last ${REVEAL_WINDOW_MINUTES} minutes, the most allowed. ` +
        `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
}
