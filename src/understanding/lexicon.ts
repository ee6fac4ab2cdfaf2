/**
 * Phrases that stand for something (a danger, a fact, an option), found anywhere in a
 * message. Words meet by stem ("dipukuli" meets "dipukul"), and a word of five letters or
 * more forgives one typo ("dikurng", "electrocted"). Phrases are indexed by their first
 * word's keys and typo variants, so a message finds its few candidates by lookup.
 */
import { deletions, MIN_FUZZY_LENGTH, type Token } from "./tokens.js";

/** A phrase word: its spelling and the keys it may meet (its stem in its own language). */
interface PhraseWord {
  readonly word: string;
  readonly keys: ReadonlySet<string>;
  /** Words of the message that may stand between this word and the one before. */
  readonly gap: number;
}

/** A phrase word as read: `exact` words meet their own spelling only, never a stem. */
export interface ReadWord {
  word: string;
  keys: readonly string[];
  gap?: number;
  exact?: boolean;
}

interface Entry<T> {
  readonly words: readonly PhraseWord[];
  readonly value: T;
  seen: number;
}

/** Where a phrase sits in a message. */
export interface Hit<T> {
  value: T;
  /** Index of the phrase's first token. */
  start: number;
  /** Number of tokens from the phrase's first word to its last, gaps included. */
  length: number;
  /** Number of the phrase's own words (a longer phrase says more). */
  words: number;
  /** Matched without forgiving a typo. */
  exact: boolean;
}

/** Turns a phrase into words with keys, the way a message is read. */
export type PhraseReader = (phrase: string) => ReadWord[];

/**
 * A set of phrases by value.
 *
 * @example
 * const danger = new Lexicon<string>(read);
 * danger.add("dipukul", "beaten");
 * danger.hits(tokensOf("aku dipukulin bos")) // -> [{ value: "beaten", start: 1, ... }]
 */
export class Lexicon<T> {
  readonly #index = new Map<string, Entry<T>[]>();
  #size = 0;
  #lookups = 0;

  /**
   * @param read turns a phrase into words the way messages are read
   * @param isWord whether a typed word is a word in its own right ("bahasa" is not a typo of
   *   "bahaya"): such words never count as a typo of a phrase word
   */
  constructor(
    readonly read: PhraseReader,
    readonly isWord: (word: string) => boolean = () => false,
  ) {}

  get size(): number {
    return this.#size;
  }

  /** Add a phrase; blank phrases are ignored. */
  add(phrase: string, value: T): void {
    const words = this.read(phrase).map((w) => ({
      word: w.word,
      keys: new Set(w.exact ? [w.word] : w.keys),
      gap: w.gap ?? 0,
    }));
    const first = words[0];
    if (!first) return;
    this.#size += 1;
    const entry: Entry<T> = { words, value, seen: 0 };
    const keys = new Set(first.keys);
    for (const d of deletions(first.word)) keys.add(d);
    for (const key of keys) {
      const list = this.#index.get(key);
      if (list) list.push(entry);
      else this.#index.set(key, [entry]);
    }
  }

  /** Every occurrence of every phrase, in message order. */
  hits(tokens: readonly Token[]): Hit<T>[] {
    const found: Hit<T>[] = [];
    // Long messages repeat their words: each word's candidate phrases are found once.
    const candidates = new Map<string, Entry<T>[]>();
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      let entries = candidates.get(token.word);
      if (!entries) {
        entries = this.#candidates(token);
        candidates.set(token.word, entries);
      }
      for (const entry of entries) {
        const m = matchAt(entry.words, tokens, i, this.isWord);
        if (m)
          found.push({
            value: entry.value,
            start: i,
            length: m.end - i,
            words: entry.words.length,
            exact: m.exact,
          });
      }
    }
    return found;
  }

  /** The phrases whose first word the token may be (by a key, or a one-letter typo). */
  #candidates(token: Token): Entry<T>[] {
    const stamp = ++this.#lookups;
    const out: Entry<T>[] = [];
    const collect = (key: string): void => {
      const list = this.#index.get(key);
      if (!list) return;
      for (const entry of list) {
        if (entry.seen === stamp) continue;
        entry.seen = stamp;
        out.push(entry);
      }
    };
    for (const key of token.keys) collect(key);
    for (const key of token.variants) collect(key);
    return out;
  }
}

/** Whether the phrase occurs from `start`, where it ends, and whether without a typo. */
function matchAt(
  words: readonly PhraseWord[],
  tokens: readonly Token[],
  start: number,
  isWord: (word: string) => boolean,
): { end: number; exact: boolean } | undefined {
  const clause = (tokens[start] as Token).clause;
  let exact = true;
  let at = start;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as PhraseWord;
    let found: boolean | undefined;
    const last = k === 0 ? at : Math.min(tokens.length - 1, at + w.gap);
    for (; at <= last; at++) {
      const t = tokens[at] as Token;
      if (t.clause !== clause) return undefined;
      found = meets(t, w, isWord);
      if (found !== undefined) break;
    }
    if (found === undefined) return undefined;
    exact &&= found;
    at += 1;
  }
  return { end: at, exact };
}

/** Whether a token is the phrase word: exactly (true), by a forgiven typo (false), or not. */
function meets(t: Token, w: PhraseWord, isWord: (word: string) => boolean): boolean | undefined {
  if (t.masked) return undefined;
  if (t.keys.some((key) => w.keys.has(key))) return true;
  return typoOf(t.word, w.word) && !isWord(t.word) ? false : undefined;
}

function typoOf(typed: string, expected: string): boolean {
  return (
    typed.length >= MIN_FUZZY_LENGTH &&
    expected.length >= MIN_FUZZY_LENGTH &&
    withinOneEdit(typed, expected)
  );
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
