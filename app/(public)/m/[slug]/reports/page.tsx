import type { Metadata } from "next";
import Link from "next/link";
import { formatDate } from "@/components/format";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { getRequestLocale } from "@/lib/i18n/locale";
import { DATE_LOCALES, portalTranslator } from "@/lib/portal/messages";
import { listTicketsForResident } from "@/lib/tickets/list-tickets";

interface PageProps {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: t("reports.title") };
}

export default async function MyReportsPage({ params }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const locale = await getRequestLocale();
  const t = portalTranslator(locale);
  const access = await getResidentAccess(tenant, `/m/${tenant.slug}/reports`);

  if (access.kind !== "resident") {
    return (
      <main id="main">
        <h1>{t("reports.title")}</h1>
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      </main>
    );
  }

  // Confidential reports stay off this list: a shared phone must not reveal that one was made.
  const reports = (await listTicketsForResident(access.actor)).filter((report) => !report.isSensitive);

  return (
    <main id="main">
      <h1>{t("reports.title")}</h1>
      <p className="muted">{t("reports.confidentialHidden")}</p>
      {reports.length === 0 ? (
        <>
          <p>{t("reports.empty")}</p>
          <p>
            <Link href={`/m/${tenant.slug}/report`} className="button-link">
              {t("tenant.report")}
            </Link>
          </p>
        </>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>{t("reports.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.reference")}</th>
                <th scope="col">{t("reports.category")}</th>
                <th scope="col">{t("reports.status")}</th>
                <th scope="col">{t("reports.date")}</th>
                <th scope="col" className="numeric">
                  {t("reports.files")}
                </th>
              </tr>
            </thead>
            <tbody>
              {reports.map((report) => (
                <tr key={report.id}>
                  <th scope="row" className="reference-cell">
                    <Link href={`/m/${tenant.slug}/reports/${report.reference}`}>{report.reference}</Link>
                  </th>
                  <td>{report.categoryName}</td>
                  <td>
                    <span className={`status status-${report.status}`}>{t(`status.${report.status}`)}</span>
                  </td>
                  <td>
                    <time dateTime={report.createdAt.toISOString()}>{formatDate(report.createdAt, DATE_LOCALES[locale])}</time>
                  </td>
                  <td className="numeric">{report.attachmentCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
