// Reading what a resident typed: command words, numbered choices and ticket references. Command
// words are accepted in every catalogue language whatever the resident chose, because people mix
// languages and the menu shows the English words too.

export type CommandWord = "menu" | "cancel" | "help" | "done" | "skip" | "yes" | "no";

const COMMAND_WORDS: Record<CommandWord, readonly string[]> = {
  menu: ["menu", "main menu", "imenyu", "kieslys", "spyskaart"],
  cancel: ["cancel", "khansela", "kanselleer"],
  help: ["help", "usizo", "hulp", "?"],
  done: ["done", "finished", "ngiqedile", "sengiqedile", "klaar"],
  skip: ["skip", "yeqa", "eqa", "slaan oor", "oorslaan"],
  yes: ["yes", "y", "yebo", "ja", "send"],
  no: ["no", "n", "cha", "nee"],
};

/** Lower-cases, trims, and drops surrounding punctuation and emoji presentation characters. */
export function normalizeWords(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u{FE0F}\u{20E3}]/gu, "")
    .trim()
    .toLowerCase()
    .replace(/^[\s"'“”‘’.,!]+|[\s"'“”‘’.,!]+$/g, "")
    .replace(/\s+/g, " ");
}

/** Tells whether the whole message is the command word in any language. */
export function isCommand(text: string, command: CommandWord): boolean {
  return COMMAND_WORDS[command].includes(normalizeWords(text));
}

/**
 * Reads a numbered choice from 1 to `count`: "2", "2.", " 2 " or the keycap emoji 2️⃣. Returns null
 * for anything else.
 */
export function parseChoice(text: string, count: number): number | null {
  const match = /^(\d{1,2})$/.exec(normalizeWords(text));
  if (!match) return null;
  const choice = Number(match[1]);
  return choice >= 1 && choice <= count ? choice : null;
}

// A tenant code of 2 to 5 letters, the year, and a sequence of at least six digits (TSH-2026-000123).
const REFERENCE = "([a-z]{2,5})[-\\s]?(\\d{4})[-\\s]?(\\d{6,})";
const STATUS_COMMAND = new RegExp(`^(?:status|isimo)\\s+${REFERENCE}$`);
const BARE_REFERENCE = new RegExp(`^${REFERENCE}$`);

/** Reads "status TSH-2026-000123" (or "isimo ..."); returns the reference in canonical form, or null. */
export function parseStatusCommand(text: string): string | null {
  const match = STATUS_COMMAND.exec(normalizeWords(text));
  return match ? canonicalReference(match) : null;
}

/** Reads a reference typed on its own, with or without hyphens and in any case. */
export function parseReference(text: string): string | null {
  const words = normalizeWords(text);
  const match = BARE_REFERENCE.exec(words) ?? STATUS_COMMAND.exec(words);
  return match ? canonicalReference(match) : null;
}

function canonicalReference(match: RegExpExecArray): string {
  return `${match[1]!.toUpperCase()}-${match[2]}-${match[3]}`;
}
