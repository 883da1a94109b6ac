// Message catalogues for resident-facing text (portal and WhatsApp). Each area keeps its own
// catalogue file beside the code that uses it and builds a translator with `createTranslator`.
// Staff screens are English only and do not go through catalogues.

export const LOCALES = ["en", "zu", "af"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

export const LOCALE_NAMES: Record<Locale, string> = { en: "English", zu: "isiZulu", af: "Afrikaans" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** A catalogue: English is complete; other languages may omit a key and fall back to English. */
export type Catalogue<K extends string> = { en: Record<K, string> } & { [L in Exclude<Locale, "en">]: Partial<Record<K, string>> };

export function defineMessages<K extends string>(catalogue: Catalogue<K>): Catalogue<K> {
  return catalogue;
}

/** Returns `t(key, values)` for one locale; `{name}` placeholders are filled from `values`. */
export function createTranslator<K extends string>(catalogue: Catalogue<K>, locale: Locale) {
  return (key: K, values: Record<string, string | number> = {}): string => {
    const template = catalogue[locale][key] ?? catalogue.en[key];
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
  };
}
