"use client";

import { useEffect, type CSSProperties } from "react";

/** The neutral page that quick exit shows in place of a confidential page. */
export const QUICK_EXIT_PATH = "/water-tips";

/** Two Escape presses within this many milliseconds leave the page. */
const DOUBLE_ESCAPE_MS = 1500;

const styles = {
  bar: { position: "sticky", top: 0, zIndex: 20, display: "flex", justifyContent: "flex-end", padding: "0.5rem 0", background: "var(--bg)" },
  button: { background: "var(--danger)", borderColor: "var(--danger)", fontWeight: 700, padding: "0.6rem 1.25rem" },
} satisfies Record<string, CSSProperties>;

/**
 * Blanks the page and replaces it with the neutral page. `location.replace` swaps the current
 * history entry, so the back button does not lead back to the confidential page.
 */
function leave(): void {
  for (const field of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")) {
    if (field.type !== "file" && field.type !== "hidden") field.value = "";
  }
  document.body.hidden = true;
  window.location.replace(QUICK_EXIT_PATH);
}

/** Renders a quick-exit button that stays in view while scrolling, and leaves the page on two Escape presses too. */
export function QuickExit({ label }: { label: string }) {
  useEffect(() => {
    let lastEscape = Number.NEGATIVE_INFINITY;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      const now = performance.now();
      if (now - lastEscape <= DOUBLE_ESCAPE_MS) leave();
      lastEscape = now;
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <div style={styles.bar}>
      <button type="button" onClick={leave} style={styles.button} data-testid="quick-exit">
        {label}
      </button>
    </div>
  );
}
