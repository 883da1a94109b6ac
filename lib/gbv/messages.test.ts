import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n";
import { SAFE_CONTACT_METHODS } from "./confidential-details";
import { EMERGENCY_NUMBERS, gbvMessages, gbvTranslator, type GbvMessageKey } from "./messages";

const KEYS = Object.keys(gbvMessages.en) as GbvMessageKey[];

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}

describe("gbv messages", () => {
  it("every language is complete", () => {
    for (const locale of LOCALES) {
      const missing = KEYS.filter((key) => !gbvMessages[locale][key]);
      expect(missing, locale).toEqual([]);
    }
  });

  it("placeholders match english", () => {
    for (const locale of LOCALES) {
      for (const key of KEYS) {
        expect(placeholders(gbvMessages[locale][key]!), `${locale} ${key}`).toEqual(placeholders(gbvMessages.en[key]));
      }
    }
  });

  it("every contact method has a label", () => {
    for (const method of SAFE_CONTACT_METHODS) expect(KEYS, method).toContain(`contact.${method}`);
  });

  it("emergency numbers have labels", () => {
    expect(EMERGENCY_NUMBERS.map((entry) => entry.display)).toEqual(["10111", "0800 428 428"]);
    for (const locale of LOCALES) {
      const t = gbvTranslator(locale);
      for (const entry of EMERGENCY_NUMBERS) expect(t(`emergency.${entry.id}`), `${locale} ${entry.id}`).not.toBe("");
      expect(t("emergency.call", { number: "10111" }), locale).toContain("10111");
    }
  });
});
