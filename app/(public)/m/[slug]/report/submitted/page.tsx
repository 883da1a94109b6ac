import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { formatDateTime } from "@/components/format";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { getRequestLocale } from "@/lib/i18n/locale";
import { DATE_LOCALES, portalTranslator } from "@/lib/portal/messages";
import { listTicketsForResident } from "@/lib/tickets/list-tickets";

interface PageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

// Ticket references look like TSH-2026-000123; anything else cannot match one of the resident's.
const Reference = z.string().regex(/^[A-Z0-9]{2,10}-\d{4}-\d{1,10}$/);

export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: t("submitted.title") };
}

export default async function ReportSubmittedPage({ params, searchParams }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const query = await searchParams;
  const parsedReference = Reference.safeParse(query.ref);
  const reference = parsedReference.success ? parsedReference.data : null;
  const locale = await getRequestLocale();
  const t = portalTranslator(locale);
  const returnPath = `/m/${tenant.slug}/report/submitted${reference ? `?ref=${reference}` : ""}`;
  const access = await getResidentAccess(tenant, returnPath);

  if (access.kind !== "resident") {
    return (
      <main id="main">
        <h1>{t("submitted.title")}</h1>
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      </main>
    );
  }

  // Read back from the resident's own reports, so a reference in the address shows nothing of
  // anyone else's.
  const ticket = reference ? (await listTicketsForResident(access.actor)).find((item) => item.reference === reference) : undefined;
  const base = `/m/${tenant.slug}`;

  if (!ticket) {
    return (
      <main id="main">
        <h1>{t("submitted.title")}</h1>
        <p className="notice">{t("submitted.notFound")}</p>
        <p>
          <Link href={`${base}/reports`}>{t("submitted.viewReports")}</Link>
        </p>
      </main>
    );
  }

  return (
    <main id="main">
      <h1>{t("submitted.title")}</h1>
      <p className="lead">{t("submitted.lead", { municipality: tenant.name })}</p>
      <section className="reference-box" aria-labelledby="reference-label">
        <h2 id="reference-label" className="reference-label">
          {t("submitted.reference")}
        </h2>
        <p className="reference" data-testid="ticket-reference">
          {ticket.reference}
        </p>
        <p>{t("submitted.keep")}</p>
      </section>
      <p>
        {t("submitted.details", {
          category: ticket.isSensitive ? t("reports.confidential") : ticket.categoryName,
          status: t(`status.${ticket.status}`),
          date: formatDateTime(ticket.createdAt, DATE_LOCALES[locale]),
        })}
      </p>
      <ul className="link-list">
        <li>
          <Link href={`${base}/reports`}>{t("submitted.viewReports")}</Link>
        </li>
        <li>
          <Link href={`${base}/report`}>{t("submitted.another")}</Link>
        </li>
      </ul>
    </main>
  );
}
