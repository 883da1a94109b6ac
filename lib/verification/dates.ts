// Calendar dates as South African bills print them. Numeric dates are day-first or year-first,
// never month-first: "05/11/2026" is 5 November 2026 and "11/25/2026" is rejected. Month names may be
// English or Afrikaans, in full or abbreviated. Dates are ISO strings (YYYY-MM-DD) throughout, with
// no time zone, because a statement date is a calendar day.

const MONTHS: Record<string, number> = {
  january: 1, januarie: 1, jan: 1,
  february: 2, februarie: 2, feb: 2,
  march: 3, maart: 3, mar: 3, mrt: 3, maa: 3,
  april: 4, apr: 4,
  may: 5, mei: 5,
  june: 6, junie: 6, jun: 6,
  july: 7, julie: 7, jul: 7,
  august: 8, augustus: 8, aug: 8,
  september: 9, sep: 9, sept: 9,
  october: 10, oktober: 10, oct: 10, okt: 10,
  november: 11, nov: 11,
  december: 12, desember: 12, dec: 12, des: 12,
};

const FULL_MONTH_NAMES = Object.keys(MONTHS).filter((name) => name.length >= 5);

/** Years a statement date may fall in; anything else is an OCR misreading or not a statement date. */
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

export interface DateMention {
  /** ISO date, YYYY-MM-DD. */
  iso: string;
  /** Offset of the mention in the searched text. */
  index: number;
  /** The mention as printed. */
  text: string;
}

/**
 * Returns the month number for an English or Afrikaans month name or abbreviation, tolerating one
 * OCR slip in a full name ("Novernber", "Desernber"), or null when the word is not a month.
 */
export function monthFromName(word: string): number | null {
  const key = word.toLowerCase().replace(/\.$/, "");
  const exact = MONTHS[key];
  if (exact !== undefined) return exact;
  if (key.length < 5) return null;
  // "rn" is tesseract's most common misreading of "m".
  const repaired = key.replace(/rn/g, "m");
  if (MONTHS[repaired] !== undefined) return MONTHS[repaired];
  for (const name of FULL_MONTH_NAMES) {
    if (Math.abs(name.length - key.length) <= 1 && editDistance(name, key) <= 1) return MONTHS[name] ?? null;
  }
  return null;
}

/** Formats a valid calendar date as YYYY-MM-DD, or returns null for an impossible one (31 April). */
export function toIsoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// A two-digit year is accepted only beside a month name ("05-Nov-26"), where it cannot be confused
// with a day or a month, and is read as 20YY.
function expandYear(text: string): number {
  const year = Number(text);
  return text.length === 2 ? 2000 + year : year;
}

const SEPARATOR = String.raw`\s?([-/.])\s?`;
const YEAR_FIRST = new RegExp(String.raw`(?<!\d)(\d{4})${SEPARATOR}(\d{1,2})\s?\2\s?(\d{1,2})(?!\d)`, "g");
const DAY_FIRST = new RegExp(String.raw`(?<!\d)(\d{1,2})${SEPARATOR}(\d{1,2})\s?\2\s?(\d{4})(?!\d)`, "g");
const DAY_MONTH_NAME = /(?<![\d\p{L}])(\d{1,2})(?:st|nd|rd|th)?[\s.\-/]{0,3}(\p{L}{3,10})\.?[\s.,\-/]{0,3}(\d{4}|\d{2})(?!\d)/gu;
const MONTH_NAME_DAY = /(?<!\p{L})(\p{L}{3,10})\.?\s{1,3}(\d{1,2})(?:st|nd|rd|th)?,?\s{1,3}(\d{4})(?!\d)/gu;

/**
 * Finds every date in `text`, in order of position. Overlapping readings keep the earliest, longest
 * match, so "2026/11/05" is not also read as a day-first date.
 */
export function findDates(text: string): DateMention[] {
  const found: DateMention[] = [];
  const add = (match: RegExpExecArray, iso: string | null) => {
    if (iso !== null) found.push({ iso, index: match.index, text: match[0] });
  };

  for (const match of text.matchAll(YEAR_FIRST)) {
    add(match, toIsoDate(Number(match[1]), Number(match[3]), Number(match[4])));
  }
  for (const match of text.matchAll(DAY_FIRST)) {
    add(match, toIsoDate(Number(match[4]), Number(match[3]), Number(match[1])));
  }
  for (const match of text.matchAll(DAY_MONTH_NAME)) {
    const month = monthFromName(match[2] ?? "");
    if (month !== null) add(match, toIsoDate(expandYear(match[3] ?? ""), month, Number(match[1])));
  }
  for (const match of text.matchAll(MONTH_NAME_DAY)) {
    const month = monthFromName(match[1] ?? "");
    if (month !== null) add(match, toIsoDate(Number(match[3]), month, Number(match[2])));
  }

  found.sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  const accepted: DateMention[] = [];
  for (const mention of found) {
    const previous = accepted[accepted.length - 1];
    if (previous && mention.index < previous.index + previous.text.length) continue;
    accepted.push(mention);
  }
  return accepted;
}

/** Parses text that is one date and nothing else (surrounding spaces allowed), or returns null. */
export function parseDate(text: string): string | null {
  const trimmed = text.trim();
  const [first] = findDates(trimmed);
  return first && first.index === 0 && first.text.length === trimmed.length ? first.iso : null;
}

/**
 * Reads a numeric date whose OCR lost one separator ("2026/1107" for 2026/11/07, "0511/2026" for
 * 05/11/2026) or both ("20261107"). Only for text that a label marks as a date, because eight digits
 * are often something else. Returns the ISO date and the length of the match, or null.
 */
export function repairDate(text: string): { iso: string; length: number } | null {
  const yearFirst = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})(?!\d)/.exec(text);
  if (yearFirst) {
    const iso = toIsoDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
    if (iso) return { iso, length: yearFirst[0].length };
  }
  const dayFirst = /^(\d{2})[-/.]?(\d{2})[-/.]?(\d{4})(?!\d)/.exec(text);
  if (dayFirst) {
    const iso = toIsoDate(Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1]));
    if (iso) return { iso, length: dayFirst[0].length };
  }
  return null;
}

/**
 * Moves an ISO date by whole calendar months, clamping the day to the target month's length
 * (2026-05-31 minus 3 months is 2026-02-28).
 */
export function addMonths(iso: string, months: number): string {
  const [year, month, day] = splitIsoDate(iso);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return `${String(targetYear).padStart(4, "0")}-${String(targetMonth).padStart(2, "0")}-${String(targetDay).padStart(2, "0")}`;
}

/** Adds whole days to an ISO date. */
export function addDays(iso: string, days: number): string {
  const [year, month, day] = splitIsoDate(iso);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function splitIsoDate(iso: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match || toIsoDate(Number(match[1]), Number(match[2]), Number(match[3])) === null) {
    throw new RangeError(`Expected an ISO date such as 2026-12-04, got ${JSON.stringify(iso)}`);
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Returns the calendar date in South Africa (SAST, UTC+2 all year) at the given instant. */
export function southAfricanDate(instant: Date): string {
  return new Date(instant.getTime() + 2 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

