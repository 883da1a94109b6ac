// Content-Disposition values for downloads. The resident's file name is sent twice: as an RFC 5987
// `filename*=UTF-8''…` parameter, which current browsers prefer and which keeps every character,
// and as a plain ASCII `filename="…"` fallback for clients that do not read `filename*`.

const ASCII_LOOKALIKES: Record<string, string> = {
  "\u2013": "-",
  "\u2014": "-",
  "\u2018": "'",
  "\u2019": "'",
  "\u201c": "'",
  "\u201d": "'",
};

export function contentDisposition(type: "inline" | "attachment", filename: string): string {
  return `${type}; filename="${asciiFallback(filename)}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

/**
 * Percent-encodes UTF-8 bytes outside RFC 5987 attr-char. `encodeURIComponent` already encodes all
 * but `'()*` among the characters attr-char excludes, so those four are encoded here as well.
 */
export function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Accents are dropped ("Zoë" -> "Zoe"), dashes and curly quotes become ASCII, and anything else
 * outside printable ASCII, plus `"`, `\` and `%` (which some browsers decode), becomes "_".
 */
export function asciiFallback(filename: string): string {
  const replaced = [...filename.normalize("NFKD")]
    .filter((char) => !/\p{Mn}/u.test(char))
    .map((char) => ASCII_LOOKALIKES[char] ?? char)
    .join("");
  const safe = replaced.replace(/[^\x20-\x7e]|["\\%]/g, "_").trim();
  return safe === "" ? "download" : safe;
}
