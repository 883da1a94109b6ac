import Link from "next/link";
import type { Actor } from "@/lib/auth/types";
import type { Locale } from "@/lib/i18n";
import { portalTranslator } from "@/lib/portal/messages";
import { LanguageSwitcher } from "./language-switcher";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

interface PortalHeaderProps {
  locale: Locale;
  actor: Actor | null;
  /** The municipality whose portal this is; absent on the municipality list. */
  tenant?: { slug: string; name: string };
}

/** Site header of the resident portal: municipality name, navigation, account and language. */
export function PortalHeader({ locale, actor, tenant }: PortalHeaderProps) {
  const t = portalTranslator(locale);
  const base = tenant ? `/m/${tenant.slug}` : null;
  const signInHref = base ? `${base}/signin` : null;

  return (
    <header className="site-header">
      <a href="#main" className="skip-link">
        {t("nav.skip")}
      </a>
      <div className="site-header-inner">
        <div className="site-brand">
          <Link href="/" className="site-name">
            {t("site.name")}
          </Link>
          {tenant && base ? (
            <Link href={base} className="site-tenant">
              {tenant.name}
            </Link>
          ) : null}
        </div>
        <nav aria-label={t("nav.label")} className="site-nav">
          <ul>
            {base ? (
              <>
                <li>
                  <NavLink href={`${base}/report`}>{t("nav.report")}</NavLink>
                </li>
                <li>
                  <NavLink href={`${base}/reports`}>{t("nav.reports")}</NavLink>
                </li>
              </>
            ) : (
              <li>
                <NavLink href="/">{t("nav.home")}</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <div className="site-account">
          {actor ? (
            <>
              <span className="muted">{t("nav.signedInAs", { name: actor.name })}</span>
              <SignOutButton label={t("nav.signOut")} />
            </>
          ) : signInHref ? (
            <NavLink href={signInHref}>{t("nav.signIn")}</NavLink>
          ) : null}
        </div>
        <LanguageSwitcher locale={locale} />
      </div>
    </header>
  );
}
