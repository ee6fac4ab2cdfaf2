/**
 * Phrases that stand for something (a danger, a fact, an option), found anywhere in a
 * message. Words meet by stem ("dipukuli" meets "dipukul"), and a word of five letters or
 * more forgives one typo ("dikurng", "electrocted"). Phrases are indexed by their first
 * word's keys and typo variants, so a message finds its few candidates by lookup.
 */
import { unitAt } from "./code-units.js";
import { deletions, MIN_FUZZY_LENGTH, type Token } from "./tokens.js";

/**
 * A phrase word: its spelling and the keys it may meet (its stem in its own language). One
 * object per spelling (and exactness), shared by every phrase that has it, so what a typed
 * word meets can be remembered per phrase word.
 */
interface PhraseWord {
  readonly word: string;
  readonly keys: ReadonlySet<string>;
  /** Phrases found through this word (see `#built`). */
  readonly anchors: Entry<unknown>[];
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
  /** For each word, how many words of the message may stand between it and the one before. */
  readonly gaps: readonly number[];
  readonly value: T;
  /** Which word finds the phrase (its rarest; see `#built`). */
  anchor: number;
  /** When it was added: phrases found through one word are told in this order. */
  readonly order: number;
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

/** Told of each phrase found: its value, first token, tokens spanned, words, exactness. */
export type Visit<T> = (
  value: T,
  start: number,
  length: number,
  words: number,
  exact: boolean,
) => void;

/** Where a phrase stands in a message: tokens `start` to `end` (exclusive). */
interface Match {
  start: number;
  end: number;
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
  readonly #entries: Entry<T>[] = [];
  /** Each phrase word, once: by its spelling, `=` in front when exact. */
  readonly #phraseWords = new Map<string, PhraseWord>();
  /** Phrase words by their keys and typo variants; built once, before the first message. */
  #index: Map<string, PhraseWord[]> | undefined;
  /**
   * What each word typed before was found to be: the phrase words it meets (exactly or by a
   * forgiven typo), and the phrases it is or anchors. Words recur across messages, so this
   * is worked out once per word, not once per occurrence or per phrase tried.
   */
  readonly #byWord = new Map<string, Met<T>>();
  /**
   * Whether the same is kept on the tokens themselves (see `remember`): for the one index
   * every message is searched with, one property read per word instead of a lookup by the word.
   */
  #onTokens = false;

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
    return this.#entries.length;
  }

  /** The most tokens any phrase can span: its words and the gaps `...` allows between them. */
  get longestSpan(): number {
    let longest = 0;
    for (const e of this.#entries) {
      let span = e.words.length;
      for (const gap of e.gaps) span += gap;
      longest = Math.max(longest, span);
    }
    return longest;
  }

  /**
   * Keep what each word meets on its token. For a lexicon every message is searched with,
   * built once: adding a phrase later goes back to the memory by word.
   */
  remember(): this {
    this.#onTokens = true;
    return this;
  }

