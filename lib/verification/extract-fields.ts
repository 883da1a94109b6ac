// Reads the proof-of-residence fields from a statement's text. Every field is found through the label
// that statements print beside it ("Account number", "Statement date", "Account holder", "Service
// address"), because a bill prints several dates and numbers and the first one on the page is rarely
// the right one. Fallbacks without a label get a lower confidence.

import { editDistance, findDates, repairDate } from "./dates";
import { buildRows, meanConfidence, type Row, type Segment } from "./layout";
import { MUNICIPALITIES } from "./municipalities";
import type { AddressReading, DocumentText, ExtractedFields, FieldReading, TextWord } from "./types";

/** Text with the words it came from; offsets[i] is where words[i] starts in text. */
interface Span {
  text: string;
  words: TextWord[];
  offsets: number[];
}

interface Parsed<T> {
  value: T;
  /** Characters of the span the value was read from, from its start. */
  consumed: number;
  /** Below 1 when the value had to be repaired to be read. */
  certainty?: number;
}

type Parser<T> = (text: string) => Parsed<T> | null;

interface Reading<T> {
  value: T;
  confidence: number;
}

/** How much a value's position relative to its label is trusted. */
const SAME_SEGMENT = 1;
const NEXT_SEGMENT = 0.95;
const BELOW_LABEL = 0.85;

const EMPTY: FieldReading<never> = { value: null, confidence: 0 };

/** Extracts holder name, account number, municipality, statement date and address from a document. */
export function extractFields(document: DocumentText): ExtractedFields {
  const pages = document.pages.map((page) => buildRows(page));

  const accountNumber = findAccountNumber(pages);
  const statementDate = findLabelled(pages, STATEMENT_DATE_LABELS, parseDateValue);
  const labelledHolder = findLabelled(pages, HOLDER_LABELS, parseName);
  const serviceAddress = findLabelled(pages, SERVICE_ADDRESS_LABELS, parseAddressLine);
  const windowBlock = findWindowBlock(pages);
  const municipality = findMunicipalityName(pages);

  const labelsFound = [accountNumber, statementDate, labelledHolder, serviceAddress].filter((r) => r !== null).length;
  const recognised = municipality !== null || labelsFound >= 2;
  if (!recognised) return emptyFields();

  const holderName = labelledHolder ?? scaled(windowBlock?.name ?? null, 0.6);
  return {
    documentKind: "municipal_account",
    holderName: toField(holderName),
    accountNumber: toField(accountNumber),
    municipality: toField(municipality),
    statementDate: toField(statementDate),
    address: mergeAddresses(serviceAddress, windowBlock?.address ?? null),
  };
}

function emptyFields(): ExtractedFields {
  return {
    documentKind: "unrecognised",
    holderName: EMPTY,
    accountNumber: EMPTY,
    municipality: EMPTY,
    statementDate: EMPTY,
    address: { streetNumber: EMPTY, street: EMPTY, suburb: EMPTY, city: EMPTY, postalCode: EMPTY },
  };
}

function toField<T>(reading: Reading<T> | null): FieldReading<T> {
  return reading ? { value: reading.value, confidence: round(reading.confidence) } : EMPTY;
}

function scaled<T>(reading: Reading<T> | null, factor: number): Reading<T> | null {
  return reading ? { value: reading.value, confidence: reading.confidence * factor } : null;
}

// Two independent readings of the same value make it more certain than either one.
function corroborated(first: number, second: number): number {
  return Math.min(0.99, 1 - (1 - first) * (1 - second));
}

