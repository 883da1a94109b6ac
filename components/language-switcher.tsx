import { cookies } from "next/headers";
import { LOCALE_NAMES, LOCALES, isLocale, type Locale } from "@/lib/i18n";
import { LOCALE_COOKIE } from "@/lib/i18n/locale";
import { portalTranslator } from "@/lib/portal/messages";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

async function setLanguage(formData: FormData): Promise<void> {
  "use server";
  const chosen = formData.get("lang");
  if (!isLocale(chosen)) return;
  // Not httpOnly: the language is a display preference, and the client-side error page reads it.
  (await cookies()).set(LOCALE_COOKIE, chosen, { path: "/", maxAge: ONE_YEAR_SECONDS, sameSite: "lax" });
}

/**
 * Buttons for English, isiZulu and Afrikaans. Each posts the choice to a server action that stores
 * it in the `bika_lang` cookie; the page then renders again in that language, with or without
 * JavaScript.
 */
export function LanguageSwitcher({ locale }: { locale: Locale }) {
  const t = portalTranslator(locale);
  return (
    <form action={setLanguage} className="language-switcher">
      <span id="language-switcher-label" className="language-switcher-label">
        {t("lang.label")}
      </span>
      <div role="group" aria-labelledby="language-switcher-label">
        {LOCALES.map((option) => (
          <button
            key={option}
            type="submit"
            name="lang"
            value={option}
            lang={option}
            aria-pressed={option === locale}
            className={option === locale ? "chip chip-current" : "chip"}
          >
            {LOCALE_NAMES[option]}
          </button>
        ))}
      </div>
    </form>
  );
}
