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

  /** The tokens of a cleaned text (see `cleanText`). */
  tokens(cleaned: string): Token[] {
    const out: Token[] = [];
    let clause = 0;
    for (const piece of joinSpelledOut(pieces(cleaned))) {
      if (piece.length === 1 && PUNCTUATION.has(piece)) {
        clause += 1;
        continue;
      }
      for (const word of this.#piece(piece)) {
        if (word === CLAUSE) clause += 1;
        else out.push(placed(word, clause));
      }
    }
    maskTimes(out, this.rules.timeWords);
    return this.#joinPrefixes(out);
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
    const { detachedPrefixes, spelt } = this.rules;
    const joins = (t: Token, i: number): boolean => {
      const next = tokens[i + 1];
      return (
        next !== undefined &&
        detachedPrefixes.has(t.word) &&
        next.clause === t.clause &&
        spelt(t.word + next.word)
      );
    };
    if (!tokens.some(joins)) return tokens;
    const out: Token[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      const next = tokens[i + 1];
      const joined = next ? t.word + next.word : "";
      if (next && detachedPrefixes.has(t.word) && next.clause === t.clause && spelt(joined)) {
        out.push(this.#token(joined, t.clause));
        i += 1;
      } else out.push(t);
    }
    return out;
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

  #token(word: string, clause: number): Token {
    return placed(this.#word(word), clause);
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
 * The text's words (runs of letters and digits) and clause marks (punctuation), in order:
 * one pass over the characters, as fast for a long message as for a short one.
 */
function pieces(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (isWordChar(c, text, i)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
    if (c < 128 && PUNCTUATION_CODES[c] === 1) out.push(text[i] as string);
  }
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const PUNCTUATION_CODES = new Uint8Array(128);
for (const ch of PUNCTUATION) PUNCTUATION_CODES[ch.charCodeAt(0)] = 1;

function isWordChar(c: number, text: string, i: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  return WORD_CHAR.test(text[i] as string);
}

/**
 * Letters typed one by one ("s.o.s", "S O S", "t-o-l-o-n-g") as the word they spell: three
 * or more single letters in a row, with only dots between them, are one word.
 */
function joinSpelledOut(pieces: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length >= 3) out.push(run.join(""));
    else out.push(...run);
    run = [];
  };
  for (const piece of pieces) {
    if (piece.length === 1 && /\p{L}/u.test(piece)) run.push(piece);
    else if (piece === "." && run.length > 0) continue;
    else {
      flush();
      out.push(piece);
    }
  }
  flush();
  return out;
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
