import { and, eq } from "drizzle-orm";
import { withTenant, type Database } from "@/db/client";
import { notificationDeliveries } from "@/db/schema";
import { toDeliveryStatus, type Delivery } from "./deliver-whatsapp-notification";

// Twilio's status callbacks can arrive out of order (a "sent" after its "delivered"), so a status
// only replaces one that comes earlier in the message's life. Failure ends it.
const PROGRESS: Record<Delivery["status"], number> = {
  pending: 0,
  outbox: 0,
  skipped: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  undelivered: 5,
  failed: 5,
};

export interface DeliveryStatusUpdate {
  messageSid: string;
  /** Twilio's MessageStatus: queued, sent, delivered, read, undelivered, failed, ... */
  messageStatus: string;
  errorCode: string | null;
  errorMessage: string | null;
}

/**
 * Records a delivery-status callback on the notification Twilio sent as `messageSid`. Returns
 * "updated", "unchanged" for a status that does not advance the recorded one, or "unknown" when no
 * notification of this tenant has that SID.
 */
export async function recordDeliveryStatus(
  tenantId: string,
  update: DeliveryStatusUpdate,
  options: { now?: Date; db?: Database } = {},
): Promise<"updated" | "unchanged" | "unknown"> {
  const now = options.now ?? new Date();
  return withTenant(
    tenantId,
    async (tx) => {
      const [delivery] = await tx
        .select({ id: notificationDeliveries.id, status: notificationDeliveries.status })
        .from(notificationDeliveries)
        .where(and(eq(notificationDeliveries.tenantId, tenantId), eq(notificationDeliveries.providerMessageSid, update.messageSid)))
        .limit(1)
        .for("update");
      if (!delivery) return "unknown";

      const status = toDeliveryStatus(update.messageStatus);
      if (PROGRESS[status] <= PROGRESS[delivery.status]) return "unchanged";
      await tx
        .update(notificationDeliveries)
        .set({
          status,
          providerStatus: update.messageStatus,
          errorCode: update.errorCode,
          errorMessage: update.errorMessage,
          statusUpdatedAt: now,
          updatedAt: now,
        })
        .where(and(eq(notificationDeliveries.id, delivery.id), eq(notificationDeliveries.tenantId, tenantId)));
      return "updated";
    },
    options.db,
  );
}
