import { and, asc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import { withSystem, withTenant, type Database } from "@/db/client";
import { jobs } from "@/db/schema";
import { log } from "@/lib/log";
import { getJobHandler } from "./registry";

type Job = typeof jobs.$inferSelect;

/** Jobs claimed per poll. They run one after another, so a poll uses one connection at a time. */
export const JOB_BATCH_SIZE = 10;

/**
 * How long a claimed job may stay `running` before another worker takes it over, on the grounds
 * that the process which claimed it stopped. A handler that runs longer than this may run twice.
 */
export const JOB_LEASE_MS = 15 * 60 * 1000;

const FIRST_RETRY_DELAY_MS = 30 * 1000;
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
const MAX_ERROR_LENGTH = 2000;

/** Delay before the retry that follows failed attempt `attempt` (1-based): 30 s, 1 min, 2 min, ... capped at 1 h. */
export function retryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
}

const jobLog = log.child({ component: "jobs" });

/**
 * Claims the jobs due at `now` and runs each in a transaction of its tenant, or without one for
 * handlers registered with `registerJobHandlerWithoutTransaction`. Returns how many jobs finished,
 * were scheduled for a retry, and failed for good.
 */
export async function runDueJobs(
  options: { now?: Date; db?: Database; batchSize?: number } = {},
): Promise<{ done: number; retried: number; failed: number }> {
  const now = options.now ?? new Date();
  const claimed = await claimDueJobs(now, options.batchSize ?? JOB_BATCH_SIZE, options.db);
  const outcome = { done: 0, retried: 0, failed: 0 };
  for (const job of claimed) {
    const result = await runJob(job, now, options.db);
    outcome[result] += 1;
  }
  return outcome;
}

// SKIP LOCKED lets several workers poll at once without taking the same job.
async function claimDueJobs(now: Date, batchSize: number, db: Database | undefined): Promise<Job[]> {
  const leaseExpired = new Date(now.getTime() - JOB_LEASE_MS);
  return withSystem(async (tx) => {
    const due = tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        or(
          and(eq(jobs.state, "queued"), lte(jobs.runAt, now)),
          and(eq(jobs.state, "running"), lt(jobs.lockedAt, leaseExpired)),
        ),
      )
      .orderBy(asc(jobs.runAt))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    return tx
      .update(jobs)
      .set({ state: "running", lockedAt: now, attempts: sql`${jobs.attempts} + 1`, updatedAt: now })
      .where(inArray(jobs.id, due))
      .returning();
  }, db);
}

async function runJob(job: Job, now: Date, db: Database | undefined): Promise<"done" | "retried" | "failed"> {
  const jobContextLog = jobLog.child({ jobId: job.id, tenantId: job.tenantId, kind: job.kind, attempt: job.attempts });
  try {
    // attempts beyond maxAttempts means the previous worker stopped during the last attempt.
    if (job.attempts > job.maxAttempts) {
      throw new Error(`the worker stopped during attempt ${job.maxAttempts} of ${job.maxAttempts}`);
    }
    const handler = getJobHandler(job.kind);
    if (!handler) throw new Error(`no handler is registered for job kind ${job.kind}`);
    jobContextLog.info("job started");
    const context = { jobId: job.id, tenantId: job.tenantId, attempt: job.attempts, log: jobContextLog };
    if (handler.inTransaction) {
      const run = handler.run;
      await withTenant(job.tenantId, (tx) => run(job.payload, { ...context, tx }), db);
    } else {
      await handler.run(job.payload, { ...context, db });
    }
  } catch (error) {
    return recordFailure(job, now, error, jobContextLog, db);
  }

  await finishClaimedJob(job, { state: "done", lockedAt: null, lastError: null, updatedAt: new Date() }, db);
  jobContextLog.info("job finished");
  return "done";
}

async function recordFailure(
  job: Job,
  now: Date,
  error: unknown,
  jobContextLog: typeof jobLog,
  db: Database | undefined,
): Promise<"retried" | "failed"> {
  const lastError = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
  if (job.attempts >= job.maxAttempts) {
    await finishClaimedJob(job, { state: "failed", lockedAt: null, lastError, updatedAt: new Date() }, db);
    jobContextLog.error({ err: error, maxAttempts: job.maxAttempts }, "job failed after its last attempt");
    return "failed";
  }
  const runAt = new Date(now.getTime() + retryDelayMs(job.attempts));
  await finishClaimedJob(job, { state: "queued", lockedAt: null, lastError, runAt, updatedAt: new Date() }, db);
  jobContextLog.warn({ err: error, retryAt: runAt.toISOString(), maxAttempts: job.maxAttempts }, "job failed, will retry");
  return "retried";
}

// Matching on lockedAt leaves the row alone if another worker took it over after the lease ran out.
async function finishClaimedJob(job: Job, values: Partial<typeof jobs.$inferInsert>, db: Database | undefined): Promise<void> {
  await withSystem(async (tx) => {
    await tx
      .update(jobs)
      .set(values)
      .where(and(eq(jobs.id, job.id), eq(jobs.lockedAt, job.lockedAt ?? new Date(0))));
  }, db);
}
