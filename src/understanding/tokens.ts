/**
 * A cleaned message as words: chat spelling expanded ("sy" -> "saya", "tlg" -> "tolong"),
 * reduplication written out ("anak2" -> "anak anak"), the colloquial "-in" suffix read
 * ("dipukulin" -> "dipukul"), and each word's stem in every language, from NLP.js's
 * stemmers, so "dipukuli", "memukul" and "pukulan" all meet "pukul".
 */

import { unitAt } from "./code-units.js";
import { HASH_START, hashOf, hashStep, PieceMemory } from "./piece-memory.js";

/**
 * One word of a message, ready for matching. One object per distinct word, shared by every
 * place and message it occurs in (where it stands, its clause, is in {@link Tokens}): a long
 * message makes no object per word.
 */
export interface Token {
  /** The word as read (after chat spelling was expanded). */
  readonly word: string;
  /** What a phrase word may meet: the word and its stem in each language. */
  readonly keys: readonly string[];
  /** The word with each letter left out in turn (words long enough to forgive a typo). */
  readonly variants: readonly string[];
  /** The value of a word made of digits. */
  readonly num?: number;
  /** Part of a time of day ("pukul 10"): never read as a fact. */
  readonly masked?: boolean;

  // What parts of understanding work out about the word, kept on its token: a token is
  // shared by every occurrence of its word, so each is worked out once per word and found
  // again with a property read (no lookup by the word in a table of its own, and no other
  // object to fetch from memory). Each is written only by the part named.

  /** The phrases the word meets in the one index every message is searched with (`Lexicon`). */
  phrases: unknown;
  /** The feature rows of its keys (`IntentClassifier`)... */
  features: Int32Array | undefined;
  /** ...and which classifier they are rows of. */
  featuresOf: object | undefined;
  /** The languages it belongs to, one bit each (`Understanding`). */
  languages: number | undefined;
}

/** A text's words in order, and the clause of each. */
export interface Tokens {
  readonly tokens: Token[];
  /**
   * Each word's clause: clauses are split by punctuation and words such as "tapi", and
   * negation stays inside one.
   */
  readonly clauses: number[];
}

/** What tokenising needs, compiled once from `locales/<lng>/understanding.json`. */
export interface TokenRules {
  /** Chat spelling: a word and the word(s) it stands for ("sy" -> ["saya"]). */
  slang: ReadonlyMap<string, readonly string[]>;
  /** Words that start a new clause ("tapi", "but"). */
  clauseWords: ReadonlySet<string>;
  /** Words that make a following number a time of day ("pukul", "jam"). */
  timeWords: ReadonlySet<string>;
  /** Stemmers by language. */
  stemmers: readonly ((word: string) => string)[];
  /** Whether a word (or its stem) occurs anywhere in the vocabulary. */
  known(word: string): boolean;
  /** Whether a word occurs, spelt so, in the vocabulary ("dijual" but not "dirumah"). */
  spelt(word: string): boolean;
  /** Prefixes people write apart ("di jual" for "dijual"). */
  detachedPrefixes: ReadonlySet<string>;
}

const PUNCTUATION = new Set([...".,!?;:\n()"]);
/** Marks a word that starts a new clause ("tapi") in a piece read earlier. */
const CLAUSE = Symbol("clause");
/** The words a piece stands for: most pieces are one word, kept as its token alone. */
type Piece = Token | readonly (Token | typeof CLAUSE)[];

const DIGITS = /^\d+$/;
/** "anak2", "kawan2nya": a word written twice, the way chats abbreviate it. */
const REDUPLICATED = /^(\p{L}{2,})2(\p{L}*)$/u;
/** Letters and digits run together ("12org", "jam10"). */
const LETTERS_DIGITS = /\p{L}+|\d+/gu;
const MAX_DIGITS = 7;
/** Masked time-word tokens kept; beyond this the memory starts afresh. */
const MASKED_LIMIT = 1000;

/** Pieces seen before, with their words: stemming is the costly part and words repeat. */
const CACHE_LIMIT = 50_000;

/** Turns cleaned text into tokens. Build once; `tokens` is safe to call for every message. */
export class Tokenizer {
  constructor(readonly rules: TokenRules) {}

  /** Each piece of text already read: the words it stands for, with their keys. */
  readonly #pieces = new PieceMemory<Piece>(CACHE_LIMIT);

  /**
   * The tokens of a cleaned text (see `cleanText`), in one pass over its characters:
   * each run of letters and digits is a piece, hashed as it is scanned and looked up in
   * the memory of pieces read before; punctuation starts a new clause.
   */
  tokens(cleaned: string): Tokens {
    const out = this.#placed;
    out.reset();
    let start = -1;
    let hash = HASH_START;
    const length = cleaned.length;
    for (let i = 0; i <= length; i++) {
      const c = i < length ? unitAt(cleaned, i) : 32;
      if (isWordChar(c)) {
        if (start < 0) {
          start = i;
          hash = HASH_START;
        }
        hash = hashStep(hash, c);
        continue;
      }
      if (start >= 0) {
        out.piece(cleaned, start, i, hash);
        start = -1;
      }
      if (c < 128 && PUNCTUATION_CODES[c] === 1) out.punctuation(c === DOT);
    }
    out.end();
    this.#maskTimes(out);
    this.#joinPrefixes(out);
    // Copied out at their exact length: the lists grown while placing are kept for the next text.
    return { tokens: out.tokens.slice(0, out.length), clauses: out.clauses.slice(0, out.length) };
  }

