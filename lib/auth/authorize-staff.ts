import { eq } from "drizzle-orm";
import { z } from "zod";
import { withSystem, type Database } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { log as rootLogger, type Logger } from "@/lib/log";
import { MAX_PASSWORD_LENGTH, verifyAgainstDummyHash, verifyPassword } from "./password";
import type { Actor } from "./types";

/** Fields the staff sign-in form posts to the "staff-password" provider. */
export const StaffCredentials = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

/**
 * Signs a staff member (agent, manager, saps_liaison or admin) in with email and password. Returns
 * the actor, or null for every kind of failure alike (unknown email, wrong password, an account
 * without a password such as a resident's), so a caller cannot tell which accounts exist. An unknown
 * email is checked against a dummy hash so it takes about as long as a wrong password.
 */
export async function authorizeStaff(
  credentials: unknown,
  options: { db?: Database; log?: Logger; onTenant?: (tenantId: string) => void } = {},
): Promise<Actor | null> {
  const log = options.log ?? rootLogger;
  const parsed = StaffCredentials.safeParse(credentials);
  if (!parsed.success) {
    log.info({ outcome: "invalid_request", fields: parsed.error.issues.map((issue) => issue.path.join(".")) }, "staff sign-in failed");
    return null;
  }
  const { email, password } = parsed.data;

  // Emails are unique across tenants, and the tenant is not known before the lookup.
  const account = await withSystem(async (tx) => {
    const [row] = await tx
      .select({
        userId: users.id,
        tenantId: users.tenantId,
        tenantSlug: tenants.slug,
        role: users.role,
        name: users.name,
        passwordHash: users.passwordHash,
      })
      .from(users)
      .innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(eq(users.email, email))
      .limit(1);
    return row ?? null;
  }, options.db);

  if (!account?.passwordHash || account.role === "resident") {
    await verifyAgainstDummyHash(password);
    log.info({ outcome: "unknown_account", userId: account?.userId ?? null }, "staff sign-in failed");
    return null;
  }
  options.onTenant?.(account.tenantId);

  if (!(await verifyPassword(account.passwordHash, password))) {
    log.info({ tenantId: account.tenantId, userId: account.userId, outcome: "wrong_password" }, "staff sign-in failed");
    return null;
  }

  log.info({ tenantId: account.tenantId, userId: account.userId, role: account.role, outcome: "ok" }, "staff member signed in");
  return {
    userId: account.userId,
    tenantId: account.tenantId,
    tenantSlug: account.tenantSlug,
    role: account.role,
    name: account.name,
  };
}