function round(confidence: number): number {
  return Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Labels

interface Label {
  pattern: RegExp;
  /** 1 for a label that names the field; less for a generic one such as "Date". */
  strength: number;
}

// Label patterns run on a segment's text with leading punctuation removed, and must match at its start.
const ACCOUNT_NUMBER_LABELS: Label[] = [
  { pattern: /^(?:municipal\s+)?acc(?:ount|t)?\.?\s*(?:number|numb|num|no|nr)\b\.?\s*:?/i, strength: 1 },
  { pattern: /^rekening\s*(?:nommer|no|nr)\b\.?\s*:?/i, strength: 1 },
  // The remittance slip prints "Account 5004 8817 3620" without "number".
  { pattern: /^account\s*:?(?=\s*\d)/i, strength: 0.8 },
];

const STATEMENT_DATE_LABELS: Label[] = [
  { pattern: /^(?:statement|invoice|tax\s+invoice|account|billing|bill)\s+date\b\s*:?/i, strength: 1 },
  { pattern: /^date\s+of\s+(?:statement|invoice|account)\b\s*:?/i, strength: 1 },
  { pattern: /^statement\s+dated?\b\s*:?/i, strength: 1 },
  { pattern: /^(?:staat|rekening|faktuur)\s*datum\b\s*:?/i, strength: 1 },
  { pattern: /^datum\s+van\s+(?:staat|rekening)\b\s*:?/i, strength: 1 },
  { pattern: /^date\b\s*:?/i, strength: 0.6 },
];

const HOLDER_LABELS: Label[] = [
  { pattern: /^(?:account|acc)\s+holder(?:\s+name)?\b\s*:?/i, strength: 1 },
  { pattern: /^name\s+of\s+(?:account\s+)?holder\b\s*:?/i, strength: 1 },
  { pattern: /^(?:account|customer|consumer|owner'?s?)\s+name\b\s*:?/i, strength: 1 },
  { pattern: /^rekeninghouer\b\s*:?/i, strength: 1 },
];

const SERVICE_ADDRESS_LABELS: Label[] = [
  { pattern: /^(?:property\s*\/?\s*)?(?:service|property|physical|site|erf|stand)\s+address\b\s*:?/i, strength: 1 },
  { pattern: /^(?:diens|eiendoms|fisiese|perseel)\s*adres\b\s*:?/i, strength: 1 },
];

interface LabelHit {
  rows: Row[];
  rowIndex: number;
  segmentIndex: number;
  /** The label's own segment text after the label. */
  remainder: Span;
  strength: number;
}

function findLabelHits(rows: Row[], labels: Label[]): LabelHit[] {
  const hits: LabelHit[] = [];
  rows.forEach((row, rowIndex) => {
    row.segments.forEach((segment, segmentIndex) => {
      const span = spanOf(segment.words);
      const lead = /^[^\p{L}\p{N}]*/u.exec(span.text)?.[0].length ?? 0;
      for (const label of labels) {
        const match = label.pattern.exec(span.text.slice(lead));
        if (!match) continue;
        hits.push({ rows, rowIndex, segmentIndex, remainder: sliceSpan(span, lead + match[0].length), strength: label.strength });
        break;
      }
    });
  });
  return hits;
}

/**
 * Finds the first label with a readable value. The value is searched in the label's own segment, then
 * in the next segment of its row, then in the segment below the label.
 */
function findLabelled<T>(pages: Row[][], labels: Label[], parse: Parser<T>): Reading<T> | null {
  const readings: Reading<T>[] = [];
  for (const rows of pages) {
    for (const hit of findLabelHits(rows, labels)) {
      const reading = readAfterLabel(hit, parse);
      if (reading) readings.push(reading);
    }
    if (readings.length > 0) break;
  }
  readings.sort((a, b) => b.confidence - a.confidence);
  return readings[0] ?? null;
}

function readAfterLabel<T>(hit: LabelHit, parse: Parser<T>): Reading<T> | null {
  const row = hit.rows[hit.rowIndex];
  const labelSegment = row?.segments[hit.segmentIndex];
  if (!row || !labelSegment) return null;

  const candidates: [Span, number][] = [];
  if (hit.remainder.text.trim() !== "") candidates.push([hit.remainder, SAME_SEGMENT]);
  const next = row.segments[hit.segmentIndex + 1];
  if (next) candidates.push([spanOf(next.words), NEXT_SEGMENT]);
  const below = segmentBelow(hit.rows, hit.rowIndex, labelSegment);
  if (below) candidates.push([spanOf(below.words), BELOW_LABEL]);

  for (const [span, placement] of candidates) {
    const parsed = parse(span.text);
    if (!parsed) continue;
    const words = wordsWithin(span, 0, parsed.consumed);
    return { value: parsed.value, confidence: meanConfidence(words) * placement * hit.strength * (parsed.certainty ?? 1) };
  }
  return null;
}

// The first segment in the next rows that starts under the label, within two line heights.
function segmentBelow(rows: Row[], rowIndex: number, label: Segment): Segment | null {
  const lineHeight = label.box.y1 - label.box.y0;
  for (let index = rowIndex + 1; index < rows.length; index += 1) {
    const row = rows[index];
    if (!row || row.box.y0 - label.box.y1 > 2 * lineHeight) return null;
    const segment = row.segments.find((candidate) => candidate.box.x0 < label.box.x1 && candidate.box.x1 > label.box.x0);
    if (segment) return segment;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Spans

function spanOf(words: TextWord[]): Span {
  const offsets: number[] = [];
  let text = "";
  for (const word of words) {
    if (text !== "") text += " ";
    offsets.push(text.length);
    text += word.text;
  }
  return { text, words, offsets };
}

// The span from character `start` on; a word cut by `start` keeps only its remaining characters.
function sliceSpan(span: Span, start: number): Span {
  const words: TextWord[] = [];
  const offsets: number[] = [];
  let text = "";
  span.words.forEach((word, index) => {
    const wordStart = span.offsets[index] ?? 0;
    const wordEnd = wordStart + word.text.length;
    if (wordEnd <= start) return;
    const remaining = wordStart >= start ? word.text : word.text.slice(start - wordStart);
    if (remaining.trim() === "") return;
    if (text !== "") text += " ";
    offsets.push(text.length);
    text += remaining;
    words.push({ ...word, text: remaining });
  });
  return { text, words, offsets };
}

function wordsWithin(span: Span, start: number, end: number): TextWord[] {
  return span.words.filter((word, index) => {
    const wordStart = span.offsets[index] ?? 0;
    return wordStart < end && wordStart + word.text.length > start;
  });
}

// ---------------------------------------------------------------------------------------------
// Value parsers

// Tesseract reads 0 as O and 1 as I, l or |, most often inside numbers.
function repairDigits(token: string): string {
  const digits = token.replace(/[^0-9]/g, "").length;
  if (digits === 0 || digits < token.replace(/[-/.]/g, "").length / 2) return token;
  return token.replace(/[Oo]/g, "0").replace(/[Il|]/g, "1").replace(/[Ss]/g, "5").replace(/B/g, "8");
}

/** Parses an account number: 6 to 16 digits in groups separated by single spaces or hyphens. */
export const parseAccountNumber: Parser<string> = (text) => {
  const lead = /^[\s:#.]*/.exec(text)?.[0].length ?? 0;
  const groups: string[] = [];
  let consumed = lead;
  for (const { token, end } of tokenize(text.slice(lead))) {
    const repaired = repairDigits(token);
    if (!/^\d[\d-]*$/.test(repaired)) break;
    groups.push(repaired);
    consumed = lead + end;
  }
  const digits = groups.join("").replace(/-/g, "").length;
  if (digits < 6 || digits > 16) return null;
  return { value: groups.join(" "), consumed };
};

function parseDateValue(text: string): Parsed<string> | null {
  const [first] = findDates(text);
  // The value must start the span, after a colon or a stray mark at most.
  if (first && !/[\p{L}\p{N}]/u.test(text.slice(0, first.index))) {
    return { value: first.iso, consumed: first.index + first.text.length };
  }
  const lead = /^[^\p{L}\p{N}]*/u.exec(text)?.[0].length ?? 0;
  const repaired = repairDate(text.slice(lead));
  return repaired ? { value: repaired.iso, consumed: lead + repaired.length, certainty: 0.8 } : null;
}

const TITLES = /^(?:MR|MRS|MS|MISS|MX|DR|PROF|REV|ADV|MNR|MEV|ME|MEJ)\.?$/i;

// Words that end a name because a neighbouring label or value was read into its segment.
const NOT_NAME_WORDS = new Set([
  "ACCOUNT", "AMOUNT", "DUE", "DATE", "NUMBER", "STATEMENT", "TAX", "INVOICE", "VAT", "ADDRESS",
  "BALANCE", "TOTAL", "PAGE", "REF", "REFERENCE", "HOLDER", "NAME", "ERF", "STAND", "WARD",
]);

/** Parses a person's or organisation's name: 2 to 6 words of letters, without a leading title. */
export const parseName: Parser<string> = (text) => {
  const tokens = tokenize(text);
  const nameWords: string[] = [];
  let consumed = 0;
  for (const { token, end } of tokens) {
    const word = token.replace(/^[:;,]+|[:;,]+$/g, "");
    if (word === "") {
      if (nameWords.length === 0) continue;
      break;
    }
    if (!/^\p{L}[\p{L}'’.-]*$/u.test(word) || NOT_NAME_WORDS.has(word.toUpperCase())) break;
    if (nameWords.length === 0 && TITLES.test(word)) {
      consumed = end;
      continue;
    }
    nameWords.push(word);
    consumed = end;
  }
  const letters = nameWords.join("").replace(/[^\p{L}]/gu, "").length;
  if (nameWords.length < 2 || nameWords.length > 6 || letters < 4) return null;
  return { value: nameWords.join(" "), consumed };
};

interface AddressParts {
  streetNumber: string | null;
  street: string | null;
  suburb: string | null;
  city: string | null;
  postalCode: string | null;
}

interface AddressReadingParts {
  parts: AddressParts;
  confidence: number;
}

const STREET_LINE = /^(\d{1,5}[A-Za-z]?)\s+(\p{L}[\p{L}\p{N}'’.\- ]*)$/u;
const POSTAL_CODE = /^\d{4}$/;

/** Parses a one-line address such as "47 Boekenhout Street, Sunnyside, Pretoria, 0002". */
export const parseAddressLine: Parser<AddressParts> = (text) => {
  const parts = text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  const parsed = parseAddressParts(parts);
  if (!parsed) return null;
  return { value: parsed, consumed: text.length };
};

// Reads street line, suburb, city and postal code from an address split into parts (comma-separated
// or one per line). A PO box or private bag is a postal address and gives no street.
function parseAddressParts(rawParts: string[]): AddressParts | null {
  const parts = [...rawParts];
  let postalCode: string | null = null;
  const last = parts[parts.length - 1];
  if (last !== undefined) {
    // A lone four-character part is read as a postal code even when OCR made most digits letters.
    const repaired = /^[0-9OoIl|]{4}$/.test(last) && /\d/.test(last) ? last.replace(/[Oo]/g, "0").replace(/[Il|]/g, "1") : repairDigits(last);
    const trailing = /^(.*\S)\s+(\d{4})$/.exec(repaired);
    if (POSTAL_CODE.test(repaired)) {
      postalCode = repaired;
      parts.pop();
    } else if (trailing && /\p{L}/u.test(trailing[1] ?? "")) {
      postalCode = trailing[2] ?? null;
      parts[parts.length - 1] = (last.slice(0, (trailing[1] ?? "").length)).trim();
    }
  }

  const streetIndex = parts.findIndex((part) => STREET_LINE.test(part) && !/\b(?:BOX|POSBUS|BAG|SAK)\b/i.test(part));
  if (streetIndex === -1) return null;
  const streetMatch = STREET_LINE.exec(parts[streetIndex] ?? "");
  const rest = parts.slice(streetIndex + 1);
  const result: AddressParts = {
    streetNumber: streetMatch?.[1] ?? null,
    street: streetMatch?.[2]?.trim() ?? null,
    suburb: rest[0] ?? null,
    city: rest[1] ?? null,
    postalCode,
  };
  if (result.suburb === null && result.postalCode === null) return null;
  return result;
}

function tokenize(text: string): { token: string; end: number }[] {
  return [...text.matchAll(/\S+/g)].map((match) => ({ token: match[0], end: match.index + match[0].length }));
}

// ---------------------------------------------------------------------------------------------
// Fields

function findAccountNumber(pages: Row[][]): Reading<string> | null {
  const reading = findLabelled(pages, ACCOUNT_NUMBER_LABELS, parseAccountNumber);
  if (!reading) return null;
  // The remittance slip repeats the number; a second, separate reading of it corroborates the first.
  const digits = reading.value.replace(/\D/g, "");
  const repeats = pages
    .flatMap((rows) => findLabelHits(rows, ACCOUNT_NUMBER_LABELS))
    .map((hit) => readAfterLabel(hit, parseAccountNumber))
    .filter((other) => other !== null && other.value.replace(/\D/g, "") === digits);
  if (repeats.length >= 2) {
    const second = repeats.map((other) => other?.confidence ?? 0).sort((a, b) => b - a)[1] ?? 0;
    return { value: reading.value, confidence: corroborated(reading.confidence, second * 0.5) };
  }
  return reading;
}

/**
 * Finds the addressee block in the envelope window: a titled name ("MR S D MAHLANGU") with the address
 * lines left-aligned under it. On most statements this is the postal address, which may differ from
 * the property; it serves as a fallback and to corroborate the service address.
 */
function findWindowBlock(pages: Row[][]): { name: Reading<string> | null; address: AddressReadingParts | null } | null {
  const rows = pages[0];
  if (!rows) return null;
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex += 1) {
    const first = rows[rowIndex]?.segments[0];
    if (!first) continue;
    const firstWord = first.words[0]?.text.replace(/[^\p{L}.]/gu, "") ?? "";
    if (!TITLES.test(firstWord)) continue;
    const parsedName = parseName(first.text);
    if (!parsedName) continue;

    const lineHeight = first.box.y1 - first.box.y0;
    const lines: Segment[] = [];
    let bottom = first.box.y1;
    for (let index = rowIndex + 1; index < rows.length && lines.length < 6; index += 1) {
      const row = rows[index];
      if (!row || row.box.y0 - bottom > 1.5 * lineHeight) break;
      const segment = row.segments.find((candidate) => Math.abs(candidate.box.x0 - first.box.x0) < 1.5 * lineHeight);
      if (!segment) break;
      lines.push(segment);
      bottom = segment.box.y1;
    }

    const name = { value: parsedName.value, confidence: meanConfidence(first.words) };
    const parts = parseAddressParts(lines.map((line) => line.text));
    const address = parts ? { parts, confidence: meanConfidence(lines.flatMap((line) => line.words)) } : null;
    return { name, address };
  }
  return null;
}

function mergeAddresses(service: Reading<AddressParts> | null, window: AddressReadingParts | null): AddressReading {
  const keys = ["streetNumber", "street", "suburb", "city", "postalCode"] as const;
  const primary = service ? { parts: service.value, confidence: service.confidence } : null;
  const fallback = window ? { parts: window.parts, confidence: window.confidence * 0.8 } : null;

  const result = {} as AddressReading;
  for (const key of keys) {
    const first = primary?.parts[key] ?? null;
    const second = fallback?.parts[key] ?? null;
    if (first !== null && primary) {
      const agrees = second !== null && fallback && sameText(first, second);
      const confidence = agrees ? corroborated(primary.confidence, fallback.confidence) : primary.confidence;
      result[key] = { value: first, confidence: round(confidence) };
    } else if (second !== null && fallback) {
      result[key] = { value: second, confidence: round(fallback.confidence) };
    } else {
      result[key] = EMPTY;
    }
  }
  return result;
}

function sameText(a: string, b: string): boolean {
  return a.toUpperCase().replace(/\s+/g, " ") === b.toUpperCase().replace(/\s+/g, " ");
}

// A municipality's name in the letterhead is the strongest evidence. A single distinctive word (as in
// a web address) or a generic "City of X" or "X Municipality" is weaker.
const GENERIC_MUNICIPALITY = /\b(CITY OF [A-Z]{3,}(?: [A-Z]{3,})?|[A-Z]{3,}(?: [A-Z]{3,})? (?:LOCAL |METROPOLITAN |DISTRICT )?MUNICIPALITY)\b/;

function findMunicipalityName(pages: Row[][]): Reading<string> | null {
  const rows = pages[0] ?? [];
  const pageTop = Math.min(...rows.map((row) => row.box.y0));
  const pageBottom = Math.max(...rows.map((row) => row.box.y1));
  let best: Reading<string> | null = null;
  const offer = (value: string, confidence: number) => {
    if (!best || confidence > best.confidence) best = { value, confidence };
  };

  for (const row of rows) {
    const words = row.segments.flatMap((segment) => segment.words);
    const upper = words
      .map((word) => word.text.toUpperCase().replace(/[^A-Z0-9'.-]/g, "").replace(/^[.'-]+|[.'-]+$/g, ""))
      .filter((word) => word !== "");
    const rowText = words.map((word) => word.text.toUpperCase()).join(" ");
    const inLetterhead = row.box.y1 <= pageTop + 0.25 * (pageBottom - pageTop);
    const placement = inLetterhead ? 0.98 : 0.85;
    const ocr = meanConfidence(words);

    for (const municipality of MUNICIPALITIES) {
      for (const phrase of municipality.phrases) {
        if (containsPhrase(upper, phrase)) offer(municipality.name, ocr * placement);
      }
      for (const word of municipality.words) {
        if (new RegExp(`(?:^|[^A-Z])${word}(?:[^A-Z]|$)`).test(rowText)) offer(municipality.name, ocr * placement * 0.7);
      }
    }
    const generic = GENERIC_MUNICIPALITY.exec(rowText);
    if (generic?.[1]) offer(titleCase(generic[1]), ocr * placement * 0.5);
  }
  return best;
}

// Whether the words contain the phrase, allowing one OCR slip per ten letters of the phrase.
function containsPhrase(words: string[], phrase: string): boolean {
  const size = phrase.split(" ").length;
  const allowed = Math.floor(phrase.length / 10);
  for (let start = 0; start + size <= words.length; start += 1) {
    const window = words.slice(start, start + size).join(" ");
    if (window === phrase || (allowed > 0 && editDistance(window, phrase) <= allowed)) return true;
  }
  return false;
}

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .split(" ")
    .map((word) => (word === "of" ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(" ");
}
