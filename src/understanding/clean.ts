/**
 * Making text comparable before anything reads it: Unicode compatibility forms, invisible
 * characters, look-alike letters from other scripts, accents, case and stretched letters.
 * Every step is one pass over the text, so a long message costs in proportion to its length.
 */

import { pointAt, unitAt } from "./code-units.js";

/** Longest text read, counted after cleaning (a Telegram or WhatsApp message at most). */
export const MAX_READ_CHARS = 4096;

/**
 * Cyrillic and Greek letters that look like Latin ones: "tоlong" with a Cyrillic "о" is
 * still "tolong". Only letters drawn alike in common phone fonts are listed.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ɡ: "g",
  α: "a",
  β: "b",
  ε: "e",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
};

/** Symbols that stand for a word people would otherwise type. */
const SYMBOL_WORDS: Readonly<Record<string, string>> = { "🆘": " sos ", "👍": " ok " };
const SYMBOLS = Object.keys(SYMBOL_WORDS);
const SYMBOL = new RegExp(SYMBOLS.join("|"), "gu");

const NOT_ASCII = /[^\t\n\r\x20-\x7e]/;
const EMOJI_JOINERS = /\ufe0f|\u200d/g;
const INVISIBLE_OR_MARK = /[\p{Cf}\p{M}]/gu;
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join("")}]`, "gu");
const LETTER = /^\p{L}$/u;
/** Apostrophes inside words go ("can't" -> "cant", "i'm" -> "im"), as people often omit them. */
const APOSTROPHE = /['’`]/g;

/** The first character of the emoji blocks: astral characters below it may be letters. */
const FIRST_EMOJI = 0x1f000;

/**
 * Clean a message for reading. Cut to {@link MAX_READ_CHARS} only after cleaning, so a
 * message padded with invisible or compatibility characters reads like the plain text.
 *
 * Each step first looks whether it has anything to do (most messages have no stretched
 * letters, apostrophes or emoji): a long plain message costs one lowercasing and a few scans.
 *
 * @example cleanText("TOLOOONG\u200B!!") === "tolong!!"
 */
export function cleanText(raw: string): string {
  // Bound the work before Unicode normalisation: no message a person writes is this long.
  const bounded = raw.length > MAX_READ_CHARS * 4 ? raw.slice(0, MAX_READ_CHARS * 4) : raw;
  const text = squeezeStretched(withoutApostrophes(folded(bounded)));
  return text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text;
}

/** Lowercase, with compatibility forms, marks, look-alikes and symbols made plain. */
function folded(text: string): string {
  // Most messages are plain ASCII: a regular expression finds the first other character fast.
  const first = text.search(NOT_ASCII);
  if (first < 0) return text.toLowerCase();
  if (!plainOrEmoji(text, first)) return symbolsAsWords(decomposedAround(text, first));
  return symbolsAsWords(text.toLowerCase().replace(EMOJI_JOINERS, ""));
}

/**
 * Printable ASCII and line breaks, and emoji (with the variation selector and the joiner
 * that build them): nothing to decompose or look alike. Astral letters ("𝐭𝐨𝐥𝐨𝐧𝐠" in a
 * fancy font) are not plain: decomposition makes them ordinary letters.
 */
function plainOrEmoji(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = unitAt(text, i);
    if ((c >= 0x20 && c <= 0x7e) || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0xfe0f || c === 0x200d || isLowSurrogate(c)) continue;
    if (c < 0xd800 || c > 0xdbff) return false;
    const cp = pointAt(text, i) as number;
    if (cp >= 0x10000 && cp < FIRST_EMOJI) return false;
  }
  return true;
}

/**
 * `decomposed(text)`, worked only where it can change something: the words that hold a
 * character other than ASCII ("islands" between ASCII whitespace), the rest only lowercased.
 * A long message with a curly quote or an accent in it otherwise pays a Unicode
 * decomposition and two Unicode regular expressions over all its 4,096 characters.
 *
 * The same result as the whole: ASCII is its own decomposition and has no marks or
 * look-alikes; decomposition reorders marks only within a run of them; and lowercasing
 * looks at neighbours only for the Greek final sigma, whose context ends at whitespace.
 */
function decomposedAround(text: string, first: number): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = first; i >= 0; i = nextNotAscii(text, i)) {
    const start = islandStart(text, i, from);
    const end = islandEnd(text, i);
    parts.push(text.slice(from, start).toLowerCase(), decomposed(text.slice(start, end)));
    from = end;
    i = end;
  }
  parts.push(text.slice(from).toLowerCase());
  return parts.join("");
}

/** ASCII whitespace: neither a letter nor skipped over by lowercasing's look at neighbours. */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function islandStart(text: string, i: number, from: number): number {
  let start = i;
  while (start > from && !isAsciiSpace(unitAt(text, start - 1))) start--;
  return start;
}

function islandEnd(text: string, i: number): number {
  let end = i + 1;
  while (end < text.length && !isAsciiSpace(unitAt(text, end))) end++;
  return end;
}

