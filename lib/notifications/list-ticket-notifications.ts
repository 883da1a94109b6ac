import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { notificationDeliveries } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import { STAFF_ROLES, type Actor } from "@/lib/auth/types";
import type { Delivery } from "./deliver-whatsapp-notification";

/** Notifications the ticket page lists, newest first. */
const LIST_LIMIT = 50;

export interface TicketNotification {
  id: string;
  createdAt: Date;
  purpose: Delivery["purpose"];
  /** The status a status notification announced. */
  ticketStatus: Delivery["ticketStatus"];
  /** free_text inside the 24-hour window, template outside it. */
  kind: Delivery["kind"];
  transport: Delivery["transport"];
  status: Delivery["status"];
  templateContentSid: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  statusUpdatedAt: Date | null;
}

/**
 * Lists the WhatsApp notifications sent about a ticket of the actor's tenant, for staff. The
 * resident's number and the message text are left out: both are on the ticket or implied by the
 * status, and the number identifies the reporter of a confidential report.
 */
export async function listTicketNotifications(actor: Actor, ticketId: string, db?: Database): Promise<TicketNotification[]> {
  requireRole(actor, STAFF_ROLES);
  if (!z.uuid().safeParse(ticketId).success) return [];
  return withTenant(
    actor.tenantId,
    (tx) =>
      tx
        .select({
          id: notificationDeliveries.id,
          createdAt: notificationDeliveries.createdAt,
          purpose: notificationDeliveries.purpose,
          ticketStatus: notificationDeliveries.ticketStatus,
          kind: notificationDeliveries.kind,
          transport: notificationDeliveries.transport,
          status: notificationDeliveries.status,
          templateContentSid: notificationDeliveries.templateContentSid,
          errorCode: notificationDeliveries.errorCode,
          errorMessage: notificationDeliveries.errorMessage,
          statusUpdatedAt: notificationDeliveries.statusUpdatedAt,
        })
        .from(notificationDeliveries)
        .where(and(eq(notificationDeliveries.tenantId, actor.tenantId), eq(notificationDeliveries.ticketId, ticketId)))
        .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
        .limit(LIST_LIMIT),
    db,
  );
}
