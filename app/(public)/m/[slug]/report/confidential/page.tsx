import type { Metadata } from "next";
import Link from "next/link";
import { GbvEmergencyNumbers } from "@/components/gbv-emergency-numbers";
import { loadPortalTenant } from "@/components/portal-tenant";
import { QuickExit } from "@/components/quick-exit";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { getActor } from "@/lib/auth/session";
import { gbvTranslator } from "@/lib/gbv/messages";
import { getRequestLocale } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";
import { ConfidentialReportForm } from "./confidential-report-form";

interface PageProps {
  params: Promise<{ slug: string }>;
}

// The browser's history list keeps page titles even after quick exit, so the title is the
// ordinary report page's and does not say "confidential".
export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: t("report.title"), referrer: "no-referrer" };
}

export default async function ConfidentialReportPage({ params }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const locale = await getRequestLocale();
  const t = gbvTranslator(locale);
  const returnPath = `/m/${tenant.slug}/report/confidential`;

  // Emergency numbers come first for everyone, so a visitor who is not signed in is shown them
  // with a sign-in link instead of being redirected away.
  const signedIn = (await getActor()) !== null;
  const access = signedIn ? await getResidentAccess(tenant, returnPath) : null;

  return (
    <main id="main">
      <QuickExit label={t("quickExit.button")} />
      <h1>{t("page.title")}</h1>
      <GbvEmergencyNumbers locale={locale} />
      <p className="lead">{t("page.intro", { municipality: tenant.name })}</p>
      <p className="hint">{t("quickExit.hint")}</p>

      {access === null ? (
        <div className="notice">
          <p>{t("page.signIn")}</p>
          <p>
            <Link href={`/m/${tenant.slug}/signin?callbackUrl=${encodeURIComponent(returnPath)}`}>{t("page.signInLink")}</Link>
          </p>
        </div>
      ) : access.kind === "resident" ? (
        <ConfidentialReportForm slug={tenant.slug} locale={locale} />
      ) : (
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      )}
    </main>
  );
}
