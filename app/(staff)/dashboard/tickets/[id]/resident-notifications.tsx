import { formatDateTime } from "@/components/format";
import { STATUS_LABELS } from "@/components/staff-labels";
import type { Actor } from "@/lib/auth/types";
import { listTicketNotifications, type TicketNotification } from "@/lib/notifications/list-ticket-notifications";

const DELIVERY_LABELS: Record<TicketNotification["status"], string> = {
  pending: "Sending",
  queued: "Queued at Twilio",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  undelivered: "Not delivered",
  failed: "Failed",
  outbox: "In the development outbox (no Twilio credentials)",
  skipped: "Not sent",
};

/**
 * WhatsApp notifications sent to the ticket's reporter: which status each announced, whether it
 * went as free text (within 24 hours of the resident's last message) or as the approved template,
 * and what Twilio reported about its delivery.
 */
export async function ResidentNotifications({ actor, ticketId }: { actor: Actor; ticketId: string }) {
  const notifications = await listTicketNotifications(actor, ticketId);
  return (
    <section aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">WhatsApp notifications</h2>
      {notifications.length === 0 ? (
        <p className="muted">No notification has been sent to the resident about this ticket.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Sent</th>
                <th scope="col">About</th>
                <th scope="col">Message kind</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {notifications.map((notification) => (
                <tr key={notification.id} data-notification={notification.id}>
                  <td>
                    <time dateTime={notification.createdAt.toISOString()}>{formatDateTime(notification.createdAt)}</time>
                  </td>
                  <td>{describePurpose(notification)}</td>
                  <td data-column="kind">
                    {notification.kind === "template" ? `Template ${notification.templateContentSid ?? ""}` : "Free text"}
                  </td>
                  <td data-column="delivery">
                    <span className={`state state-${notification.status}`}>{DELIVERY_LABELS[notification.status]}</span>
                    {notification.errorCode ? <span className="error"> (Twilio error {notification.errorCode})</span> : null}
                    {notification.status === "skipped" && notification.errorMessage ? <p className="muted">{notification.errorMessage}</p> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function describePurpose(notification: TicketNotification): string {
  if (notification.purpose === "media_failed") return "A file that could not be saved";
  return notification.ticketStatus ? `Status: ${STATUS_LABELS[notification.ticketStatus]}` : "Status change";
}
