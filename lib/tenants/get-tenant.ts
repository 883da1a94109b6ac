import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Database } from "@/db/client";
import { tenants } from "@/db/schema";
import { AppError } from "@/lib/errors";

export type Tenant = typeof tenants.$inferSelect;

// Lower-case letters, digits and single hyphens, as in /m/tshwane. Anything else cannot be a
// tenant, so the lookup returns null without a query.
const TenantSlug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(63);

// The tenant list has no row-level security (every user may read it), so these reads run on the
// plain connection instead of inside withTenant or withSystem.

/** Returns the tenant with this slug, or null when there is none or the slug is malformed. */
export async function getTenantBySlug(slug: string, db?: Database): Promise<Tenant | null> {
  if (!TenantSlug.safeParse(slug).success) return null;
  const database = db ?? (await getDb());
  const [tenant] = await database.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return tenant ?? null;
}

/** Returns the tenant with this slug, or throws AppError not_found. */
export async function getTenantBySlugOrThrow(slug: string, db?: Database): Promise<Tenant> {
  const tenant = await getTenantBySlug(slug, db);
  if (!tenant) throw new AppError("not_found", `No municipality with the address name ${JSON.stringify(slug)}. Check the link.`);
  return tenant;
}

/** Returns every tenant, sorted by name. */
export async function listTenants(db?: Database): Promise<Tenant[]> {
  const database = db ?? (await getDb());
  return database.select().from(tenants).orderBy(asc(tenants.name));
}
