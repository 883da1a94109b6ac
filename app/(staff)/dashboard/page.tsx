import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { formatDateTime } from "@/components/format";
import { getStaffAccess, StaffOnlyNotice } from "@/components/staff-access";
import { SENSITIVE_PLACEHOLDER, STATUS_LABELS } from "@/components/staff-labels";
import { AppError } from "@/lib/errors";
import { listCategories } from "@/lib/tickets/list-categories";
import { listTicketsForStaff } from "@/lib/tickets/list-tickets";
import { maySeeSensitiveDetails, TICKET_STATUSES, type TicketSummary } from "@/lib/tickets/ticket-summary";

export const metadata: Metadata = { title: { absolute: "Tickets · Bika dashboard" } };

const PAGE_SIZE = 25;

// Query parameters arrive from links and the filter form. An invalid value is dropped and reported
// on the page instead of failing the whole page.
const FilterQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  category: z.uuid().optional().catch(undefined),
  cursor: z.string().max(500).optional().catch(undefined),
});

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === "" ? undefined : first;
}

function dashboardHref(params: { status?: string; category?: string; cursor?: string }): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `/dashboard?${text}` : "/dashboard";
}

export default async function DashboardPage({ searchParams }: PageProps) {
  const raw = await searchParams;
  const requested = { status: firstValue(raw.status), category: firstValue(raw.category), cursor: firstValue(raw.cursor) };
  const filters = FilterQuery.parse(requested);
  const ignored = [
    requested.status && !filters.status ? `status "${requested.status}"` : null,
    requested.category && !filters.category ? `category "${requested.category}"` : null,
  ].filter((item): item is string => item !== null);

  const { actor, allowed } = await getStaffAccess(dashboardHref(filters));
  if (!allowed) return <StaffOnlyNotice actor={actor} title="Tickets" />;

  const categories = await listCategories(actor);
  let page: { items: TicketSummary[]; nextCursor: string | null };
  let cursorRejected = false;
  try {
    page = await listTicketsForStaff(actor, {
      status: filters.status,
      categoryId: filters.category,
      cursor: filters.cursor,
      limit: PAGE_SIZE,
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "invalid_input" || !filters.cursor) throw error;
    cursorRejected = true;
    page = { items: [], nextCursor: null };
  }

  const filtered = Boolean(filters.status || filters.category);
  const showSensitive = maySeeSensitiveDetails(actor);

  return (
    <main id="main" className="wide">
      <h1>Tickets</h1>

      <form method="get" action="/dashboard" className="filters" aria-label="Filter tickets">
        <div>
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" name="status" defaultValue={filters.status ?? ""}>
            <option value="">Any status</option>
            {TICKET_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-category">Category</label>
          <select id="filter-category" name="category" defaultValue={filters.category ?? ""}>
            <option value="">Any category</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          {filtered ? <Link href="/dashboard">Clear filters</Link> : null}
        </div>
      </form>

      {ignored.length > 0 ? (
        <p className="notice" role="status">
          Ignored the unknown {ignored.join(" and ")}; showing tickets without that filter.
        </p>
      ) : null}

      {cursorRejected ? (
        <div className="notice" role="alert">
          <p>This page link is not valid any more. Start again from the first page.</p>
          <p>
            <Link href={dashboardHref({ status: filters.status, category: filters.category })}>First page</Link>
          </p>
        </div>
      ) : page.items.length === 0 ? (
        <p>{filtered ? "No tickets match these filters." : "No tickets yet."}</p>
      ) : (
        <div className="table-scroll">
          <table className="tickets-table">
            <caption>
              {filters.cursor ? "Tickets, newest first (continued)" : "Tickets, newest first"}
            </caption>
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">Created</th>
                <th scope="col">Category</th>
                <th scope="col">Status</th>
                <th scope="col">Address</th>
                <th scope="col" className="numeric">
                  Evidence
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((ticket) => {
                const restricted = ticket.isSensitive && !showSensitive;
                return (
                  <tr key={ticket.id}>
                    <th scope="row">
                      <Link href={`/dashboard/tickets/${ticket.id}`} className="reference-cell">
                        {ticket.reference}
                      </Link>
                    </th>
                    <td className="nowrap">
                      <time dateTime={ticket.createdAt.toISOString()}>{formatDateTime(ticket.createdAt)}</time>
                    </td>
                    <td>
                      {restricted ? SENSITIVE_PLACEHOLDER : ticket.categoryName}
                      {ticket.isSensitive ? <span className="tag">Confidential</span> : null}
                    </td>
                    <td>
                      <span className={`status status-${ticket.status}`}>{STATUS_LABELS[ticket.status]}</span>
                    </td>
                    <td>{restricted ? <span className="muted">Withheld</span> : (ticket.addressText ?? <span className="muted">None given</span>)}</td>
                    <td className="numeric">{ticket.attachmentCount}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {!cursorRejected && (filters.cursor || page.nextCursor) ? (
        <nav aria-label="Pagination" className="pagination">
          {filters.cursor ? <Link href={dashboardHref({ status: filters.status, category: filters.category })}>First page</Link> : null}
          {page.nextCursor ? (
            <Link href={dashboardHref({ status: filters.status, category: filters.category, cursor: page.nextCursor })} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
