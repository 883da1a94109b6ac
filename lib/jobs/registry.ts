import type { Tx } from "@/db/client";
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
  handlers: Map<string, JobHandler>;
  periodicTasks: Map<string, PeriodicTask>;
}
const globalForJobs = globalThis as typeof globalThis & { __bikaJobRegistry?: Registry };

function registry(): Registry {
  globalForJobs.__bikaJobRegistry ??= { handlers: new Map(), periodicTasks: new Map() };
  return globalForJobs.__bikaJobRegistry;
}

/** Registers the handler for a job kind, replacing an earlier one (development reloads modules). */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  registry().handlers.set(kind, handler);
}

export function getJobHandler(kind: string): JobHandler | undefined {
  return registry().handlers.get(kind);
}

/** Registers a task the worker runs every `intervalMs`, replacing an earlier one of the same name. */
export function registerPeriodicTask(task: PeriodicTask): void {
  registry().periodicTasks.set(task.name, task);
}

export function listPeriodicTasks(): PeriodicTask[] {
  return [...registry().periodicTasks.values()];
}
