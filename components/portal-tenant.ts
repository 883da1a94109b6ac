import { notFound } from "next/navigation";
import { cache } from "react";
import { getTenantBySlug, type Tenant } from "@/lib/tenants/get-tenant";

/**
 * Returns the municipality of a `/m/{slug}` page, or renders the not-found page for an unknown slug.
 * Cached per request, because the layout, the page and their metadata all need it.
 */
export const loadPortalTenant = cache(async (slug: string): Promise<Tenant> => {
  const tenant = await getTenantBySlug(slug);
  if (!tenant) notFound();
  return tenant;
});
