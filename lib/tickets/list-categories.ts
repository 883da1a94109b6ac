import { asc, eq } from "drizzle-orm";
import { withTenant, type Database } from "@/db/client";
import { categories } from "@/db/schema";

export type Category = typeof categories.$inferSelect;

/**
 * Returns a tenant's categories in display order, sensitive ones (GBV) included. A picker for
 * `createTicket` leaves out those with `isSensitive`, because createTicket rejects them. Public
 * pages pass `{ tenantId }` because categories are not secret.
 */
export async function listCategories(scope: { tenantId: string }, db?: Database): Promise<Category[]> {
  return withTenant(
    scope.tenantId,
    (tx) =>
      tx
        .select()
        .from(categories)
        .where(eq(categories.tenantId, scope.tenantId))
        .orderBy(asc(categories.sortOrder), asc(categories.name)),
    db,
  );
}
