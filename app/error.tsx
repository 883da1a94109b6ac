"use client";

import { useSyncExternalStore } from "react";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/lib/i18n";
import { portalTranslator } from "@/lib/portal/messages";

// Same name as LOCALE_COOKIE in lib/i18n/locale.ts, which cannot be imported here because it
// reads next/headers.
const LOCALE_COOKIE = "bika_lang";

function readLocale(): Locale {
  const match = document.cookie.split("; ").find((part) => part.startsWith(`${LOCALE_COOKIE}=`));
  const value = match?.slice(LOCALE_COOKIE.length + 1);
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

const subscribeToNothing = () => () => {};

/**
 * Renders the page shown when a page fails unexpectedly. It never shows `error.message`. The digest
 * that Next.js attaches to a server error is the reference that matches the server's log line.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const locale = useSyncExternalStore(subscribeToNothing, readLocale, () => DEFAULT_LOCALE);
  const t = portalTranslator(locale);
  const digest =
    error instanceof Error && "digest" in error && typeof error.digest === "string" && error.digest !== "" ? error.digest : null;

  return (
    <main id="main" lang={locale}>
      <h1>{t("failure.title")}</h1>
      <p role="alert">{t("failure.body")}</p>
      {digest ? <p className="muted">{t("failure.reference", { reference: digest })}</p> : null}
      <p>
        <button type="button" onClick={() => retry()}>
          {t("failure.retry")}
        </button>
      </p>
    </main>
  );
}
