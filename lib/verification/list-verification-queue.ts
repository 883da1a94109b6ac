import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { users, verificationRequests } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { invalidInput } from "@/lib/http";
import type { CheckStatus } from "./types";
import { REVIEW_ROLES, toStoredChecks, UNDECIDED_STATES, type VerificationState } from "./verification-requests";

/** Maximum requests on one page of the queue. */
export const QUEUE_PAGE_SIZE = 100;

export const ListVerificationQueueInput = z.object({
  /** "open": waiting for a decision, oldest first; "decided": approved or rejected, newest first. */
  view: z.enum(["open", "decided"], { message: 'View must be "open" or "decided".' }).default("open"),
});
export type ListVerificationQueueInput = z.input<typeof ListVerificationQueueInput>;

export interface VerificationQueueItem {
  id: string;
  state: VerificationState;
  residentName: string;
  createdAt: Date;
  decidedAt: Date | null;
  /** True when the reader could not read the document, so every field must be entered by hand. */
  readFailed: boolean;
  checks: { statementDate: CheckStatus; holderName: CheckStatus; address: CheckStatus } | null;
}

/** Lists the tenant's verification requests for the review queue. Managers only. */
export async function listVerificationQueue(actor: Actor, input: ListVerificationQueueInput = {}, db?: Database): Promise<VerificationQueueItem[]> {
  requireRole(actor, REVIEW_ROLES);
  const parsed = ListVerificationQueueInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const open = parsed.data.view === "open";

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const rows = await tx
        .select({
          id: verificationRequests.id,
          state: verificationRequests.state,
          residentName: users.name,
          createdAt: verificationRequests.createdAt,
          decidedAt: verificationRequests.decidedAt,
          readFailure: verificationRequests.readFailure,
          checks: verificationRequests.checks,
        })
        .from(verificationRequests)
        .innerJoin(users, and(eq(users.id, verificationRequests.userId), eq(users.tenantId, actor.tenantId)))
        .where(
          and(
            eq(verificationRequests.tenantId, actor.tenantId),
            inArray(verificationRequests.state, open ? [...UNDECIDED_STATES] : ["approved", "rejected"]),
          ),
        )
        .orderBy(open ? asc(verificationRequests.createdAt) : desc(verificationRequests.decidedAt), asc(verificationRequests.id))
        .limit(QUEUE_PAGE_SIZE);
      return rows.map(({ readFailure, checks, ...row }) => {
        const stored = toStoredChecks(checks);
        return {
          ...row,
          readFailed: readFailure !== null,
          checks: stored
            ? { statementDate: stored.statementDate.status, holderName: stored.holderName.status, address: stored.address.status }
            : null,
        };
      });
    },
    db,
  );
}
