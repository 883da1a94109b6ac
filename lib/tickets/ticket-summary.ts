import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/types";
import { categories, mediaAttachments, tickets } from "@/db/schema";

export type TicketStatus = (typeof tickets.$inferSelect)["status"];

export const TICKET_STATUSES = tickets.status.enumValues;

/** One row of a ticket list. */
export interface TicketSummary {
  id: string;
  reference: string;
  status: TicketStatus;
  categoryName: string;
  /** For sensitive tickets the stored generic text "GBV incident report". */
  description: string;
  /** Null when the resident gave none, or when a sensitive ticket is shown to anyone but saps_liaison. */
  addressText: string | null;
  createdAt: Date;
  attachmentCount: number;
  isSensitive: boolean;
}

/** Columns every ticket list and the detail view select, joined with `categories`. */
export const ticketSummaryColumns = {
  id: tickets.id,
  reference: tickets.reference,
  status: tickets.status,
  categoryName: categories.name,
  description: tickets.description,
  addressText: tickets.addressText,
  createdAt: tickets.createdAt,
  isSensitive: tickets.isSensitive,
  attachmentCount: sql<number>`(select count(*)::int from ${mediaAttachments} where ${mediaAttachments.ticketId} = ${tickets.id} and ${mediaAttachments.tenantId} = ${tickets.tenantId})`,
};

/** Join condition for `categories`, scoped to the ticket's tenant. */
export const ticketCategoryJoin = and(eq(categories.id, tickets.categoryId), eq(categories.tenantId, tickets.tenantId));

/**
 * Returns whether the actor may see where a sensitive ticket happened and who reported it. The place of a
 * GBV report can identify the person, so only saps_liaison may see it.
 */
export function maySeeSensitiveDetails(actor: Actor): boolean {
  return actor.role === "saps_liaison";
}

type SummaryRow = { [K in keyof typeof ticketSummaryColumns]: TicketSummary[K] };

/** Converts a selected row to a summary, withholding a sensitive ticket's address from other roles. */
export function toTicketSummary(row: SummaryRow, actor: Actor): TicketSummary {
  const hideLocation = row.isSensitive && !maySeeSensitiveDetails(actor) && actor.role !== "resident";
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    categoryName: row.categoryName,
    description: row.description,
    addressText: hideLocation ? null : row.addressText,
    createdAt: row.createdAt,
    attachmentCount: Number(row.attachmentCount),
    isSensitive: row.isSensitive,
  };
}
