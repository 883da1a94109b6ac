import type { Database } from "@/db/client";
import { log } from "@/lib/log";
import { listPeriodicTasks } from "./registry";
import { runDueJobs } from "./run-due-jobs";

/** How often the worker looks for due jobs and periodic tasks. */
export const JOB_POLL_INTERVAL_MS = 3000;

export interface JobWorker {
  /** Runs one poll now: due jobs, then periodic tasks whose interval has passed. */
  tick: () => Promise<void>;
  /** Stops polling and waits for the poll in progress. */
  stop: () => Promise<void>;
}

const globalForWorker = globalThis as typeof globalThis & { __bikaJobWorker?: JobWorker };
const workerLog = log.child({ component: "jobs" });

/**
 * Starts the process's job worker, or returns the one already running: Next.js may call
 * `register()` more than once per process in development, and two pollers would only compete.
 */
export function startJobWorker(options: { db?: Database; pollIntervalMs?: number } = {}): JobWorker {
  const running = globalForWorker.__bikaJobWorker;
  if (running) return running;

  const pollIntervalMs = options.pollIntervalMs ?? JOB_POLL_INTERVAL_MS;
  const lastRunAt = new Map<string, number>();
  let current: Promise<void> | null = null;

  const poll = async () => {
    try {
      const outcome = await runDueJobs({ db: options.db });
      if (outcome.done + outcome.retried + outcome.failed > 0) workerLog.debug(outcome, "job poll finished");
    } catch (error) {
      workerLog.error({ err: error }, "job poll failed; trying again at the next poll");
    }
    await runPeriodicTasks(lastRunAt);
  };

  // A poll that outlasts the interval is not overlapped; the next tick joins it instead.
  const tick = () => {
    current ??= poll().finally(() => {
      current = null;
    });
    return current;
  };

  const timer = setInterval(() => void tick(), pollIntervalMs);
  timer.unref();

  const worker: JobWorker = {
    tick,
    stop: async () => {
      clearInterval(timer);
      if (globalForWorker.__bikaJobWorker === worker) globalForWorker.__bikaJobWorker = undefined;
      await current;
      workerLog.info("job worker stopped");
    },
  };
  globalForWorker.__bikaJobWorker = worker;
  workerLog.info({ pollIntervalMs, periodicTasks: listPeriodicTasks().map((task) => task.name) }, "job worker started");
  return worker;
}

// Each task runs at the first poll after start, then once per interval.
async function runPeriodicTasks(lastRunAt: Map<string, number>): Promise<void> {
  for (const task of listPeriodicTasks()) {
    const now = new Date();
    const previous = lastRunAt.get(task.name);
    if (previous !== undefined && now.getTime() - previous < task.intervalMs) continue;
    lastRunAt.set(task.name, now.getTime());
    const taskLog = workerLog.child({ task: task.name });
    try {
      taskLog.info("periodic task started");
      const result = await task.run(now);
      taskLog.info({ result }, "periodic task finished");
    } catch (error) {
      taskLog.error({ err: error, retryInMs: task.intervalMs }, "periodic task failed; it runs again after its interval");
    }
  }
}
