import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { loadPortalTenant } from "@/components/portal-tenant";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { residentSignInMessages } from "@/lib/auth/messages";
import { getActor } from "@/lib/auth/session";
import { createTranslator } from "@/lib/i18n";
import { getRequestLocale } from "@/lib/i18n/locale";
import { ResidentSignInForm } from "./resident-sign-in-form";

interface PageProps {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const tenant = await loadPortalTenant((await params).slug);
  const t = createTranslator(residentSignInMessages, await getRequestLocale());
  return { title: t("title", { municipality: tenant.name }) };
}

export default async function ResidentSignInPage({ params, searchParams }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const locale = await getRequestLocale();
  const t = createTranslator(residentSignInMessages, locale);
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl, `/m/${tenant.slug}`);

  const actor = await getActor();
  if (actor?.role === "resident" && actor.tenantId === tenant.id) redirect(callbackUrl);

  return (
    <main id="main">
      <h1>{t("title", { municipality: tenant.name })}</h1>
      <ResidentSignInForm tenantSlug={tenant.slug} locale={locale} callbackUrl={callbackUrl} />
    </main>
  );
}
