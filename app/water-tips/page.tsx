import type { Metadata } from "next";
import { gbvTranslator } from "@/lib/gbv/messages";
import { getRequestLocale } from "@/lib/i18n/locale";

// The neutral page that quick exit on the confidential report pages goes to. It is a plain page
// outside the portal, with nothing in its address, title or content that points at a report.

export async function generateMetadata(): Promise<Metadata> {
  const t = gbvTranslator(await getRequestLocale());
  return { title: { absolute: t("neutral.title") } };
}

export default async function WaterTipsPage() {
  const locale = await getRequestLocale();
  const t = gbvTranslator(locale);
  const tips = ["neutral.tip1", "neutral.tip2", "neutral.tip3", "neutral.tip4", "neutral.tip5"] as const;

  return (
    <main id="main" lang={locale}>
      <h1>{t("neutral.title")}</h1>
      <p className="lead">{t("neutral.intro")}</p>
      <ul>
        {tips.map((key) => (
          <li key={key}>{t(key)}</li>
        ))}
      </ul>
    </main>
  );
}
