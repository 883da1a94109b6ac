import type { Metadata } from "next";
import Link from "next/link";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getActor } from "@/lib/auth/session";
import { getRequestLocale } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";
import { verificationTranslator } from "@/lib/verification/messages";

interface PageProps {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const tenant = await loadPortalTenant((await params).slug);
  const t = portalTranslator(await getRequestLocale());
  return { title: { absolute: `${tenant.name} · Bika` }, description: t("tenant.intro", { municipality: tenant.name }) };
}

export default async function TenantHomePage({ params }: PageProps) {
  const { slug } = await params;
  const tenant = await loadPortalTenant(slug);
  const [locale, actor] = await Promise.all([getRequestLocale(), getActor()]);
  const t = portalTranslator(locale);
  const tv = verificationTranslator(locale);
  const base = `/m/${tenant.slug}`;

  return (
    <main id="main">
      <h1>{tenant.name}</h1>
      <p className="lead">{t("tenant.intro", { municipality: tenant.name })}</p>

      <ul className="action-cards">
        <li>
          <Link href={`${base}/report`} className="action-card">
            <span className="action-card-title">{t("tenant.report")}</span>
            <span className="muted">{t("tenant.reportHint")}</span>
          </Link>
        </li>
        <li>
          <Link href={`${base}/reports`} className="action-card">
            <span className="action-card-title">{t("tenant.reports")}</span>
            <span className="muted">{t("tenant.reportsHint")}</span>
          </Link>
        </li>
        <li>
          <Link href={`${base}/verify`} className="action-card">
            <span className="action-card-title">{tv("verify.portalLink")}</span>
            <span className="muted">{tv("verify.portalHint")}</span>
          </Link>
        </li>
      </ul>

      {actor ? null : (
        <p>{t("tenant.signInPrompt")}</p>
      )}

      <p className="discreet">
        <Link href={`${base}/report/confidential`}>{t("tenant.confidential")}</Link>
      </p>
    </main>
  );
}
