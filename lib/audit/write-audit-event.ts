import { auditEvents } from "@/db/schema";
import type { Tx } from "@/db/client";

export interface AuditEventInput {
  tenantId: string;
  /** The user who acted; null for work the system did on its own (jobs, cleanup). */
  actorId: string | null;
  /** Dotted verb such as ticket.created or ticket.status_changed. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** Reason the actor stated, where the action requires one (revealing GBV details). */
  reason?: string | null;
  requestId?: string | null;
  /** Facts about the change. Never put a secret or GBV details here: staff read it in ticket history. */
  metadata?: Record<string, unknown>;
}

/**
 * Inserts an audit event inside the caller's transaction, so the change and its record commit or
 * roll back together. Returns the event id.
 */
export async function writeAuditEvent(tx: Tx, event: AuditEventInput): Promise<string> {
  const [row] = await tx
    .insert(auditEvents)
    .values({
      tenantId: event.tenantId,
      actorId: event.actorId,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      reason: event.reason ?? null,
      requestId: event.requestId ?? null,
      metadata: event.metadata ?? {},
    })
    .returning({ id: auditEvents.id });
  if (!row) throw new Error(`writeAuditEvent: insert of ${event.action} returned no row`);
  return row.id;
}
