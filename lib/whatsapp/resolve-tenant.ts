import { eq, or, sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { tenants } from "@/db/schema";
import type { Tenant } from "@/lib/tenants/get-tenant";

/**
 * Finds the municipality a WhatsApp message belongs to: the tenant whose WhatsApp number is the
 * message's `To`, else the tenant whose configured Messaging Service sent or received it. Returns
 * null when neither matches. The tenant list has no row-level security, so this reads it directly.
 */
export async function resolveWhatsAppTenant(
  address: { number: string | null; messagingServiceSid: string | null },
  db?: Database,
): Promise<Tenant | null> {
  if (address.number === null && address.messagingServiceSid === null) return null;
  const database = db ?? (await getDb());
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
