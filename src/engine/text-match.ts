/**
 * Matching what people type against words we expect, forgiving case, diacritics,
 * stretched letters ("toloooong"), punctuation, emoji and one-letter typos.
 *
 * Written here rather than taken from a fuzzy-search library: those rank documents by
 * similarity, while we need whole-phrase matches with a strict, explainable typo rule
 * (a false "help" on "hello" would wrongly raise an emergency).
 */
import { withinOneEdit } from "../understanding/lexicon.js";
import { deletions, MIN_FUZZY_LENGTH } from "../understanding/tokens.js";

/** Longest input we look at; longer messages are cut before matching. */
export const MAX_MATCH_INPUT = 1000;

const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
const REPEATED_LETTER = /(\p{L})\1+/gu;
/** The same passes for text of ASCII only (after lowercasing, letters are `a-z`). */
const NOT_ASCII = /[\u0080-\uffff]/;
const NOT_ASCII_WORD = /[^a-z0-9]+/g;
const REPEATED_ASCII = /([a-z])\1+/g;

/**
 * Lowercase, strip diacritics and punctuation, squeeze repeated letters.
 *
 * @example normalize("TOLOOONG!!") === "tolong"; normalize("Tâm  Cafe") === "tam cafe"
 */
export function normalize(input: string): string {
  const cut = input.slice(0, MAX_MATCH_INPUT);
  return isAscii(cut)
    ? foldAscii(cut).replace(REPEATED_ASCII, "$1").trim()
    : foldUnicode(cut).replace(REPEATED_LETTER, "$1").trim();
}

/**
 * Lowercase, strip diacritics, turn punctuation into spaces; letters stay as typed,
 * for text where a doubled letter matters (a case code such as `KKQ2-...`).
 */
export function fold(input: string): string {
  const cut = input.slice(0, MAX_MATCH_INPUT);
  return isAscii(cut) ? foldAscii(cut) : foldUnicode(cut);
}

/** Most text is plain ASCII, where decomposing changes nothing: the Unicode passes are skipped. */
function isAscii(text: string): boolean {
  return !NOT_ASCII.test(text);
}

function foldAscii(text: string): string {
  return text.toLowerCase().replace(NOT_ASCII_WORD, " ");
}

function foldUnicode(text: string): string {
  return text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase().replace(NOT_WORD, " ");
}

/** Split normalised text into words. */
export function words(normalized: string): string[] {
  return normalized === "" ? [] : normalized.split(" ");
}

/** One typo apart: the rule is shared with the understanding layer's phrases. */
export { withinOneEdit };

/**
 * A message's words, normalised once, with the lookup keys every matcher needs
 * (computed once too, on first use).
 */
export class Typed {
  #keys: string[][] | undefined;

  constructor(readonly words: readonly string[]) {}

  /** The words of `text`, normalised. */
  static of(text: string): Typed {
    return new Typed(words(normalize(text)));
  }

  /** For each word: the word, and its one-letter deletions when long enough for typos. */
  get keys(): readonly (readonly string[])[] {
    this.#keys ??= this.words.map(lookupKeys);
    return this.#keys;
  }
}

/**
 * Each word's lookup keys, made once per word: making a long word's deletions anew for
 * every message (new strings, each hashed again for the lookup) was most of what finding
 * a place in a long message cost.
 */
const KEYS_OF_WORD = new Map<string, string[]>();
/** Words whose keys are kept; beyond this the memory starts afresh (words people type are unbounded). */
const KEYS_KEPT = 20_000;

function lookupKeys(word: string): string[] {
  let keys = KEYS_OF_WORD.get(word);
  if (keys === undefined) {
    keys = [word, ...deletions(word)];
    if (KEYS_OF_WORD.size >= KEYS_KEPT) KEYS_OF_WORD.clear();
    KEYS_OF_WORD.set(word, keys);
  }
  return keys;
}

/** Short words must match exactly: one edit turns "help" into "helo" (hello). */
function sameWord(typed: string, expected: string): boolean {
  if (typed === expected) return true;
  return expected.length >= MIN_FUZZY_LENGTH && withinOneEdit(typed, expected);
}

interface Phrase<T> {
  words: string[];
  value: T;
  /** The lookup that last collected this phrase, to collect it once per lookup. */
  seen: number;
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
  #size = 0;
  /**
   * Phrases by their first word and, for words long enough to forgive a typo, by each
   * one-letter deletion of it ("symmetric delete"): a message's words find their few
   * candidate phrases by lookup instead of comparing against every phrase.
   */
  readonly #index = new Map<string, Phrase<T>[]>();

  /** Add a phrase; blank phrases are ignored. */
  add(phrase: string, value: T): void {
    const w = words(normalize(phrase));
    const first = w[0];
    if (first === undefined) return;
    this.#size += 1;
    const entry = { words: w, value, seen: 0 };
    const keys = [first, ...deletions(first)];
    for (const key of new Set(keys)) {
      const list = this.#index.get(key);
      if (list) list.push(entry);
      else this.#index.set(key, [entry]);
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Every phrase that occurs in the message, anywhere. */
  hits(typed: Typed): PhraseHit<T>[] {
    const found: PhraseHit<T>[] = [];
    for (const p of this.#candidates(typed)) {
      const at = locate(p.words, typed.words);
      if (at) found.push({ value: p.value, length: p.words.length, ...at });
    }
    return found;
  }

  #lookups = 0;

  #candidates(typed: Typed): Phrase<T>[] {
    const stamp = ++this.#lookups;
    const out: Phrase<T>[] = [];
    for (const keys of typed.keys) {
      for (const key of keys) {
        const list = this.#index.get(key);
        if (!list) continue;
        for (const p of list) {
          if (p.seen === stamp) continue;
          p.seen = stamp;
          out.push(p);
        }
      }
    }
    return out;
  }
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
