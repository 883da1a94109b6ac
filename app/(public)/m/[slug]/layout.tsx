import type { Metadata } from "next";
import type { ReactNode } from "react";
import { PortalHeader } from "@/components/portal-header";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getActor } from "@/lib/auth/session";
import { getRequestLocale } from "@/lib/i18n/locale";

interface LayoutProps {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}

export async function generateMetadata({ params }: LayoutProps): Promise<Metadata> {
  const tenant = await loadPortalTenant((await params).slug);
  return { title: { template: `%s · ${tenant.name} · Bika`, default: `${tenant.name} · Bika` } };
}

// Pages render their own <main id="main">, so the sign-in pages and the reporting pages keep one
// landmark each under this header.
export default async function PortalLayout({ children, params }: LayoutProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const [locale, actor] = await Promise.all([getRequestLocale(), getActor()]);

  return (
    <div lang={locale} className="portal">
      <PortalHeader locale={locale} actor={actor} tenant={{ slug: tenant.slug, name: tenant.name }} />
      {children}
    </div>
  );
}
