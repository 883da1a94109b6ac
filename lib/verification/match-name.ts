// Compares the account holder printed on a bill with the name a resident registered. Bills print
// names in capitals, often with a title and initials ("MR S D MAHLANGU"), sometimes surname first.

/** English and Afrikaans titles that bills print before a name; they never take part in a match. */
const TITLES = new Set([
  "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "REV", "ADV", "HON",
  "MNR", "MEV", "ME", "MEJ", "DS",
]);

export type NameMatch =
  | { matches: true; reason: string }
  | { matches: false; reason: string; conflict: boolean };

/**
 * Splits a person's name into upper-case tokens without titles, accents or punctuation. Hyphenated
 * surnames become separate tokens, and "S.D." becomes two initials.
 */
export function nameTokens(name: string): string[] {
  const plain = name
    .normalize("NFKD")
    .replace(/\p{Mn}/gu, "")
    .toUpperCase()
    .replace(/[.\-'’,]/g, " ")
    .replace(/[^A-Z ]/g, "")
    .trim();
  const tokens = plain.split(/\s+/).filter((token) => token !== "");
  while (tokens.length > 1 && TITLES.has(tokens[0] ?? "")) tokens.shift();
  return tokens;
}

/**
 * Decides whether a name printed on a document names the resident. The surnames (last tokens) must
 * be equal, and each given name or initial on the document must match, in order, a given name of the
 * resident (an initial matches any name that starts with it); the same applies the other way round, so
 * a document may leave out a middle name. "T. Mokoena" matches "Thandi Mokoena"; "T Mokoena" does
 * not match "Sipho Mokoena". A document that prints the surname first ("MOKOENA THANDI") matches too.
 * `conflict` is true when the names clearly belong to different people, false when there is too
 * little to tell (a surname alone).
 */
export function matchName(documentName: string, residentName: string): NameMatch {
  const printed = nameTokens(documentName);
  const registered = nameTokens(residentName);
  if (printed.length === 0 || registered.length === 0) {
    return { matches: false, conflict: false, reason: "one of the names has no letters to compare" };
  }

  const direct = compareTokens(printed, registered);
  if (direct.matches) return direct;
  if (printed.length > 1) {
    const surnameFirst = [...printed.slice(1), printed[0] ?? ""];
    const swapped = compareTokens(surnameFirst, registered);
    if (swapped.matches) return { matches: true, reason: `${swapped.reason} (surname printed first)` };
  }
  return direct;
}

function compareTokens(printed: string[], registered: string[]): NameMatch {
  const printedSurname = printed[printed.length - 1] ?? "";
  const registeredSurname = registered[registered.length - 1] ?? "";
  if (printedSurname !== registeredSurname) {
    return {
      matches: false,
      conflict: true,
      reason: `surname ${printedSurname} differs from ${registeredSurname}`,
    };
  }

  const printedGiven = splitRunTogetherInitials(printed.slice(0, -1));
  const registeredGiven = splitRunTogetherInitials(registered.slice(0, -1));
  if (printedGiven.length === 0 || registeredGiven.length === 0) {
    return {
      matches: false,
      conflict: false,
      reason: `only the surname ${printedSurname} can be compared, with no given name or initial on one side`,
    };
  }

  const [shorter, longer] =
    printedGiven.length <= registeredGiven.length ? [printedGiven, registeredGiven] : [registeredGiven, printedGiven];
  if (!isOrderedMatch(shorter, longer)) {
    return {
      matches: false,
      conflict: true,
      reason: `given names ${printedGiven.join(" ")} do not match ${registeredGiven.join(" ")}`,
    };
  }
  return { matches: true, reason: `surname ${printedSurname} and given names or initials agree` };
}

// Bills sometimes print initials without spaces ("MR SD MAHLANGU"). A given-name token of two or three
// letters without a vowel cannot be a name, so it is read as that many initials.
function splitRunTogetherInitials(given: string[]): string[] {
  return given.flatMap((token) => (token.length <= 3 && !/[AEIOUY]/.test(token) ? [...token] : [token]));
}

// Each token of `shorter` must match a later token of `longer` than the one before it.
function isOrderedMatch(shorter: string[], longer: string[]): boolean {
  let position = 0;
  for (const token of shorter) {
    while (position < longer.length && !givenNameMatches(token, longer[position] ?? "")) position += 1;
    if (position === longer.length) return false;
    position += 1;
  }
  return true;
}

// One letter matches a name that starts with it.
function givenNameMatches(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === 1) return b.startsWith(a);
  if (b.length === 1) return a.startsWith(b);
  return false;
}
