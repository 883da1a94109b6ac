// Sign-in pages send the user back to `?callbackUrl=` afterwards. Only a path on this site is
// honoured, so a crafted link cannot use the sign-in page to forward someone to another site.

const PLACEHOLDER_ORIGIN = "http://bika.invalid";

/** Returns `value` when it is a same-origin path ("/m/tshwane/report?x=1"), otherwise `fallback`. */
export function safeCallbackPath(value: unknown, fallback: string): string {
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  // "//evil.example", "/\evil.example" and paths with tabs or newlines that collapse into those all
  // resolve to another origin.
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