/** The next character other than ASCII from `i` on, or -1. */
function nextNotAscii(text: string, i: number): number {
  for (; i < text.length; i++) if (unitAt(text, i) > 0x7f) return i;
  return -1;
}

/** One decomposition does both: compatibility forms ("ｔｏｌｏｎｇ") and accents apart. */
function decomposed(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(INVISIBLE_OR_MARK, "")
    .replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c] ?? c);
}

function symbolsAsWords(text: string): string {
  return SYMBOLS.some((s) => text.includes(s))
    ? text.replace(SYMBOL, (c) => SYMBOL_WORDS[c] ?? c)
    : text;
}

/** An apostrophe between two letters goes; others stay (they separate words). */
function withoutApostrophes(text: string): string {
  APOSTROPHE.lastIndex = 0;
  let parts: string[] | undefined;
  let from = 0;
  for (let m = APOSTROPHE.exec(text); m !== null; m = APOSTROPHE.exec(text)) {
    const i = m.index;
    if (!letterBefore(text, i) || !letterAt(text, i + 1)) continue;
    parts ??= [];
    parts.push(text.slice(from, i));
    from = i + 1;
  }
  if (parts === undefined) return text;
  parts.push(text.slice(from));
  return parts.join("");
}

/** A letter typed three or more times in a row ("tolooong", "pleaseee") counts once. */
function squeezeStretched(text: string): string {
  let parts: string[] | undefined;
  let from = 0;
  // Jump from one run of a repeated character to the next: nothing between can be stretched.
  for (let i = nextTriple(text, 0), end = 0; i >= 0; i = nextTriple(text, end)) {
    end = runEnd(text, i);
    const width = (pointAt(text, i) as number) > 0xffff ? 2 : 1;
    if (isLetter(pointAt(text, i) as number)) {
      parts ??= [];
      parts.push(text.slice(from, i + width));
      from = end;
    }
  }
  if (parts === undefined) return text;
  parts.push(text.slice(from));
  return parts.join("");
}

/**
 * Where a character may be typed three times or more, from `from` on: an ASCII letter, a
 * character other than printable ASCII, or a surrogate pair, three times in a row (whether
 * it is a letter is checked after). A scan of code units: a regular expression with
 * back-references cost four times as much on a long message.
 */
function nextTriple(text: string, from: number): number {
  const last = text.length - 2;
  for (let i = from; i < last; i++) {
    const c = unitAt(text, i);
    const letter = c >= 0x61 && c <= 0x7a;
    if (!letter && c >= 0x20 && c <= 0x7e) continue;
    if (unitAt(text, i + 1) === c && unitAt(text, i + 2) === c) return i;
    if (!letter && c >= 0xd800 && c <= 0xdbff && samePairThrice(text, i)) return i;
  }
  return -1;
}

/** The surrogate pair at `i` is typed three times in a row. */
function samePairThrice(text: string, i: number): boolean {
  const high = unitAt(text, i);
  const low = unitAt(text, i + 1);
  return (
    low >= 0xdc00 &&
    low <= 0xdfff &&
    unitAt(text, i + 2) === high &&
    unitAt(text, i + 3) === low &&
    unitAt(text, i + 4) === high &&
    unitAt(text, i + 5) === low
  );
}

/** Where the run of one character starting at `i` ends (an astral character is two units). */
function runEnd(text: string, i: number): number {
  const c = unitAt(text, i);
  let end = i + 1;
  if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(unitAt(text, i + 1))) {
    const low = unitAt(text, i + 1);
    end = i + 2;
    while (unitAt(text, end) === c && unitAt(text, end + 1) === low) end += 2;
    return end;
  }
  while (unitAt(text, end) === c) end++;
  return end;
}

function letterAt(text: string, i: number): boolean {
  const cp = pointAt(text, i);
  return cp !== undefined && isLetter(cp);
}

/** Whether the character ending just before `i` is a letter (perhaps an astral one). */
function letterBefore(text: string, i: number): boolean {
  if (i === 0) return false;
  const high = i >= 2 ? unitAt(text, i - 2) : 0;
  const pair = high >= 0xd800 && high <= 0xdbff && isLowSurrogate(unitAt(text, i - 1));
  return letterAt(text, pair ? i - 2 : i - 1);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Whether non-ASCII code points are letters, as met: asked for every character. */
const LETTERS = new Map<number, boolean>();

function isLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  let letter = LETTERS.get(cp);
  if (letter === undefined) {
    letter = LETTER.test(String.fromCodePoint(cp));
    if (LETTERS.size >= 10_000) LETTERS.clear();
    LETTERS.set(cp, letter);
  }
  return letter;
}

/** Whether the text holds any letter or digit at all (not only emoji or punctuation). */
export function hasWords(cleaned: string): boolean {
  return /[\p{L}\p{N}]/u.test(cleaned);
}