  /** Where tokens are placed while a text is read: one, reused (`tokens` is not re-entered). */
  readonly #placed = new Placed((text, start, end, hash) => this.#wordsAt(text, start, end, hash));

  /** The piece `text[start, end)` as words with their keys, read once however often it recurs. */
  #wordsAt(text: string, start: number, end: number, hash: number): Piece {
    return (
      this.#pieces.get(text, start, end, hash) ?? this.#firstRead(text.slice(start, end), hash)
    );
  }

  /** A piece met for the first time (kept apart: the hot path above stays small and optimised). */
  #firstRead(piece: string, hash: number): Piece {
    const all = this.#words(piece).map((w) =>
      this.rules.clauseWords.has(w) ? CLAUSE : this.#word(w),
    );
    const only = all.length === 1 ? all[0] : undefined;
    const words = only !== undefined && only !== CLAUSE ? only : all;
    this.#pieces.set(piece, hash, words);
    return words;
  }

  /** "pukul 10", "jam 3": a time of day, not a beating. */
  #maskTimes({ tokens, clauses, length }: Placed): void {
    for (let i = 0; i + 1 < length; i++) {
      const t = tokens[i] as WordToken;
      const next = tokens[i + 1] as Token;
      if (t.time && next.num !== undefined && clauses[i + 1] === clauses[i]) {
        tokens[i] = this.#masked(t);
      }
    }
  }

  /** The masked form of each time word's token, made once. */
  readonly #maskedTokens = new Map<WordToken, Token>();

  #masked(t: WordToken): Token {
    let m = this.#maskedTokens.get(t);
    if (!m) {
      // A handful of time words, but their tokens are made anew when the piece memory starts afresh.
      if (this.#maskedTokens.size >= MASKED_LIMIT) this.#maskedTokens.clear();
      m = new WordToken(t.word, t.keys, t.variants, t.num, true, t.time, t.prefix);
      this.#maskedTokens.set(t, m);
    }
    return m;
  }

  /** "di jual" -> "dijual" when the joined word is one the vocabulary knows (in place). */
  #joinPrefixes(placed: Placed): void {
    const { tokens, clauses, length } = placed;
    let w = 0;
    for (let i = 0; i < length; i++, w++) {
      const t = tokens[i] as WordToken;
      const next = i + 1 < length ? tokens[i + 1] : undefined;
      const joined =
        t.prefix && next && clauses[i + 1] === clauses[i]
          ? this.#joined(t.word, next.word)
          : undefined;
      if (joined) {
        tokens[w] = joined;
        clauses[w] = clauses[i] as number;
        i += 1;
      } else if (w !== i) {
        tokens[w] = t;
        clauses[w] = clauses[i] as number;
      }
    }
    placed.length = w;
  }

  /**
   * Prefix and word pairs seen before ("di" + "jual"): the joined word's token when the
   * vocabulary knows it, else null.
   */
  readonly #joinedPairs = new Map<string, Map<string, Token | null>>();

  /** The token of a detached prefix and the next word joined, when it is a known word (`prefix` is one). */
  #joined(prefix: string, word: string): Token | undefined {
    let words = this.#joinedPairs.get(prefix);
    if (!words) {
      words = new Map();
      this.#joinedPairs.set(prefix, words);
    }
    let joined = words.get(word);
    if (joined === undefined) {
      joined = this.rules.spelt(prefix + word) ? this.#word(prefix + word) : null;
      if (words.size >= CACHE_LIMIT) words.clear();
      words.set(word, joined);
    }
    return joined ?? undefined;
  }

  /** A piece of text as the words it stands for. */
  #words(piece: string): string[] {
    const dup = REDUPLICATED.exec(piece);
    if (dup) return this.#expand(dup[1] as string).concat(this.#expand(`${dup[1]}${dup[2]}`));
    if (DIGITS.test(piece) || !/\d/.test(piece)) return this.#expand(piece);
    return (piece.match(LETTERS_DIGITS) ?? []).flatMap((p) => this.#expand(p));
  }

  #expand(word: string): string[] {
    const slang = this.rules.slang.get(word);
    if (slang) return [...slang];
    return [this.#recover(word)];
  }

  /**
   * An unknown word that becomes known once a doubled letter is dropped ("tollong") or the
   * colloquial suffix "-in" is read as the standard form ("dipukulin", "disetrumin").
   */
  #recover(word: string): string {
    const { known } = this.rules;
    if (word.length < 4 || DIGITS.test(word) || known(word)) return word;
    const squeezed = word.replace(/(\p{L})\1/gu, "$1");
    if (squeezed !== word && known(squeezed)) return squeezed;
    if (word.endsWith("in")) {
      const base = word.slice(0, -2);
      if (known(base)) return base;
      if (known(`${base}i`)) return `${base}i`;
      if (known(`${base}kan`)) return `${base}kan`;
    }
    return word;
  }

  /** A word with its keys, typo variants and value: the token every occurrence shares. */
  #word(word: string): Token {
    const keys = [...new Set([word, ...this.rules.stemmers.map((stem) => stem(word))])];
    const digits = DIGITS.test(word);
    const num = digits && word.length <= MAX_DIGITS ? Number(word) : undefined;
    const { timeWords, detachedPrefixes } = this.rules;
    const variants = digits ? [] : deletions(word);
    return new WordToken(
      word,
      keys,
      variants,
      num,
      undefined,
      timeWords.has(word),
      detachedPrefixes.has(word),
    );
  }
}

