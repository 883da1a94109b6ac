import type { Metadata } from "next";
import Link from "next/link";
import { getRequestLocale } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";

export async function generateMetadata(): Promise<Metadata> {
  const t = portalTranslator(await getRequestLocale());
  return { title: `${t("notFound.title")} · Bika` };
}

export default async function NotFound() {
  const locale = await getRequestLocale();
  const t = portalTranslator(locale);
  return (
    <main id="main" lang={locale}>
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p>
        <Link href="/">{t("notFound.home")}</Link>
      </p>
    </main>
  );
}
