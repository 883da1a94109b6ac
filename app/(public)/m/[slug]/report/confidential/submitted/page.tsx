import type { Metadata } from "next";
import { z } from "zod";
import { GbvEmergencyNumbers } from "@/components/gbv-emergency-numbers";
import { loadPortalTenant } from "@/components/portal-tenant";
import { QuickExit } from "@/components/quick-exit";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { gbvTranslator } from "@/lib/gbv/messages";
import { getRequestLocale } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";
import { listTicketsForResident } from "@/lib/tickets/list-tickets";

interface PageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const Reference = z.string().regex(/^[A-Z0-9]{2,10}-\d{4}-\d{1,10}$/);

// Generic, like the form's title, because the browser's history list keeps it.
export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: t("submitted.title"), referrer: "no-referrer" };
}

/** Confirms a confidential report with its reference and the emergency numbers, and nothing of its content. */
export default async function ConfidentialReportSubmittedPage({ params, searchParams }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const parsedReference = Reference.safeParse((await searchParams).ref);
  const reference = parsedReference.success ? parsedReference.data : null;
  const locale = await getRequestLocale();
  const t = gbvTranslator(locale);
  const access = await getResidentAccess(tenant, `/m/${tenant.slug}/report/confidential/submitted${reference ? `?ref=${reference}` : ""}`);

  if (access.kind !== "resident") {
    return (
      <main id="main">
        <h1>{t("submitted.title")}</h1>
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      </main>
    );
  }

  // Read back from the resident's own reports, so a reference in the address shows nothing of anyone else's.
  const ticket = reference
    ? (await listTicketsForResident(access.actor)).find((item) => item.reference === reference && item.isSensitive)
    : undefined;

  return (
    <main id="main">
      <QuickExit label={t("quickExit.button")} />
      <h1>{t("submitted.title")}</h1>
      {ticket ? (
        <>
          <p className="lead">{t("submitted.lead")}</p>
          <section className="reference-box" aria-labelledby="reference-label">
            <h2 id="reference-label" className="reference-label">
              {t("submitted.reference")}
            </h2>
            <p className="reference" data-testid="ticket-reference">
              {ticket.reference}
            </p>
            <p>{t("submitted.keep")}</p>
          </section>
          <p>{t("submitted.contact")}</p>
        </>
      ) : (
        <p className="notice">{t("submitted.notFound")}</p>
      )}
      <GbvEmergencyNumbers locale={locale} />
    </main>
  );
}
