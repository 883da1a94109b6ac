import { jobs } from "@/db/schema";
import type { Tx } from "@/db/client";

export interface EnqueueJobInput {
  tenantId: string;
  /** Dotted kind with a registered handler, such as media.process. */
  kind: string;
  /** JSON-serialisable. Never put a secret or GBV details here: it is stored in plain text. */
  payload: Record<string, unknown>;
  /** Earliest start; now when omitted. */
  runAt?: Date;
  /** Runs before the job is marked failed; 5 when omitted. */
  maxAttempts?: number;
}

/**
 * Queues a job in the caller's transaction, so it exists exactly when the change that needs it
 * commits. Returns the job id.
 */
export async function enqueueJob(tx: Tx, input: EnqueueJobInput): Promise<string> {
  if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
    throw new Error(`enqueueJob: maxAttempts must be a positive integer, got ${input.maxAttempts}`);
  }
  const [row] = await tx
    .insert(jobs)
    .values({
      tenantId: input.tenantId,
      kind: input.kind,
      payload: input.payload,
      runAt: input.runAt ?? new Date(),
      maxAttempts: input.maxAttempts,
    })
    .returning({ id: jobs.id });
  if (!row) throw new Error(`enqueueJob: insert of a ${input.kind} job returned no row`);
  return row.id;
}
