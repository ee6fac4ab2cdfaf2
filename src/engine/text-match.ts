/**
 * Matching what people type against words we expect, forgiving case, diacritics,
 * stretched letters ("toloooong"), punctuation, emoji and one-letter typos.
 *
 * Written here rather than taken from a fuzzy-search library: those rank documents by
 * similarity, while we need whole-phrase matches with a strict, explainable typo rule
 * (a false "help" on "hello" would wrongly raise an emergency).
 */

/** Longest input we look at; longer messages are cut before matching. */
export const MAX_MATCH_INPUT = 1000;

const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
const REPEATED_LETTER = /(\p{L})\1+/gu;

/**
 * Lowercase, strip diacritics and punctuation, squeeze repeated letters.
 *
 * @example normalize("TOLOOONG!!") === "tolong"; normalize("Tâm  Cafe") === "tam cafe"
 */
export function normalize(input: string): string {
  return input
    .slice(0, MAX_MATCH_INPUT)
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(NOT_WORD, " ")
    .replace(REPEATED_LETTER, "$1")
    .trim();
}

/** Split normalised text into words. */
export function words(normalized: string): string[] {
  return normalized === "" ? [] : normalized.split(" ");
}

/** True when `a` and `b` differ by at most one insertion, deletion, substitution or swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Short words must match exactly: one edit turns "help" into "helo" (hello). */
const MIN_FUZZY_LENGTH = 5;

function sameWord(typed: string, expected: string): boolean {
  if (typed === expected) return true;
  return expected.length >= MIN_FUZZY_LENGTH && withinOneEdit(typed, expected);
}

interface Phrase<T> {
  words: string[];
  value: T;
}

/** How a phrase sits inside a message. */
export interface PhraseHit<T> {
  value: T;
  /** Words of the phrase, to prefer the most specific match. */
  length: number;
  /** Index of the phrase's first word in the message. */
  start: number;
  /** Matched without forgiving a typo. */
  exact: boolean;
}

/**
 * A set of phrases, each standing for a value (an option id, an intent, a danger reason).
 *
 * @example
 * const m = new PhraseMatcher<string>();
 * m.add("tidak aman", "unsafe"); m.add("aman", "safe");
 * m.best("saya tidak aman") // -> "unsafe": the longest phrase wins
 */
export class PhraseMatcher<T> {
  readonly #phrases: Phrase<T>[] = [];

  /** Add a phrase; blank phrases are ignored. */
  add(phrase: string, value: T): void {
    const w = words(normalize(phrase));
    if (w.length > 0) this.#phrases.push({ words: w, value });
  }

  get size(): number {
    return this.#phrases.length;
  }

  /** Every phrase that occurs in `typed` (already normalised), anywhere. */
  hits(typed: readonly string[]): PhraseHit<T>[] {
    const found: PhraseHit<T>[] = [];
    for (const p of this.#phrases) {
      const at = locate(p.words, typed);
      if (at) found.push({ value: p.value, length: p.words.length, ...at });
    }
    return found;
  }

  /**
   * The value whose phrase makes up most of a short message: the message may hold at most
   * `slack` words beyond the phrase ("tolong saya" still means "tolong"). Longer phrases
   * win, then exact spellings over forgiven typos ("bahaya" is not "bahasa"). When two
   * different values match equally well, nothing matches: better to ask again than guess.
   */
  best(text: string, slack = 2): T | undefined {
    return this.bestHit(words(normalize(text)), slack)?.value;
  }

  /** Like {@link best}, on words already normalised, with where the phrase sits. */
  bestHit(typed: readonly string[], slack = 2): PhraseHit<T> | undefined {
    if (typed.length === 0) return undefined;
    let winner: PhraseHit<T> | undefined;
    let tie = false;
    for (const hit of this.hits(typed)) {
      if (typed.length - hit.length > slack) continue;
      const order = winner ? compareHits(hit, winner) : 1;
      if (order > 0) {
        winner = hit;
        tie = false;
      } else if (order === 0 && hit.value !== winner?.value) {
        tie = true;
      }
    }
    return winner && !tie ? winner : undefined;
  }

  /** Whether one of the phrases occurs within `typed[from..to)`. */
  occursBetween(typed: readonly string[], from: number, to: number): boolean {
    const window = typed.slice(Math.max(0, from), Math.max(0, to));
    return this.hits(window).length > 0;
  }

  /** Every distinct value whose phrase appears anywhere in `text`. */
  all(text: string): T[] {
    const typed = words(normalize(text));
    return [...new Set(this.hits(typed).map((h) => h.value))];
  }
}

/** Positive when `a` is the better match: more words, then exact spelling. */
function compareHits<T>(a: PhraseHit<T>, b: PhraseHit<T>): number {
  if (a.length !== b.length) return a.length - b.length;
  return Number(a.exact) - Number(b.exact);
}

/** Where `phrase` first occurs in `typed` (preferring an exact occurrence), if at all. */
function locate(
  phrase: readonly string[],
  typed: readonly string[],
): { start: number; exact: boolean } | undefined {
  let fuzzy: number | undefined;
  const last = typed.length - phrase.length;
  for (let start = 0; start <= last; start++) {
    let ok = true;
    let exact = true;
    for (let k = 0; k < phrase.length && ok; k++) {
      const w = typed[start + k] as string;
      const p = phrase[k] as string;
      if (w !== p) {
        exact = false;
        ok = sameWord(w, p);
      }
    }
    if (ok && exact) return { start, exact: true };
    if (ok) fuzzy ??= start;
  }
  return fuzzy === undefined ? undefined : { start: fuzzy, exact: false };
}

/**
 * Reads "2", "2.", "no 2", "nomor 2", "#2" or "2️⃣" as the number 2.
 * Returns undefined for anything else.
 */
export function optionNumber(text: string): number | undefined {
  const m = /^(?:no|nomor|number|pilihan|option)?\s*(\d{1,2})$/.exec(normalize(text));
  return m ? Number(m[1]) : undefined;
}
