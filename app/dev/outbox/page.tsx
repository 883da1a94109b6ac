import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listOutboxMessages } from "@/lib/outbox/list-outbox-messages";
import { isOutboxVisible } from "@/lib/outbox/outbox-visibility";
import { formatPhoneNumber, parsePhoneNumber } from "@/lib/phone";

export const metadata: Metadata = { title: "Development outbox · Bika", robots: { index: false } };
// Reads the database on every request; nothing here may be prerendered at build time.
export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const TIME_FORMAT = new Intl.DateTimeFormat("en-ZA", {
  timeZone: "Africa/Johannesburg",
  dateStyle: "medium",
  timeStyle: "medium",
});

/**
 * Text messages that would have gone to residents (one-time codes, notifications) while no SMS or
 * WhatsApp provider is configured. Each row is a <tr data-outbox-message> whose cells carry
 * data-column="time|municipality|channel|recipient|body"; the end-to-end tests read codes from them.
 */
export default async function OutboxPage({ searchParams }: PageProps) {
  if (!isOutboxVisible()) notFound();

  const query = await searchParams;
  const recipientFilter = typeof query.recipient === "string" ? parsePhoneNumber(query.recipient) : null;
  const messages = await listOutboxMessages({ recipient: recipientFilter ?? undefined, limit: 200 });

  return (
    <main id="main">
      <h1>Development outbox</h1>
      <p>
        No SMS or WhatsApp provider is configured, so messages to residents are kept here instead of being sent. Newest
        first, all municipalities. Anyone who can open this page can read sign-in codes, so never enable it on a
        public server (it is off in production unless DEV_OUTBOX=true).
      </p>
      <form method="get">
        <label htmlFor="recipient">Show only messages to</label>
        <input id="recipient" name="recipient" type="tel" defaultValue={recipientFilter ?? ""} />
        <p>
          <button type="submit">Filter</button>
        </p>
      </form>
      {messages.length === 0 ? (
        <p>No messages{recipientFilter ? ` to ${formatPhoneNumber(recipientFilter)}` : ""} yet.</p>
      ) : (
        <table>
          <caption className="muted">
            {messages.length} message{messages.length === 1 ? "" : "s"}
            {recipientFilter ? ` to ${formatPhoneNumber(recipientFilter)}` : ""}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Municipality</th>
              <th scope="col">Channel</th>
              <th scope="col">Recipient</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr key={message.id} data-outbox-message={message.id}>
                <td data-column="time">
                  <time dateTime={message.createdAt.toISOString()}>{TIME_FORMAT.format(message.createdAt)}</time>
                </td>
                <td data-column="municipality" data-tenant={message.tenantSlug}>
                  {message.tenantName}
                </td>
                <td data-column="channel">{message.channel}</td>
                <td data-column="recipient" data-phone={message.recipient}>
                  {formatPhoneNumber(message.recipient)}
                </td>
                <td data-column="body">{message.body}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
