import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { withSystem, type Database } from "@/db/client";
import { tenants, users } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { log as rootLogger, type Logger } from "@/lib/log";
import { MAX_PASSWORD_LENGTH, verifyAgainstDummyHash, verifyPassword } from "./password";
import type { Actor } from "./types";

/** Fields the staff sign-in form posts to the "staff-password" provider. */
export const StaffCredentials = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

/**
 * Wrong passwords in a row after which an account is locked. With the lock's length this allows
 * about 960 guesses a day against one account.
 */
export const MAX_FAILED_SIGN_INS = 10;

/** How long a locked account refuses password sign-in, in minutes. */
export const SIGN_IN_LOCK_MINUTES = 15;

/**
 * Signs a staff member (agent, manager, saps_liaison or admin) in with email and password. Returns
 * the actor, or null for every kind of failure alike (unknown email, wrong password, an account
 * without a password such as a resident's), so a caller cannot tell which accounts exist. An unknown
 * email is checked against a dummy hash so it takes about as long as a wrong password.
 *
 * After MAX_FAILED_SIGN_INS wrong passwords in a row the account refuses every password, the right
 * one included, for SIGN_IN_LOCK_MINUTES. Sign-ins, wrong passwords and locks are audited in the
 * account's tenant.
 * NOTE: anyone with a staff email address can keep that account locked. Unknown emails are only
 * logged, and nothing limits attempts per client address.
 */
export async function authorizeStaff(
  credentials: unknown,
  options: { db?: Database; log?: Logger; onTenant?: (tenantId: string) => void; requestId?: string } = {},
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
        locked: sql<boolean>`coalesce(${users.signInLockedUntil} > now(), false)`,
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
  const audit = (action: string, metadata: Record<string, unknown> = {}) =>
    withSystem(
      (tx) =>
        writeAuditEvent(tx, {
          tenantId: account.tenantId,
          actorId: account.userId,
          action,
          targetType: "user",
          targetId: account.userId,
          requestId: options.requestId ?? null,
          metadata,
        }),
      options.db,
    );

  if (account.locked) {
    // Same work as a wrong password, so the response time does not show the lock.
    await verifyAgainstDummyHash(password);
    log.info({ tenantId: account.tenantId, userId: account.userId, outcome: "locked" }, "staff sign-in failed");
    await audit("user.sign_in_failed", { reason: "locked" });
    return null;
  }

  if (!(await verifyPassword(account.passwordHash, password))) {
    const locked = await recordWrongPassword(account.userId, options.db);
    log.info({ tenantId: account.tenantId, userId: account.userId, outcome: "wrong_password", locked }, "staff sign-in failed");
    await audit(locked ? "user.sign_in_locked" : "user.sign_in_failed", {
      reason: "wrong_password",
      ...(locked ? { lockedMinutes: SIGN_IN_LOCK_MINUTES } : {}),
    });
    return null;
  }

  await withSystem(
    (tx) => tx.update(users).set({ failedSignIns: 0 }).where(sql`${users.id} = ${account.userId} and ${users.failedSignIns} > 0`),
    options.db,
  );
  await audit("user.signed_in", { method: "password" });
  log.info({ tenantId: account.tenantId, userId: account.userId, role: account.role, outcome: "ok" }, "staff member signed in");
  return {
    userId: account.userId,
    tenantId: account.tenantId,
    tenantSlug: account.tenantSlug,
    role: account.role,
    name: account.name,
  };
}

/**
 * Counts a wrong password against the account, and locks it when the count reaches
 * MAX_FAILED_SIGN_INS. One statement, so concurrent attempts each count. Returns whether it locked.
 */
async function recordWrongPassword(userId: string, db?: Database): Promise<boolean> {
  const [row] = await withSystem(
    (tx) =>
      tx
        .update(users)
        .set({
          failedSignIns: sql`case when ${users.failedSignIns} + 1 >= ${MAX_FAILED_SIGN_INS} then 0 else ${users.failedSignIns} + 1 end`,
          signInLockedUntil: sql`case when ${users.failedSignIns} + 1 >= ${MAX_FAILED_SIGN_INS}
            then now() + make_interval(mins => ${SIGN_IN_LOCK_MINUTES}) else ${users.signInLockedUntil} end`,
        })
        .where(eq(users.id, userId))
        .returning({ locked: sql<boolean>`coalesce(${users.signInLockedUntil} > now(), false)` }),
    db,
  );
  return row?.locked ?? false;
}
