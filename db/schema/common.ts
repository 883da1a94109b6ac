import { sql } from "drizzle-orm";
import { pgPolicy, pgRole, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * The role the application acts as for all tenant data. It owns no table and is not a superuser,
 * so row-level security applies to it. The role itself is created by the first migration.
 */
export const appRole = pgRole("bika_app").existing();

/**
 * The role for work that spans tenants: sign-in lookups, the job worker, seeding. Tables force
 * row-level security, so it reaches rows only through its own all-rows policy on each table.
 */
export const systemRole = pgRole("bika_system").existing();

/** Tenant id for the current transaction, set by `withTenant` in db/client.ts. */
export const currentTenantId = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;

/**
 * Row-level security policies for a tenant-owned table: the application role reaches only rows of the
 * current tenant, and the system role reaches all rows.
 */
export function tenantPolicies(table: string) {
  return [
    pgPolicy(`${table}_tenant_isolation`, {
      as: "permissive",
      for: "all",
      to: appRole,
      using: sql`tenant_id = ${currentTenantId}`,
      withCheck: sql`tenant_id = ${currentTenantId}`,
    }),
    pgPolicy(`${table}_system_access`, {
      as: "permissive",
      for: "all",
      to: systemRole,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ];
}

export const id = () => uuid("id").primaryKey().defaultRandom();

export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};
