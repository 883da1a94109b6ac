import { cookies } from "next/headers";
import { DEFAULT_LOCALE, isLocale, type Locale } from "./index";

/** Cookie in which the portal remembers the resident's language choice. */
export const LOCALE_COOKIE = "bika_lang";

/** Returns the language the resident chose on this browser, or English. */
export async function getRequestLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE;
}
