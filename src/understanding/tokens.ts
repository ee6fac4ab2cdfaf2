/**
 * A cleaned message as words: chat spelling expanded ("sy" -> "saya", "tlg" -> "tolong"),
 * reduplication written out ("anak2" -> "anak anak"), the colloquial "-in" suffix read
 * ("dipukulin" -> "dipukul"), and each word's stem in every language, from NLP.js's
 * stemmers, so "dipukuli", "memukul" and "pukulan" all meet "pukul".
 */

/** One word of a message, ready for matching. */
export interface Token {
  /** The word as read (after chat spelling was expanded). */
  readonly word: string;
  /** What a phrase word may meet: the word and its stem in each language. */
  readonly keys: readonly string[];
  /** The word with each letter left out in turn (words long enough to forgive a typo). */
  readonly variants: readonly string[];
  /** Clauses are split by punctuation and words such as "tapi": negation stays inside one. */
  readonly clause: number;
  /** The value of a word made of digits. */
  readonly num?: number;
  /** Part of a time of day ("pukul 10"): never read as a fact. */
  readonly masked?: boolean;
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

/** A word as read, before its place in a message is known. */
type Word = Omit<Token, "clause" | "masked">;
const DIGITS = /^\d+$/;
/** "anak2", "kawan2nya": a word written twice, the way chats abbreviate it. */
const REDUPLICATED = /^(\p{L}{2,})2(\p{L}*)$/u;
/** Letters and digits run together ("12org", "jam10"). */
const LETTERS_DIGITS = /\p{L}+|\d+/gu;
const MAX_DIGITS = 7;

/** Pieces seen before, with their words: stemming is the costly part and words repeat. */
const CACHE_LIMIT = 50_000;

/** Turns cleaned text into tokens. Build once; `tokens` is safe to call for every message. */
export class Tokenizer {
  constructor(readonly rules: TokenRules) {}

  /** Each piece of text already read: the words it stands for, with their keys. */
  readonly #pieces = new Map<string, readonly (Word | typeof CLAUSE)[]>();

  /**
   * The tokens of a cleaned text (see `cleanText`), in one pass over its characters:
   * each run of letters and digits is a piece, looked up in the memory of pieces read
   * before; punctuation starts a new clause.
   */
  tokens(cleaned: string): Token[] {
    const out = new Placed((piece) => this.#piece(piece));
    let start = -1;
    for (let i = 0; i <= cleaned.length; i++) {
      const c = i < cleaned.length ? cleaned.charCodeAt(i) : 32;
      if (isWordChar(c)) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        out.piece(cleaned.slice(start, i));
        start = -1;
      }
      if (c < 128 && PUNCTUATION_CODES[c] === 1) out.punctuation(c === DOT);
    }
    out.end();
    maskTimes(out.tokens, this.rules.timeWords);
    return this.#joinPrefixes(out.tokens);
  }

  /** A piece of text as words with their keys, read once however often it recurs. */
  #piece(piece: string): readonly (Word | typeof CLAUSE)[] {
    let words = this.#pieces.get(piece);
    if (!words) {
      words = this.#words(piece).map((w) =>
        this.rules.clauseWords.has(w) ? CLAUSE : this.#word(w),
      );
      if (this.#pieces.size >= CACHE_LIMIT) this.#pieces.clear();
      this.#pieces.set(piece, words);
    }
    return words;
  }

  /** "di jual" -> "dijual" when the joined word is one the vocabulary knows. */
  #joinPrefixes(tokens: Token[]): Token[] {
    let out: Token[] | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      const next = tokens[i + 1];
      if (next && next.clause === t.clause && this.#joins(t.word, next.word)) {
        out ??= tokens.slice(0, i);
        out.push(this.#token(t.word + next.word, t.clause));
        i += 1;
      } else out?.push(t);
    }
    return out ?? tokens;
  }

  /** Prefix and word pairs seen before ("di" + "jual"), and whether they join. */
  readonly #joined = new Map<string, Map<string, boolean>>();

  /** Whether a detached prefix and the next word make a word the vocabulary knows. */
  #joins(prefix: string, word: string): boolean {
    if (!this.rules.detachedPrefixes.has(prefix)) return false;
    let words = this.#joined.get(prefix);
    if (!words) {
      words = new Map();
      this.#joined.set(prefix, words);
    }
    let joins = words.get(word);
    if (joins === undefined) {
      joins = this.rules.spelt(prefix + word);
      if (words.size >= CACHE_LIMIT) words.clear();
      words.set(word, joins);
    }
    return joins;
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

  /** Words made of a prefix and the next word ("dijual"), read once each. */
  readonly #joinedWords = new Map<string, Word>();

  #token(word: string, clause: number): Token {
    let w = this.#joinedWords.get(word);
    if (!w) {
      w = this.#word(word);
      if (this.#joinedWords.size >= CACHE_LIMIT) this.#joinedWords.clear();
      this.#joinedWords.set(word, w);
    }
    return placed(w, clause);
  }

  /** A word with its keys, typo variants and value. */
  #word(word: string): Word {
    const keys = [...new Set([word, ...this.rules.stemmers.map((stem) => stem(word))])];
    const digits = DIGITS.test(word);
    const num = digits && word.length <= MAX_DIGITS ? Number(word) : undefined;
    return {
      word,
      keys,
      variants: digits ? [] : deletions(word),
      ...(num !== undefined ? { num } : {}),
    };
  }
}

/**
 * Tokens as they are placed, piece by piece, with their clause. Letters typed one by one
 * ("s.o.s", "S O S", "t-o-l-o-n-g") are held back: three or more single letters in a row,
 * with only dots between them, are one word.
 */
class Placed {
  readonly tokens: Token[] = [];
  #clause = 0;
  /** Single letters held back, and how many. */
  #letters = "";

  constructor(readonly wordsOf: (piece: string) => readonly (Word | typeof CLAUSE)[]) {}

  piece(piece: string): void {
    if (piece.length === 1 && isLetter(piece)) {
      this.#letters += piece;
      return;
    }
    this.#flush();
    this.#words(piece);
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
    if (letters.length >= 3) this.#words(letters);
    else for (const letter of letters) this.#words(letter);
  }

  #words(piece: string): void {
    const words = this.wordsOf(piece);
    for (let k = 0; k < words.length; k++) {
      const word = words[k] as Word | typeof CLAUSE;
      if (word === CLAUSE) this.#clause += 1;
      else this.tokens.push(placed(word, this.#clause));
    }
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

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 128 ? (c >= 97 && c <= 122) || (c >= 65 && c <= 90) : LETTER.test(ch);
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

/** A word at its place in a message (a plain object of one shape: cheap to make). */
function placed(w: Word, clause: number): Token {
  return w.num === undefined
    ? { word: w.word, keys: w.keys, variants: w.variants, clause }
    : { word: w.word, keys: w.keys, variants: w.variants, num: w.num, clause };
}

/** "pukul 10", "jam 3": a time of day, not a beating. */
function maskTimes(tokens: Token[], timeWords: ReadonlySet<string>): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1] as Token;
    if (timeWords.has(t.word) && next.num !== undefined && next.clause === t.clause) {
      tokens[i] = { ...t, masked: true };
    }
  }
}
