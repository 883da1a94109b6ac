import type { Database, Tx } from "@/db/client";
import type { Logger } from "@/lib/log";

export interface JobContext {
  /** Transaction of the job's tenant (`withTenant`), committed when the handler returns. */
  tx: Tx;
  jobId: string;
  tenantId: string;
  /** 1 on the first run, 2 on the first retry, and so on. */
  attempt: number;
  /** Logger stamped with the job id, kind and tenant id. */
  log: Logger;
}

/**
 * Work for one job kind. Validate `payload` with zod, because it was stored by an earlier release.
 * Throwing rolls back the transaction and schedules a retry, or marks the job failed after its last
 * attempt.
 */
export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

/** Context of a handler that runs outside any transaction (`registerJobHandlerWithoutTransaction`). */
export interface StandaloneJobContext {
  /**
   * Database the worker was given, to pass to `withTenant`; undefined means the process's database,
   * which `withTenant` then opens itself.
   */
  db: Database | undefined;
  jobId: string;
  tenantId: string;
  /** 1 on the first run, 2 on the first retry, and so on. */
  attempt: number;
  /** Logger stamped with the job id, kind and tenant id. */
  log: Logger;
}

/**
 * Work for one job kind that opens its own short transactions, for jobs that spend seconds outside
 * the database (OCR). Throwing schedules a retry as for `JobHandler`, but writes already committed stay,
 * so each transaction must leave the rows in a state from which a retry can continue.
 */
export type StandaloneJobHandler = (payload: Record<string, unknown>, ctx: StandaloneJobContext) => Promise<void>;

/** A registered handler and whether the worker wraps it in a transaction of the job's tenant. */
export type RegisteredJobHandler = { inTransaction: true; run: JobHandler } | { inTransaction: false; run: StandaloneJobHandler };

export interface PeriodicTask {
  /** Dotted name for logs, such as uploads.cleanup_expired_intents. */
  name: string;
  intervalMs: number;
  /** Runs across tenants, so it opens its own transactions (`withSystem`). Returns a summary for the log. */
  run: (now: Date) => Promise<unknown>;
}

// The registry lives on globalThis because Next.js bundles instrumentation.ts and each route
// separately: a module-level Map would exist once per bundle, and the worker would not see
// handlers registered elsewhere.
interface Registry {
  handlers: Map<string, RegisteredJobHandler>;
  periodicTasks: Map<string, PeriodicTask>;
}
const globalForJobs = globalThis as typeof globalThis & { __bikaJobRegistry?: Registry };

function registry(): Registry {
  globalForJobs.__bikaJobRegistry ??= { handlers: new Map(), periodicTasks: new Map() };
  return globalForJobs.__bikaJobRegistry;
}

/** Registers the handler for a job kind, replacing an earlier one (development reloads modules). */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  registry().handlers.set(kind, { inTransaction: true, run: handler });
}

/** Registers a handler that the worker runs outside any transaction, replacing an earlier one. */
export function registerJobHandlerWithoutTransaction(kind: string, handler: StandaloneJobHandler): void {
  registry().handlers.set(kind, { inTransaction: false, run: handler });
}

export function getJobHandler(kind: string): RegisteredJobHandler | undefined {
  return registry().handlers.get(kind);
}

/** Registers a task the worker runs every `intervalMs`, replacing an earlier one of the same name. */
export function registerPeriodicTask(task: PeriodicTask): void {
  registry().periodicTasks.set(task.name, task);
}

export function listPeriodicTasks(): PeriodicTask[] {
  return [...registry().periodicTasks.values()];
}
