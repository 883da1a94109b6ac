// Display formatting shared by the portal and the dashboard. Times are shown in South African
// Standard Time, whatever the server's own time zone is.

const TIME_ZONE = "Africa/Johannesburg";

/** Formats a date and time such as "12 Mar 2026, 14:05" in the given BCP 47 locale. */
export function formatDateTime(value: Date, locale = "en-ZA"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }).format(value);
}

/** Formats a calendar date such as "12 Mar 2026" in the given BCP 47 locale. */
export function formatDate(value: Date, locale = "en-ZA"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: TIME_ZONE }).format(value);
}

/** Formats a byte count with binary multiples, such as "340 KB" or "2.4 MB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "size unknown";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

