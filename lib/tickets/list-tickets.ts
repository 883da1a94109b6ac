import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { categories, tickets } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import { STAFF_ROLES, type Actor } from "@/lib/auth/types";
import { invalidInput } from "@/lib/http";
import { decodeTicketCursor, encodeTicketCursor } from "./ticket-cursor";
import { TICKET_STATUSES, ticketCategoryJoin, ticketSummaryColumns, toTicketSummary, type TicketSummary } from "./ticket-summary";

export const ListTicketsForStaffInput = z.object({
  status: z.enum(TICKET_STATUSES, { message: `Status must be one of ${TICKET_STATUSES.join(", ")}.` }).optional(),
  categoryId: z.uuid({ message: "Category must be a category id." }).optional(),
  cursor: z.string().max(500, "The page cursor is too long. Start again from the first page.").optional(),
  limit: z.coerce
    .number()
    .int("Page size must be a whole number.")
    .min(1, "Page size must be between 1 and 100.")
    .max(100, "Page size must be between 1 and 100.")
    .default(25),
});
export type ListTicketsForStaffInput = z.input<typeof ListTicketsForStaffInput>;

/** Tickets a resident's own list shows, newest first. */
export const RESIDENT_TICKET_LIST_LIMIT = 100;

// Microsecond UTC text for the cursor; see TicketCursor for why not a Date.
const createdAtText = sql<string>`to_char(${tickets.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Lists a tenant's tickets for the dashboard, newest first, one page at a time. `nextCursor` is
 * null on the last page. Sensitive tickets are listed with their stored generic description.
 */
export async function listTicketsForStaff(
  actor: Actor,
  input: ListTicketsForStaffInput = {},
  db?: Database,
): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
  requireRole(actor, STAFF_ROLES);
  const parsed = ListTicketsForStaffInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { status, categoryId, limit } = parsed.data;
  const cursor = parsed.data.cursor ? decodeTicketCursor(parsed.data.cursor) : null;

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const conditions: SQL[] = [eq(tickets.tenantId, actor.tenantId)];
      if (status) conditions.push(eq(tickets.status, status));
      if (categoryId) conditions.push(eq(tickets.categoryId, categoryId));
      if (cursor) {
        conditions.push(sql`(${tickets.createdAt}, ${tickets.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
      }

      // One row past the page shows whether another page follows.
      const rows = await tx
        .select({ ...ticketSummaryColumns, createdAtText })
        .from(tickets)
        .innerJoin(categories, ticketCategoryJoin)
        .where(and(...conditions))
        .orderBy(desc(tickets.createdAt), desc(tickets.id))
        .limit(limit + 1);

      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last ? encodeTicketCursor({ createdAt: last.createdAtText, id: last.id }) : null;
      return { items: page.map((row) => toTicketSummary(row, actor)), nextCursor };
    },
    db,
  );
}

/** Lists the resident's own tickets, newest first, up to RESIDENT_TICKET_LIST_LIMIT. */
export async function listTicketsForResident(actor: Actor, db?: Database): Promise<TicketSummary[]> {
  requireRole(actor, ["resident"]);

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const rows = await tx
        .select(ticketSummaryColumns)
        .from(tickets)
        .innerJoin(categories, ticketCategoryJoin)
        .where(and(eq(tickets.tenantId, actor.tenantId), eq(tickets.reporterId, actor.userId)))
        .orderBy(desc(tickets.createdAt), desc(tickets.id))
        .limit(RESIDENT_TICKET_LIST_LIMIT);
      return rows.map((row) => toTicketSummary(row, actor));
    },
    db,
  );
}
