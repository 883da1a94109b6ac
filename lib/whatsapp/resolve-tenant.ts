import { eq, or, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { tenants } from "@/db/schema";
import type { Tenant } from "@/lib/tenants/get-tenant";

/**
 * How long a resolved tenant (or the absence of one) is reused, in milliseconds. A changed WhatsApp
 * number, Messaging Service or tenant name takes effect within this time, or at once after
 * `clearWhatsAppTenantCache`.
 */
export const TENANT_CACHE_TTL_MS = 30_000;

/** Maximum number of addresses cached per database, so a flood of unknown numbers cannot grow the cache without bound. */
const TENANT_CACHE_MAX_ENTRIES = 1000;

interface CacheEntry {
  tenant: Tenant | null;
  expiresAt: number;
}

// Keyed by database handle, so tests with a fresh database never see another database's tenants.
let cacheByDatabase = new WeakMap<Database, Map<string, CacheEntry>>();

/** Drops every cached resolution, so the next message reads the tenant list again. */
export function clearWhatsAppTenantCache(): void {
  cacheByDatabase = new WeakMap();
}

/**
 * Finds the municipality a WhatsApp message belongs to: the tenant whose WhatsApp number is the
 * message's `To`, else the tenant whose configured Messaging Service sent or received it. Returns
 * null when neither matches. Results are reused for TENANT_CACHE_TTL_MS, because every inbound
 * message needs one and the tenant list almost never changes.
 */
export async function resolveWhatsAppTenant(
  address: { number: string | null; messagingServiceSid: string | null },
  db?: Database,
): Promise<Tenant | null> {
  if (address.number === null && address.messagingServiceSid === null) return null;
  const database = db ?? (await getDb());
  let cache = cacheByDatabase.get(database);
  if (!cache) {
    cache = new Map();
    cacheByDatabase.set(database, cache);
  }

  const key = `${address.number ?? ""}|${address.messagingServiceSid ?? ""}`;
  const now = Date.now();
  const cached = cache.get(key);
  if (cached && cached.expiresAt > now) return cached.tenant;

  const tenant = await queryWhatsAppTenant(address, database);
  cache.delete(key);
  if (cache.size >= TENANT_CACHE_MAX_ENTRIES) {
    // A Map iterates in insertion order, so the first key is the oldest entry.
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, { tenant, expiresAt: now + TENANT_CACHE_TTL_MS });
  return tenant;
}

/** Reads the tenant list directly, because it has no row-level security. */
async function queryWhatsAppTenant(address: { number: string | null; messagingServiceSid: string | null }, database: Database): Promise<Tenant | null> {
  const conditions = [];
  if (address.number !== null) conditions.push(eq(tenants.whatsappNumber, address.number));
  if (address.messagingServiceSid !== null) {
    conditions.push(sql`${tenants.settings} -> 'whatsapp' ->> 'messagingServiceSid' = ${address.messagingServiceSid}`);
  }
  const candidates = await database
    .select()
    .from(tenants)
    .where(or(...conditions))
    .limit(5);
  return (
    candidates.find((tenant) => address.number !== null && tenant.whatsappNumber === address.number) ??
    candidates.find((tenant) => tenant.settings.whatsapp?.messagingServiceSid === address.messagingServiceSid) ??
    null
  );
}
