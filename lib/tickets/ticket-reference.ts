import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { ticketCounters } from "@/db/schema";

/** Municipal time zone: references roll over at midnight on 1 January in South Africa, not in UTC. */
export const TICKET_TIME_ZONE = "Africa/Johannesburg";

const yearFormat = new Intl.DateTimeFormat("en-ZA", { timeZone: TICKET_TIME_ZONE, year: "numeric" });

/** Returns the calendar year of `at` in South Africa. */
export function ticketYear(at: Date): number {
  return Number(yearFormat.format(at));
}

/** Formats a reference such as TSH-2026-000123. Numbers past 999999 keep all their digits. */
export function formatTicketReference(tenantCode: string, year: number, sequence: number): string {
  return `${tenantCode}-${year}-${String(sequence).padStart(6, "0")}`;
}

/**
 * Allocates the next reference for a tenant and year. The upsert takes a row lock on the counter
 * that is held until the caller's transaction ends, so concurrent reports get consecutive numbers,
 * and a rolled-back report returns its number to the pool.
 */
export async function allocateTicketReference(tx: Tx, options: { tenantId: string; tenantCode: string; at: Date }): Promise<string> {
  const year = ticketYear(options.at);
  const [row] = await tx
    .insert(ticketCounters)
    .values({ tenantId: options.tenantId, year, lastValue: 1 })
    .onConflictDoUpdate({
      target: [ticketCounters.tenantId, ticketCounters.year],
      set: { lastValue: sql`${ticketCounters.lastValue} + 1` },
    })
    .returning({ lastValue: ticketCounters.lastValue });
  if (!row) throw new Error(`allocateTicketReference: counter upsert for tenant ${options.tenantId} returned no row`);
  return formatTicketReference(options.tenantCode, year, row.lastValue);
}
