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
   * What each word typed before was found to start: single-word phrases it is (with whether
   * exactly), and longer phrases it may begin. Words recur across messages, so this is
   * worked out once per word, not once per occurrence.
   */
  readonly #byWord = new Map<string, Starts<T>>();

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
    this.#byWord.clear();
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
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (token.masked) continue;
      const starts = this.#starts(token);
      for (const single of starts.singles) {
        found.push({ value: single.value, start: i, length: 1, words: 1, exact: single.exact });
      }
      for (const { entry, exact } of starts.longer) {
        const m = matchRest(entry.words, tokens, i, this.isWord);
        if (m)
          found.push({
            value: entry.value,
            start: i,
            length: m.end - i,
            words: entry.words.length,
            exact: exact && m.exact,
          });
      }
    }
    return found;
  }

  /** What a word starts, worked out on its first occurrence (see `#byWord`). */
  #starts(token: Token): Starts<T> {
    let starts = this.#byWord.get(token.word);
    if (starts) return starts;
    starts = { singles: [], longer: [] };
    for (const entry of this.#candidates(token)) {
      const exact = meets(token, entry.words[0] as PhraseWord, this.isWord);
      if (exact === undefined) continue;
      if (entry.words.length > 1) starts.longer.push({ entry, exact });
      else starts.singles.push({ value: entry.value, exact });
    }
    if (this.#byWord.size >= WORD_CACHE_LIMIT) this.#byWord.clear();
    this.#byWord.set(token.word, starts);
    return starts;
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

/** What one word starts: phrases it is on its own, and longer phrases it may begin. */
interface Starts<T> {
  singles: { value: T; exact: boolean }[];
  /** Longer phrases whose first word this word is, and whether exactly. */
  longer: { entry: Entry<T>; exact: boolean }[];
}

/** Words whose starts are remembered; beyond this the memory starts afresh. */
const WORD_CACHE_LIMIT = 50_000;

/**
 * Whether the rest of a phrase follows its first word at `start`: where it ends, and
 * whether without a typo. Each word may come after a gap of up to its `gap` words.
 */
function matchRest(
  words: readonly PhraseWord[],
  tokens: readonly Token[],
  start: number,
  isWord: (word: string) => boolean,
): { end: number; exact: boolean } | undefined {
  const clause = (tokens[start] as Token).clause;
  let exact = true;
  let at = start + 1;
  for (let k = 1; k < words.length; k++) {
    const w = words[k] as PhraseWord;
    const last = Math.min(tokens.length - 1, at + w.gap);
    let found: boolean | undefined;
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
