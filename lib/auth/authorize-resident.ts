import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database, type Tx } from "@/db/client";
import { oneTimeCodes, users } from "@/db/schema";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/lib/i18n";
import { log as rootLogger, type Logger } from "@/lib/log";
import { maskPhoneNumber, PhoneNumber } from "@/lib/phone";
import { getTenantBySlug } from "@/lib/tenants/get-tenant";
import { hashSignInCode, MAX_CODE_ATTEMPTS, signInCodeHashesMatch } from "./sign-in-code";
import type { ResidentSignInFailure } from "./sign-in-failures";
import type { Actor } from "./types";

/** Fields the resident sign-in form posts to the "resident-otp" provider. */
export const ResidentCredentials = z.object({
  tenantSlug: z.string().min(1).max(63),
  phone: PhoneNumber,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "must be six digits"),
  /** Name for a first sign-in; ignored when the resident already has an account. */
  name: z
    .string()
    .trim()
    .max(100, "must be at most 100 characters")
    .optional()
    .transform((value) => (value === "" ? undefined : value)),
  locale: z
    .string()
    .optional()
    .transform((value): Locale => (isLocale(value) ? value : DEFAULT_LOCALE)),
});
export type ResidentCredentials = z.output<typeof ResidentCredentials>;

/** A refused resident sign-in. `message` is the reason code, because next-auth passes it to the page as `?error=`. */
export class ResidentSignInError extends Error {
  constructor(readonly reason: ResidentSignInFailure) {
    super(reason);
    this.name = "ResidentSignInError";
  }
}

export interface AuthorizeOptions {
  db?: Database;
  now?: Date;
  log?: Logger;
  /** Called once the tenant is known, so the request's outcome line can carry it. */
  onTenant?: (tenantId: string) => void;
}

const DEFAULT_RESIDENT_NAME = "Resident";

/**
 * Signs a resident in with a one-time code: the latest code issued for that tenant and phone
 * number must be unused, unexpired and have fewer than MAX_CODE_ATTEMPTS wrong tries. A wrong
 * code counts a try; the right one consumes the code and finds or creates the resident's account.
 * Returns the actor, or throws ResidentSignInError.
 */
export async function authorizeResident(credentials: unknown, options: AuthorizeOptions = {}): Promise<Actor> {
  const log = options.log ?? rootLogger;
  const now = options.now ?? new Date();

  const parsed = ResidentCredentials.safeParse(credentials);
  if (!parsed.success) {
    log.info({ outcome: "invalid_request", fields: parsed.error.issues.map((issue) => issue.path.join(".")) }, "resident sign-in failed");
    throw new ResidentSignInError("invalid_request");
  }
  const input = parsed.data;

  const tenant = await getTenantBySlug(input.tenantSlug, options.db);
  if (!tenant) {
    log.info({ outcome: "unknown_tenant" }, "resident sign-in failed");
    throw new ResidentSignInError("unknown_tenant");
  }
  options.onTenant?.(tenant.id);

  const result = await withTenant(tenant.id, (tx) => checkCodeAndSignIn(tx, tenant.id, input, now), options.db);

  const recipient = maskPhoneNumber(input.phone);
  if ("failure" in result) {
    log.info({ tenantId: tenant.id, recipient, outcome: result.failure, ...result.details }, "resident sign-in failed");
    throw new ResidentSignInError(result.failure);
  }
  log.info({ tenantId: tenant.id, userId: result.user.id, created: result.created, outcome: "ok" }, "resident signed in");
  return { userId: result.user.id, tenantId: tenant.id, tenantSlug: tenant.slug, role: "resident", name: result.user.name };
}

type CheckResult =
  | { failure: ResidentSignInFailure; details?: Record<string, unknown> }
  | { user: { id: string; name: string }; created: boolean };

// The failure is returned rather than thrown, so the transaction commits the counted try.
async function checkCodeAndSignIn(tx: Tx, tenantId: string, input: ResidentCredentials, now: Date): Promise<CheckResult> {
  // Only the latest code counts; requesting a new code retires the earlier ones. FOR UPDATE makes
  // concurrent tries on one code count one after another.
  const [latest] = await tx
    .select()
    .from(oneTimeCodes)
    .where(and(eq(oneTimeCodes.tenantId, tenantId), eq(oneTimeCodes.phone, input.phone)))
    .orderBy(desc(oneTimeCodes.createdAt))
    .limit(1)
    .for("update");
  if (!latest) return { failure: "code_expired", details: { reason: "no code issued" } };
  if (latest.consumedAt) return { failure: "code_expired", details: { reason: "code already used" } };
  if (latest.expiresAt.getTime() <= now.getTime()) return { failure: "code_expired", details: { reason: "code expired" } };
  if (latest.attempts >= MAX_CODE_ATTEMPTS) return { failure: "code_locked", details: { attempts: latest.attempts } };

  const submittedHash = hashSignInCode({ tenantId, phone: input.phone, code: input.code });
  if (!signInCodeHashesMatch(latest.codeHash, submittedHash)) {
    const attempts = latest.attempts + 1;
    await tx.update(oneTimeCodes).set({ attempts }).where(eq(oneTimeCodes.id, latest.id));
    return { failure: attempts >= MAX_CODE_ATTEMPTS ? "code_locked" : "wrong_code", details: { attempts } };
  }

  await tx.update(oneTimeCodes).set({ consumedAt: now }).where(eq(oneTimeCodes.id, latest.id));

  const existing = await findUserByPhone(tx, tenantId, input.phone);
  if (existing) {
    // A staff member whose phone number is on file signs in with a password, never with a code.
    if (existing.role !== "resident") return { failure: "not_resident", details: { userId: existing.id } };
    return { user: existing, created: false };
  }
  const [created] = await tx
    .insert(users)
    .values({
      tenantId,
      role: "resident",
      name: input.name ?? DEFAULT_RESIDENT_NAME,
      phone: input.phone,
      preferredLanguage: input.locale,
    })
    .returning({ id: users.id, name: users.name });
  if (!created) throw new Error("authorizeResident: the users insert returned no row");
  return { user: created, created: true };
}

async function findUserByPhone(tx: Tx, tenantId: string, phone: string) {
  const [user] = await tx
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.phone, phone)))
    .limit(1);
  return user ?? null;
}
