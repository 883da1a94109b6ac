import type { CSSProperties } from "react";
import type { Locale } from "@/lib/i18n";
import { EMERGENCY_NUMBERS, gbvTranslator } from "@/lib/gbv/messages";

const styles = {
  box: { border: "3px solid var(--danger)", borderRadius: "var(--radius)", padding: "0.75rem 1rem", margin: "0 0 1.5rem" },
  heading: { margin: "0 0 0.5rem", fontSize: "1.25rem", color: "var(--danger)" },
  list: { listStyle: "none", padding: 0, margin: 0, display: "grid", gap: "0.5rem" },
  number: { fontSize: "1.5rem", fontWeight: 700, letterSpacing: "0.03em" },
} satisfies Record<string, CSSProperties>;

/** Renders the police and GBV Command Centre numbers as call links, first on every confidential page. */
export function GbvEmergencyNumbers({ locale }: { locale: Locale }) {
  const t = gbvTranslator(locale);
  return (
    <section aria-labelledby="emergency-heading" style={styles.box} data-testid="emergency-numbers">
      <h2 id="emergency-heading" style={styles.heading}>
        {t("emergency.heading")}
      </h2>
      <ul style={styles.list}>
        {EMERGENCY_NUMBERS.map((entry) => (
          <li key={entry.id}>
            {t(`emergency.${entry.id}`)}:{" "}
            <a href={`tel:${entry.dial}`} aria-label={t("emergency.call", { number: entry.display })} style={styles.number}>
              {entry.display}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
