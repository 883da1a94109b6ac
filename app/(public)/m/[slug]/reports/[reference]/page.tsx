import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatDate, formatDateTime } from "@/components/format";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { AppError } from "@/lib/errors";
import { getRequestLocale } from "@/lib/i18n/locale";
import { DATE_LOCALES, portalTranslator } from "@/lib/portal/messages";
import { getTicketForResidentOrThrow, type ResidentTicket } from "@/lib/tickets/get-resident-ticket";

interface PageProps {
  params: Promise<{ slug: string; reference: string }>;
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: t("detail.title", { reference: decodeURIComponent((await params).reference).toUpperCase() }) };
}

/** Shows one of the resident's own reports: what they sent, its status over time and their files. */
export default async function MyReportPage({ params }: PageProps) {
  const { slug, reference } = await params;
  const tenant = await loadPortalTenant(slug);
  const locale = await getRequestLocale();
  const t = portalTranslator(locale);
  const requested = decodeURIComponent(reference);
  const access = await getResidentAccess(tenant, `/m/${tenant.slug}/reports/${encodeURIComponent(requested)}`);

  if (access.kind !== "resident") {
    return (
      <main id="main">
        <h1>{t("detail.title", { reference: requested.toUpperCase() })}</h1>
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      </main>
    );
  }

  let report: ResidentTicket;
  try {
    report = await getTicketForResidentOrThrow(access.actor, requested);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const dateLocale = DATE_LOCALES[locale];
  const progress = [{ status: "new" as const, changedAt: report.createdAt }, ...report.statusChanges];

  return (
    <main id="main">
      <p>
        <Link href={`/m/${tenant.slug}/reports`}>{t("detail.back")}</Link>
      </p>
      <h1>{t("detail.title", { reference: report.reference })}</h1>
      <p>
        <span className={`status status-${report.status}`}>{t(`status.${report.status}`)}</span>{" "}
        {t("detail.reported", { date: formatDate(report.createdAt, dateLocale) })}
        {report.channel === "whatsapp" ? ` · ${t("detail.whatsapp")}` : null}
      </p>

      <dl className="facts">
        <dt>{t("detail.category")}</dt>
        <dd>{report.categoryName}</dd>
        <dt>{t("detail.description")}</dt>
        <dd className="history-note">{report.description}</dd>
        <dt>{t("detail.address")}</dt>
        <dd>{report.addressText ?? t("detail.noAddress")}</dd>
      </dl>

      <h2>{t("detail.progress")}</h2>
      <ol className="history">
        {progress.map((step, index) => (
          <li key={`${step.status}-${index}`}>
            <span className={`status status-${step.status}`}>{t(`status.${step.status}`)}</span>{" "}
            <time dateTime={step.changedAt.toISOString()}>{formatDateTime(step.changedAt, dateLocale)}</time>
          </li>
        ))}
      </ol>

      <h2>{t("detail.files")}</h2>
      {report.attachments.length === 0 ? (
        <p>{t("detail.noFiles")}</p>
      ) : (
        <ul className="evidence-list">
          {report.attachments.map((file) => (
            <li key={file.fileId} className="evidence-item">
              {file.hasThumbnail ? (
                // The route redirects to a short-lived storage URL, which next/image could not cache.
                <img src={`/api/attachments/${file.fileId}?variant=thumbnail`} alt="" width={160} height={160} className="thumbnail" />
              ) : null}
              <div>
                <p className="evidence-name">{file.originalFilename}</p>
                <p className={`state state-${file.state}`}>{t(`file.${file.state}`)}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