/**
 * Every token is of this one class, every field always there: code that reads tokens then
 * meets one shape. Objects of several shapes (with `num` or not, masked or not) made V8
 * throw away its optimised tokenizer again and again while reading long messages.
 */
class WordToken implements Token {
  phrases: unknown = undefined;
  features: Int32Array | undefined = undefined;
  featuresOf: object | undefined = undefined;
  languages: number | undefined = undefined;

  constructor(
    readonly word: string,
    readonly keys: readonly string[],
    readonly variants: readonly string[],
    readonly num: number | undefined,
    readonly masked: true | undefined,
    /** A word that makes a following number a time of day ("pukul"). */
    readonly time: boolean,
    /** A prefix people write apart ("di"). */
    readonly prefix: boolean,
  ) {}
}

/** Finds a piece's words by where it stands in a text (see `PieceMemory`). */
type WordsAt = (text: string, start: number, end: number, hash: number) => Piece;

/**
 * Tokens as they are placed, piece by piece, with their clause. Letters typed one by one
 * ("s.o.s", "S O S", "t-o-l-o-n-g") are held back: three or more single letters in a row,
 * with only dots between them, are one word.
 */
class Placed {
  /** The tokens placed so far are the first `length` (the lists are reused from text to text). */
  readonly tokens: Token[] = [];
  readonly clauses: number[] = [];
  length = 0;
  #clause = 0;
  /** Single letters held back. */
  #letters = "";

  constructor(readonly wordsAt: WordsAt) {}

  reset(): void {
    this.length = 0;
    this.#clause = 0;
    this.#letters = "";
  }

  piece(text: string, start: number, end: number, hash: number): void {
    if (end - start === 1 && isLetterUnit(unitAt(text, start))) {
      this.#letters += text[start];
      return;
    }
    this.#flush();
    this.#words(this.wordsAt(text, start, end, hash));
  }

  punctuation(dot: boolean): void {
    // A dot between single letters ("s.o.s") is part of the word they spell.
    if (dot && this.#letters.length > 0) return;
    this.#flush();
    this.#clause += 1;
  }

  end(): void {
    this.#flush();
  }

  #flush(): void {
    const letters = this.#letters;
    if (letters.length === 0) return;
    this.#letters = "";
    if (letters.length >= 3) this.#words(this.wordsAt(letters, 0, letters.length, hashOf(letters)));
    else
      for (let k = 0; k < letters.length; k++)
        this.#words(this.wordsAt(letters, k, k + 1, hashStep(HASH_START, unitAt(letters, k))));
  }

  #words(words: Piece): void {
    if (words instanceof WordToken) {
      this.#place(words);
      return;
    }
    const list = words as readonly (Token | typeof CLAUSE)[];
    for (let k = 0; k < list.length; k++) {
      const word = list[k] as Token | typeof CLAUSE;
      if (word === CLAUSE) this.#clause += 1;
      else this.#place(word);
    }
  }

  #place(token: Token): void {
    this.tokens[this.length] = token;
    this.clauses[this.length] = this.#clause;
    this.length += 1;
  }
}

const DOT = 46;
const PUNCTUATION_CODES = new Uint8Array(128);
for (const ch of PUNCTUATION) PUNCTUATION_CODES[ch.charCodeAt(0)] = 1;

const WORD_CHAR = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;
/** Whether each UTF-16 unit is part of a word, as met (0: not asked yet, 1: yes, 2: no). */
const WORD_UNITS = new Uint8Array(0x10000);

function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  let known = WORD_UNITS[c] as number;
  if (known === 0) {
    known = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    WORD_UNITS[c] = known;
  }
  return known === 1;
}

/** Whether a UTF-16 unit is a letter (a piece of one unit: astral letters are two). */
function isLetterUnit(c: number): boolean {
  return c < 128
    ? (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
    : LETTER.test(String.fromCharCode(c));
}

/** Words this long forgive one typo ("dikurng"); shorter ones must be exact. */
export const MIN_FUZZY_LENGTH = 5;

/** The word with each one letter left out in turn, for words long enough for typos. */
export function deletions(word: string): string[] {
  if (word.length < MIN_FUZZY_LENGTH) return [];
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}
