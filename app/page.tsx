import type { Metadata } from "next";
import Link from "next/link";
import { PortalHeader } from "@/components/portal-header";
import { getActor } from "@/lib/auth/session";
import { getRequestLocale } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";
import { listTenants } from "@/lib/tenants/get-tenant";

export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: `${t("home.title")} · Bika`, description: t("site.tagline") };
}

export default async function HomePage() {
  const [locale, actor, tenants] = await Promise.all([getRequestLocale(), getActor(), listTenants()]);
  const t = portalTranslator(locale);

  return (
    <div lang={locale} className="portal">
      <PortalHeader locale={locale} actor={actor} />
      <main id="main">
        <h1>{t("home.title")}</h1>
        <p className="lead">{t("home.intro")}</p>
        {tenants.length === 0 ? (
          <p>{t("home.empty")}</p>
        ) : (
          <ul className="tenant-list" aria-label={t("home.listLabel")}>
            {tenants.map((tenant) => (
              <li key={tenant.id}>
                <Link href={`/m/${tenant.slug}`}>{tenant.name}</Link>
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
