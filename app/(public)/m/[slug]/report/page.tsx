import type { Metadata } from "next";
import Link from "next/link";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { getRequestLocale } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";
import { listCategories } from "@/lib/tickets/list-categories";
import { getMyVerification } from "@/lib/verification/get-my-verification";
import { verificationTranslator } from "@/lib/verification/messages";
import { residencePolicyBlock } from "@/lib/verification/residence-policy";
import { ReportForm } from "./report-form";

interface PageProps {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: t("report.title") };
}

export default async function ReportPage({ params }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const locale = await getRequestLocale();
  const t = portalTranslator(locale);
  const access = await getResidentAccess(tenant, `/m/${tenant.slug}/report`);

  if (access.kind !== "resident") {
    return (
      <main id="main">
        <h1>{t("report.title")}</h1>
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      </main>
    );
  }

  const block = residencePolicyBlock(tenant.settings, (await getMyVerification(access.actor)).status);
  if (block) {
    const tv = verificationTranslator(locale);
    return (
      <main id="main">
        <h1>{t("report.title")}</h1>
        <div className="notice" role="alert">
          <p>{tv("verify.requiredForReports", { municipality: tenant.name })}</p>
          {block === "pending" ? <p>{tv("verify.requiredPending")}</p> : null}
          <p>
            <Link href={`/m/${tenant.slug}/verify`} className="button-link">
              {block === "pending" ? tv("verify.portalLink") : tv("verify.requiredLink")}
            </Link>
          </p>
        </div>
      </main>
    );
  }

  // Sensitive categories (GBV) have their own confidential form, and createTicket rejects them.
  const categories = (await listCategories(access.actor))
    .filter((category) => !category.isSensitive)
    .map((category) => ({ id: category.id, name: category.name }));

  return (
    <main id="main">
      <h1>{t("report.title")}</h1>
      <p className="lead">{t("report.intro")}</p>
      {categories.length === 0 ? (
        <p className="notice">{t("report.noCategories")}</p>
      ) : (
        <ReportForm slug={tenant.slug} locale={locale} categories={categories} />
      )}
    </main>
  );
}