  /** Add a phrase; blank phrases are ignored. */
  add(phrase: string, value: T): void {
    this.#onTokens = false;
    const read = this.read(phrase);
    if (read.length === 0) return;
    const words = read.map((w) => this.#phraseWord(w));
    this.#entries.push({
      words,
      gaps: read.map((w) => w.gap ?? 0),
      value,
      anchor: 0,
      order: this.#entries.length,
    });
    this.#index = undefined;
    this.#byWord.clear();
  }

  #phraseWord(w: ReadWord): PhraseWord {
    const name = w.exact ? `=${w.word}` : w.word;
    let pw = this.#phraseWords.get(name);
    if (!pw) {
      pw = { word: w.word, keys: new Set(w.exact ? [w.word] : w.keys), anchors: [] };
      this.#phraseWords.set(name, pw);
    }
    return pw;
  }

  /**
   * Index the phrases, once all are added (else on the first message). Each phrase is found
   * through its rarest word (the one fewest phrases share): a message full of "saya",
   * "tidak" and "di" then wakes few phrases, and each is checked whole.
   */
  build(): this {
    this.#built();
    return this;
  }

  #built(): Map<string, PhraseWord[]> {
    if (this.#index) return this.#index;
    const shared = new Map<PhraseWord, number>();
    for (const e of this.#entries) for (const w of e.words) shared.set(w, (shared.get(w) ?? 0) + 1);
    for (const pw of this.#phraseWords.values()) pw.anchors.length = 0;
    for (const e of this.#entries) {
      let anchor = 0;
      e.words.forEach((w, k) => {
        const rarer = (shared.get(w) ?? 0) < (shared.get(e.words[anchor] as PhraseWord) ?? 0);
        if (rarer) anchor = k;
      });
      e.anchor = anchor;
      (e.words[anchor] as PhraseWord).anchors.push(e as Entry<unknown>);
    }
    const index = new Map<string, PhraseWord[]>();
    for (const pw of this.#phraseWords.values()) {
      const keys = new Set(pw.keys);
      for (const d of deletions(pw.word)) keys.add(d);
      for (const key of keys) {
        const list = index.get(key);
        if (list) list.push(pw);
        else index.set(key, [pw]);
      }
    }
    this.#index = index;
    return index;
  }

  /** Every occurrence of every phrase, in message order of their anchor word. */
  hits(tokens: readonly Token[], clauses: readonly number[]): Hit<T>[] {
    const found: Hit<T>[] = [];
    this.each(tokens, clauses, (value, start, length, words, exact) => {
      found.push({ value, start, length, words, exact });
    });
    return found;
  }

  /**
   * Every occurrence of every phrase, told to `visit` as it is found (in message order of
   * the anchor word): the caller keeps what it needs, with no list made in between.
   */
  each(tokens: readonly Token[], clauses: readonly number[], visit: Visit<T>): void {
    // What each word meets, in a list reused from message to message (`visit` never
    // re-enters the lexicon): a long message allocates nothing here.
    const met = this.#metScratch;
    for (let i = 0; i < tokens.length; i++) met[i] = this.#met(tokens[i] as Token);
    const m = this.#match;
    for (let i = 0; i < tokens.length; i++) {
      const { singles, longer } = met[i] as Met<T>;
      for (let k = 0; k < singles.length; k++) {
        const single = singles[k] as Single<T>;
        visit(single.value, i, 1, 1, single.exact);
      }
      for (let k = 0; k < longer.length; k++) {
        const { entry, exact } = longer[k] as Longer<T>;
        if (!matchAround(entry, clauses, met, i, m)) continue;
        visit(entry.value, m.start, m.end - m.start, entry.words.length, exact && m.exact);
      }
    }
  }

  readonly #metScratch: Met<T>[] = [];

  /** A word that meets nothing (or a masked one: "pukul" in "pukul 10"), one per lexicon. */
  readonly #nothing: Met<T> = newMet(this);

  /** Where the last phrase checked stands: one object, reused for every check. */
  readonly #match: Match = { start: 0, end: 0, exact: true };

  /**
   * What a word meets, worked out on its first occurrence (see `#byWord`). Phrases come in
   * the order they were added, key by key of the word: the order hits are told in.
   */
  #met(token: Token): Met<T> {
    if (!this.#onTokens) return this.#metByWord(token);
    const kept = token.phrases as Met<T> | undefined;
    if (kept !== undefined && kept.lexicon === this) return kept;
    const met = this.#metByWord(token);
    token.phrases = met;
    return met;
  }

  #metByWord(token: Token): Met<T> {
    if (token.masked) return this.#nothing;
    let met = this.#byWord.get(token.word);
    if (met) return met;
    met = newMet(this);
    const index = this.#built();
    const tried = new Set<PhraseWord>();
    const taken = new Set<Entry<T>>();
    for (const key of [...token.keys, ...token.variants]) {
      const batch: Entry<T>[] = [];
      for (const pw of index.get(key) ?? []) {
        if (!tried.has(pw)) {
          tried.add(pw);
          const exact = meets(token, pw, this.isWord);
          if (exact !== undefined) {
            met.words.push(pw);
            met.exact.push(exact);
          }
        }
        if (wordIn(met, pw) === undefined) continue;
        for (const entry of pw.anchors as Entry<T>[]) {
          if (taken.has(entry)) continue;
          taken.add(entry);
          batch.push(entry);
        }
      }
      batch.sort((a, b) => a.order - b.order);
      for (const entry of batch) {
        const exact = wordIn(met, entry.words[entry.anchor] as PhraseWord) as boolean;
        if (entry.words.length > 1) met.longer.push({ entry, exact });
        else met.singles.push({ value: entry.value, exact });
      }
    }
    // Most words of a long message meet no phrase word: they share one empty answer.
    if (met.words.length === 0) met = this.#nothing;
    if (this.#byWord.size >= WORD_CACHE_LIMIT) this.#byWord.clear();
    this.#byWord.set(token.word, met);
    return met;
  }
}

/**
 * What one typed word is: the phrase words it meets (true: exactly, false: by a forgiven
 * typo), the phrases it is on its own, and the longer phrases it anchors.
 */
interface Met<T> {
  /** Whose answer this is (a token may be searched by several lexicons). */
  lexicon: Lexicon<T>;
  /**
   * The phrase words met, and whether each exactly (true) or by a forgiven typo (false).
   * Lists, not a map: a word meets at most a handful, and checking a phrase around its
   * anchor asks of each neighbour whether it meets a phrase word, where comparing a few
   * references costs less than a lookup by hash.
   */
  words: PhraseWord[];
  exact: boolean[];
  singles: Single<T>[];
  /** Longer phrases whose anchor this word is, and whether exactly. */
  longer: Longer<T>[];
}

interface Single<T> {
  value: T;
  exact: boolean;
}

interface Longer<T> {
  entry: Entry<T>;
  exact: boolean;
}

function newMet<T>(lexicon: Lexicon<T>): Met<T> {
  return { lexicon, words: [], exact: [], singles: [], longer: [] };
}

/** Whether a typed word meets the phrase word: exactly (true), by a forgiven typo (false), or not. */
function wordIn<T>(met: Met<T>, w: PhraseWord): boolean | undefined {
  const { words } = met;
  for (let k = 0; k < words.length; k++) if (words[k] === w) return met.exact[k];
  return undefined;
}

/** Words whose anchors are remembered; beyond this the memory starts afresh. */
const WORD_CACHE_LIMIT = 50_000;

/**
 * Whether the whole phrase stands around its anchor word at `at`: the words before it,
 * backwards, and the words after it, each within its gap, all in one clause. Where it
 * starts and ends, and whether without a typo, are written to `out`.
 */
function matchAround<T>(
  entry: Entry<T>,
  clauses: readonly number[],
  met: readonly Met<T>[],
  at: number,
  out: Match,
): boolean {
  const { words, gaps, anchor } = entry;
  const clause = clauses[at] as number;
  let exact = true;
  // Backwards: word k stands at most `words[k + 1].gap` tokens before word k + 1.
  let start = at;
  for (let k = anchor - 1; k >= 0; k--) {
    const w = words[k] as PhraseWord;
    const gap = gaps[k + 1] as number;
    let found: boolean | undefined;
    let p = start - 1;
    for (; p >= Math.max(0, start - 1 - gap); p--) {
      if (clauses[p] !== clause) return false;
      found = wordIn(met[p] as Met<T>, w);
      if (found !== undefined) break;
    }
    if (found === undefined) return false;
    exact &&= found;
    start = p;
  }
  // Forwards: word k stands at most `words[k].gap` tokens after word k - 1.
  let end = at + 1;
  for (let k = anchor + 1; k < words.length; k++) {
    const w = words[k] as PhraseWord;
    const last = Math.min(clauses.length - 1, end + (gaps[k] as number));
    let found: boolean | undefined;
    for (; end <= last; end++) {
      if (clauses[end] !== clause) return false;
      found = wordIn(met[end] as Met<T>, w);
      if (found !== undefined) break;
    }
    if (found === undefined) return false;
    exact &&= found;
    end += 1;
  }
  out.start = start;
  out.end = end;
  out.exact = exact;
  return true;
}

/** Whether a token is the phrase word: exactly (true), by a forgiven typo (false), or not. */
function meets(t: Token, w: PhraseWord, isWord: (word: string) => boolean): boolean | undefined {
  if (t.masked) return undefined;
  // A loop, not `some`: this runs for every word near a candidate phrase.
  for (const key of t.keys) if (w.keys.has(key)) return true;
  return typoOf(t.word, w.word) && !isWord(t.word) ? false : undefined;
}

function typoOf(typed: string, expected: string): boolean {
  return (
    typed.length >= MIN_FUZZY_LENGTH &&
    expected.length >= MIN_FUZZY_LENGTH &&
    withinOneEdit(typed, expected)
  );
}

/**
 * True when `a` and `b` differ by at most one insertion, deletion, substitution or swap.
 * Compares characters in place (no substrings made): it is asked for many word pairs.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && unitAt(a, i) === unitAt(b, i)) i++;
  if (la === lb) {
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return (
      unitAt(a, i) === unitAt(b, i + 1) &&
      unitAt(a, i + 1) === unitAt(b, i) &&
      sameFrom(a, i + 2, b, i + 2)
    );
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** Whether `a` from `i` on equals `b` from `j` on. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (unitAt(a, i) !== unitAt(b, j)) return false;
  return true;
}
