import { and, eq } from "drizzle-orm";
import { withTenant, type Database } from "@/db/client";
import { users } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";

export interface MyVerification {
  status: "unverified" | "pending" | "verified" | "rejected";
  /** Set once a manager approved a document; null otherwise. */
  verifiedAddress: string | null;
  verifiedAt: Date | null;
}

/** Returns the signed-in resident's own verification status and verified address, and nothing about the document. */
export async function getMyVerification(actor: Actor, db?: Database): Promise<MyVerification> {
  requireRole(actor, ["resident"]);
  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({ status: users.verificationStatus, verifiedAddress: users.verifiedAddress, verifiedAt: users.verifiedAt })
        .from(users)
        .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)))
        .limit(1);
      if (!row) throw new AppError("not_found", "Your account was not found in this municipality. Sign in again.");
      return row.status === "verified" ? row : { ...row, verifiedAddress: null, verifiedAt: null };
    },
    db,
  );
}
