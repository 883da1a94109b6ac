import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem, withTenant } from "@/db/client";
import { auditEvents, jobs } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { insertTenant, type TenantRow } from "@/test/factories";
import { enqueueJob } from "./enqueue-job";
import { registerJobHandler } from "./registry";
import { JOB_LEASE_MS, retryDelayMs, runDueJobs } from "./run-due-jobs";
import { startJobWorker } from "./worker";

let database: TestDatabase;
let tenant: TenantRow;

beforeAll(async () => {
  database = await createTestDatabase();
  tenant = await insertTenant(database.db);
});

afterAll(async () => {
  await database?.drop();
});

async function enqueue(kind: string, options: { maxAttempts?: number; payload?: Record<string, unknown> } = {}) {
  return withTenant(tenant.id, (tx) => enqueueJob(tx, { tenantId: tenant.id, kind, payload: options.payload ?? {}, maxAttempts: options.maxAttempts }), database.db);
}

async function jobRow(id: string) {
  const [row] = await withSystem((tx) => tx.select().from(jobs).where(eq(jobs.id, id)), database.db);
  return row!;
}

/** Marks every queued job done, so each test runs only its own jobs. */
async function drainQueue() {
  await withSystem((tx) => tx.update(jobs).set({ state: "done" }).where(eq(jobs.state, "queued")), database.db);
}

describe("retryDelayMs", () => {
  it("doubles and caps at an hour", () => {
    expect([1, 2, 3].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000]);
    expect(retryDelayMs(20)).toBe(60 * 60 * 1000);
  });
});

describe("runDueJobs", () => {
  it("runs a job in its tenant's transaction", async () => {
    await drainQueue();
    registerJobHandler("test.audit", async (payload, ctx) => {
      await writeAuditEvent(ctx.tx, { tenantId: ctx.tenantId, actorId: null, action: "test.job_ran", targetType: "job", targetId: ctx.jobId, metadata: payload });
    });
    const id = await enqueue("test.audit", { payload: { value: 7 } });

    const outcome = await runDueJobs({ db: database.db, now: new Date(Date.now() + 1000) });
    expect(outcome).toEqual({ done: 1, retried: 0, failed: 0 });
    expect((await jobRow(id)).state).toBe("done");
    const events = await withSystem((tx) => tx.select().from(auditEvents).where(eq(auditEvents.targetId, id)), database.db);
    expect(events.map((event) => event.metadata)).toEqual([{ value: 7 }]);
  });

  it("retries with backoff, then fails", async () => {
    await drainQueue();
    let calls = 0;
    registerJobHandler("test.always_fails", async () => {
      calls += 1;
      throw new Error(`storage unavailable (call ${calls})`);
    });
    const id = await enqueue("test.always_fails", { maxAttempts: 3 });
    const start = Date.now() + 1000;

    expect(await runDueJobs({ db: database.db, now: new Date(start) })).toEqual({ done: 0, retried: 1, failed: 0 });
    let row = await jobRow(id);
    expect(row).toMatchObject({ state: "queued", attempts: 1, lastError: "storage unavailable (call 1)" });
    expect(row.runAt.getTime()).toBe(start + retryDelayMs(1));

    // Not due yet: the retry waits for its delay.
    expect(await runDueJobs({ db: database.db, now: new Date(start + retryDelayMs(1) - 1) })).toEqual({ done: 0, retried: 0, failed: 0 });

    const second = start + retryDelayMs(1);
    expect(await runDueJobs({ db: database.db, now: new Date(second) })).toEqual({ done: 0, retried: 1, failed: 0 });
    row = await jobRow(id);
    expect(row.runAt.getTime()).toBe(second + retryDelayMs(2));

    expect(await runDueJobs({ db: database.db, now: new Date(second + retryDelayMs(2)) })).toEqual({ done: 0, retried: 0, failed: 1 });
    row = await jobRow(id);
    expect(row).toMatchObject({ state: "failed", attempts: 3, lastError: "storage unavailable (call 3)", lockedAt: null });
    expect(calls).toBe(3);

    expect(await runDueJobs({ db: database.db, now: new Date(second + 24 * 60 * 60 * 1000) })).toEqual({ done: 0, retried: 0, failed: 0 });
  });

  it("rolls back a failed handler's writes", async () => {
    await drainQueue();
    registerJobHandler("test.half_done", async (_payload, ctx) => {
      await writeAuditEvent(ctx.tx, { tenantId: ctx.tenantId, actorId: null, action: "test.half_done", targetType: "job", targetId: ctx.jobId });
      throw new Error("failed after writing");
    });
    const id = await enqueue("test.half_done", { maxAttempts: 1 });

    expect(await runDueJobs({ db: database.db, now: new Date(Date.now() + 1000) })).toEqual({ done: 0, retried: 0, failed: 1 });
    const events = await withSystem((tx) => tx.select().from(auditEvents).where(eq(auditEvents.targetId, id)), database.db);
    expect(events).toEqual([]);
  });

  it("fails a job without a handler", async () => {
    await drainQueue();
    const id = await enqueue("test.unregistered", { maxAttempts: 1 });
    await runDueJobs({ db: database.db, now: new Date(Date.now() + 1000) });
    expect(await jobRow(id)).toMatchObject({ state: "failed", lastError: "no handler is registered for job kind test.unregistered" });
  });

  it("takes over a job whose worker stopped", async () => {
    await drainQueue();
    let calls = 0;
    registerJobHandler("test.abandoned", async () => {
      calls += 1;
    });
    const id = await enqueue("test.abandoned");
    const claimedAt = new Date(Date.now() - JOB_LEASE_MS - 1000);
    await withSystem((tx) => tx.update(jobs).set({ state: "running", lockedAt: claimedAt, attempts: 1 }).where(eq(jobs.id, id)), database.db);

    expect(await runDueJobs({ db: database.db })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await jobRow(id)).toMatchObject({ state: "done", attempts: 2 });
    expect(calls).toBe(1);
  });

  it("runs each job once with parallel workers", async () => {
    await drainQueue();
    const runs: string[] = [];
    registerJobHandler("test.count", async (_payload, ctx) => {
      runs.push(ctx.jobId);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) ids.push(await enqueue("test.count"));

    const now = new Date(Date.now() + 1000);
    const outcomes = await Promise.all([1, 2, 3].map(() => runDueJobs({ db: database.db, now, batchSize: 4 })));
    expect(outcomes.reduce((sum, outcome) => sum + outcome.done, 0)).toBe(12);
    expect(runs.sort()).toEqual([...ids].sort());
  });
});

describe("startJobWorker", () => {
  it("starts once per process", async () => {
    await drainQueue();
    const first = startJobWorker({ db: database.db, pollIntervalMs: 60_000 });
    const second = startJobWorker({ db: database.db, pollIntervalMs: 60_000 });
    try {
      expect(second).toBe(first);
      registerJobHandler("test.tick", async () => {});
      const id = await enqueue("test.tick");
      await new Promise((resolve) => setTimeout(resolve, 5));
      await first.tick();
      expect((await jobRow(id)).state).toBe("done");
    } finally {
      await first.stop();
    }
    const third = startJobWorker({ db: database.db, pollIntervalMs: 60_000 });
    expect(third).not.toBe(first);
    await third.stop();
  });
});
