import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, tenantPolicies, timestamps } from "./common";
import { tenants } from "./tenants";

export const userRole = pgEnum("user_role", ["resident", "agent", "manager", "saps_liaison", "admin"]);
export const verificationStatus = pgEnum("verification_status", ["unverified", "pending", "verified", "rejected"]);
export const languageCode = pgEnum("language_code", ["en", "zu", "af"]);

export const users = pgTable(
  "users",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    role: userRole("role").notNull(),
    name: text("name").notNull(),
    /** E.164, such as +27825550123. Residents sign in with it. */
    phone: text("phone"),
    /** Staff sign-in; stored lower-case. */
    email: text("email"),
    /** argon2id hash for staff; residents have none. */
    passwordHash: text("password_hash"),
    verificationStatus: verificationStatus("verification_status").notNull().default("unverified"),
    verifiedAddress: text("verified_address"),
    verificationDocumentId: uuid("verification_document_id"),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    preferredLanguage: languageCode("preferred_language").notNull().default("en"),
    /** Count of wrong staff passwords since the last sign-in or lock. Locking resets it to 0. */
    failedSignIns: integer("failed_sign_ins").notNull().default(0),
    /** End of the lock after too many wrong passwords. Until then password sign-in is refused. */
    signInLockedUntil: timestamp("sign_in_locked_until", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    /** Resident sign-in: one account per phone number within a municipality. */
    uniqueIndex("users_tenant_id_phone_idx").on(t.tenantId, t.phone).where(sql`${t.phone} is not null`),
    /** Staff sign-in looks an email up across tenants. */
    uniqueIndex("users_email_idx").on(t.email).where(sql`${t.email} is not null`),
    ...tenantPolicies("users"),
  ],
).enableRLS();

/** One-time sign-in codes for residents. Only the SHA-256 of the code (keyed with the app secret) is stored. */
export const oneTimeCodes = pgTable(
  "one_time_codes",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    phone: text("phone").notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    /** Latest code for a number, and the per-number rate limit window. */
    index("one_time_codes_tenant_id_phone_created_at_idx").on(t.tenantId, t.phone, t.createdAt),
    ...tenantPolicies("one_time_codes"),
  ],
).enableRLS();
