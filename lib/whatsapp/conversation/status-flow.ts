import { and, desc, eq } from "drizzle-orm";
import { tickets } from "@/db/schema";
import { parseChoice, parseReference } from "../commands";
import { backToMenu, type ConversationContext, type StepOutcome } from "./context";
import type { StatusDraft } from "./draft";

/** Recent reports the status check lists by number. */
const RECENT_REPORTS = 5;

/**
 * Returns the status line of one of the resident's own reports. A reference of another resident's
 * report gets the same "not found" reply as a reference that does not exist.
 */
export async function reportStatusLine(c: ConversationContext, reference: string): Promise<string> {
  const [ticket] = await c.tx
    .select({ reference: tickets.reference, status: tickets.status, createdAt: tickets.createdAt, updatedAt: tickets.updatedAt })
    .from(tickets)
    .where(and(eq(tickets.tenantId, c.tenant.id), eq(tickets.reference, reference), eq(tickets.reporterId, c.actor.userId)))
    .limit(1);
  if (!ticket) return c.t("statusNotFound", { reference });
  return c.t("statusLine", {
    reference: ticket.reference,
    status: c.t.statusLabel(ticket.status),
    date: c.t.formatDate(ticket.createdAt),
    updated: c.t.formatDate(ticket.updatedAt),
  });
}

/** Lists the resident's recent reports by number and prompts for the one to check. */
export async function startStatusCheck(c: ConversationContext): Promise<StepOutcome> {
  const recent = await c.tx
    .select({ reference: tickets.reference, status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.tenantId, c.tenant.id), eq(tickets.reporterId, c.actor.userId)))
    .orderBy(desc(tickets.createdAt))
    .limit(RECENT_REPORTS);
  if (recent.length === 0) return backToMenu([c.t("noReports", { municipality: c.tenant.name })]);

  const draft: StatusDraft = { flow: "status", references: recent.map((ticket) => ticket.reference) };
  const list = recent.map((ticket, index) => `${index + 1}. ${ticket.reference} (${c.t.statusLabel(ticket.status)})`).join("\n");
  return { state: "status_reference", draft, encryptedDraft: null, replies: [c.t("recentReports", { list })] };
}

/** Reads the number or reference of the report to check, replies with its status and returns to the menu. */
export async function continueStatusCheck(c: ConversationContext, draft: StatusDraft): Promise<StepOutcome> {
  const choice = parseChoice(c.message.text, draft.references.length);
  const reference = choice !== null ? draft.references[choice - 1]! : parseReference(c.message.text);
  if (reference === null) {
    return { state: "status_reference", draft, encryptedDraft: null, replies: [c.t("notUnderstood"), statusPrompt(c)] };
  }
  return backToMenu([await reportStatusLine(c, reference)]);
}

export function statusPrompt(c: ConversationContext): string {
  return c.t("statusPrompt", { example: exampleReference(c) });
}

/** Returns an example reference in this municipality's format for help texts, such as TSH-2026-000123. */
export function exampleReference(c: ConversationContext): string {
  return `${c.tenant.code}-${c.now.getUTCFullYear()}-000123`;
}
