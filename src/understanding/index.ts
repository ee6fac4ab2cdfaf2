/**
 * Understanding what people write: a message of any length, in slang and with typos,
 * becomes what it says (see {@link Reading}). **Pure**: no I/O, no clock; built once at
 * start-up from `locales/<lng>/understanding.json` and `keywords.json`, then `read` is a
 * function of the text alone.
 */
import { IntentClassifier } from "./classifier.js";
import { cleanText, hasWords } from "./clean.js";
import { type Hit, Lexicon, type ReadWord } from "./lexicon.js";
import type { DangerLevel, PlaceMention, Reading } from "./reading.js";
import { type Token, Tokenizer } from "./tokens.js";
import { type Keywords, slangMap, stemmerFor, type Vocabulary } from "./vocabulary.js";

export type { Reading } from "./reading.js";

/** Words that work at any step, whatever the flow. */
export type CommandName = "emergency" | "human" | "language" | "menu" | "erase" | "stop";
export const COMMANDS: readonly CommandName[] = [
  "emergency",
  "human",
  "language",
  "menu",
  "erase",
  "stop",
];

/** Everything understanding is built from. */
export interface UnderstandingSetup {
  /** The helpline's languages, in order. */
  languages: readonly string[];
  /** `understanding.json` of each language. */
  vocabularies: ReadonlyMap<string, Vocabulary>;
  /** `keywords.json` of each language. */
  keywords: ReadonlyMap<string, Keywords>;
  /** Facts that mean someone is in danger now (the P1 reasons of the triage table). */
  dangerFacts: ReadonlySet<string>;
  /** Other phrases people may type (button labels, synonyms): known words, never typos. */
  otherPhrases?: readonly string[];
  /** The gazetteer: a place named in free text. */
  placeFromText?: (text: string) => PlaceMention | undefined;
  /** Words of the languages (see `loadDictionary`): never read as someone's typo. */
  dictionary?: (word: string) => boolean;
}

/** A command word counts when the message is little more than it ("tolong saya"). */
const COMMAND_SLACK = 2;
/** A plea in a message longer than this, with no danger named, is unsure: ask. */
const SHORT_PLEA_WORDS = 4;
/** The fact an age under {@link ADULT_AGE} states (triage treats minors as most urgent). */
const MINOR_FACT = "children";
const ADULT_AGE = 18;
/** Words of one language a message needs before it is taken to be in that language. */
const MIN_LANGUAGE_WORDS = 2;
/** Most words a `...` in a phrase stands for. */
const PHRASE_GAP = 3;
/** How far before a word a negation ("tidak", "not") or a past marker still applies. */
const SCOPE = 3;

/** The understanding layer, compiled. */
export class Understanding {
  readonly tokenizer: Tokenizer;
  readonly #known = new Set<string>();
  readonly #langWords = new Map<string, Set<string>>();
  readonly #facts: Lexicon<string>;
  readonly #factNames: ReadonlySet<string>;
  readonly #alarm: Lexicon<true>;
  readonly #plea: Lexicon<true>;
  readonly #polite: Lexicon<true>;
  readonly #address: Lexicon<true>;
  readonly #worry: Lexicon<true>;
  readonly #safeNow: Lexicon<true>;
  readonly #past: Lexicon<true>;
  readonly #neutral: Lexicon<true>;
  readonly #negation: Lexicon<true>;
  readonly #ageBefore: Lexicon<true>;
  readonly #ageAfter: Lexicon<true>;
  readonly #numbers: Lexicon<number>;
  readonly #ordinals: Lexicon<number>;
  readonly #numberWords = new Map<string, number | string>();
  readonly #commands: Lexicon<CommandName>;
  readonly #skip: Lexicon<true>;
  readonly #dontKnow: Lexicon<true>;
  readonly #quickExit: Lexicon<true>;
  readonly #yesNoWords: Lexicon<"yes" | "no">;
  readonly #classifier: IntentClassifier;
  /** How much vocabulary was loaded, for `flows:check`. */
  readonly size: { commands: number; facts: number; examples: number };

  constructor(readonly setup: UnderstandingSetup) {
    const { languages, vocabularies, keywords } = setup;
    const stemmers = languages.map(stemmerFor);
    const vocab = (lng: string): Vocabulary => vocabularies.get(lng) as Vocabulary;
    const slang = slangMap(languages.flatMap((lng) => vocab(lng).slang));
    for (const lng of languages) {
      const shortForms = vocab(lng).slang.map((entry) => entry.split("=")[0] as string);
      this.#learnWords(lng, [...allPhrases(vocab(lng), keywords.get(lng)), ...shortForms]);
    }
    for (const [short, full] of slang) {
      this.#known.add(short);
      for (const w of full) this.#known.add(w);
    }
    for (const p of setup.otherPhrases ?? []) for (const w of rawWords(p)) this.#known.add(w);
    const knownStems = new Set<string>();
    for (const w of this.#known) for (const stem of stemmers) knownStems.add(stem(w));
    const known = (w: string): boolean =>
      this.#known.has(w) || stemmers.some((stem) => knownStems.has(stem(w)));
    const list = (pick: (v: Vocabulary) => readonly string[]): Set<string> =>
      new Set(languages.flatMap((lng) => pick(vocab(lng)).map((w) => cleanText(w))));
    this.tokenizer = new Tokenizer({
      slang,
      clauseWords: list((v) => v.clause_words),
      timeWords: list((v) => v.time_words),
      detachedPrefixes: list((v) => v.detached_prefixes),
      stemmers,
      known,
      spelt: (w) => this.#known.has(w),
    });

    const lex = <T>(pick: (v: Vocabulary) => readonly string[], value: T): Lexicon<T> => {
      const l = this.phrases<T>();
      for (const lng of languages) for (const p of pick(vocab(lng))) l.add(p, value);
      return l;
    };
    this.#alarm = lex((v) => v.alarm, true);
    this.#plea = lex((v) => v.plea, true);
    this.#polite = lex((v) => v.polite, true);
    this.#address = lex((v) => v.address, true);
    this.#worry = lex((v) => v.worry, true);
    this.#safeNow = lex((v) => v.safe_now, true);
    this.#past = lex((v) => v.past, true);
    this.#neutral = lex((v) => v.neutral, true);
    this.#negation = lex((v) => v.negation, true);
    this.#ageBefore = lex((v) => v.age_before, true);
    this.#ageAfter = lex((v) => v.age_after, true);
    this.#facts = this.phrases<string>();
    this.#factNames = new Set(languages.flatMap((lng) => Object.keys(vocab(lng).facts)));
    this.#numbers = this.phrases<number>();
    this.#ordinals = this.phrases<number>();
    for (const lng of languages) {
      for (const [n, ps] of Object.entries(vocab(lng).ordinals))
        for (const p of ps) this.#ordinals.add(p, Number(n));
      for (const entry of vocab(lng).number_words) {
        const [w, rule] = entry.split("=") as [string, string];
        const value = /^\d+$/.test(rule) ? Number(rule) : rule;
        if (!this.#numberWords.has(w)) this.#numberWords.set(w, value);
      }
      for (const [fact, ps] of Object.entries(vocab(lng).facts))
        for (const p of ps) this.#facts.add(p, fact);
      for (const [n, ps] of Object.entries(vocab(lng).numbers))
        for (const p of ps) this.#numbers.add(p, Number(n));
    }
    const kw = (lng: string): Keywords | undefined => keywords.get(lng);
    this.#commands = this.phrases<CommandName>();
    this.#skip = this.phrases<true>();
    this.#dontKnow = this.phrases<true>();
    this.#quickExit = this.phrases<true>();
    this.#yesNoWords = this.phrases<"yes" | "no">();
    for (const lng of languages) {
      const k = kw(lng);
      if (!k) continue;
      for (const c of COMMANDS) for (const p of k.intents[c]) this.#commands.add(p, c);
      for (const p of k.skip) this.#skip.add(p, true);
      for (const p of k.dont_know) this.#dontKnow.add(p, true);
      for (const p of k.quick_exit) this.#quickExit.add(p, true);
      for (const p of k.yes) this.#yesNoWords.add(p, "yes");
      for (const p of k.no) this.#yesNoWords.add(p, "no");
    }
    const examples = languages.flatMap((lng) =>
      Object.entries(vocab(lng).intents).flatMap(([intent, ps]) =>
        ps.map((p) => ({ intent, tokens: this.tokens(p) })),
      ),
    );
    this.#classifier = new IntentClassifier(examples);
    this.size = {
      commands: this.#commands.size,
      facts: this.#facts.size,
      examples: examples.length,
    };
  }

  /**
   * A lexicon that reads its phrases the way messages are read. In a phrase, `...` lets a
   * few words stand between two words ("paspor ... ditahan" meets "paspor saya masih
   * ditahan"), and `=word` meets that spelling only, not other forms of its stem
   * ("=dijual" is not "jualan").
   */
  phrases<T>(): Lexicon<T> {
    const dictionary = this.setup.dictionary ?? (() => false);
    return new Lexicon<T>(
      (phrase) => this.#readPhrase(phrase),
      (w) => this.#known.has(w) || dictionary(w),
    );
  }

  #readPhrase(phrase: string): ReadWord[] {
    const out: ReadWord[] = [];
    let gap = 0;
    for (const part of phrase.trim().split(/\s+/)) {
      if (part === "...") {
        gap = PHRASE_GAP;
        continue;
      }
      const exact = part.startsWith("=");
      this.tokens(exact ? part.slice(1) : part).forEach((t, i) => {
        out.push({ word: t.word, keys: t.keys, gap: i === 0 ? gap : 0, exact });
      });
      gap = 0;
    }
    return out;
  }

  /** The tokens of any text. */
  tokens(text: string): Token[] {
    return this.tokenizer.tokens(cleanText(text));
  }

  /**
   * Read a message.
   *
   * @example
   * u.read("tlg sy dipukulin bos, gak bisa keluar")
   * // -> { danger: "yes", reasons: ["beaten", "locked_in"], facts: [...], ... }
   */
  read(text: string): Reading {
    const cleaned = cleanText(text);
    const tokens = this.tokenizer.tokens(cleaned);
    const neutral = covered(this.#neutral.hits(tokens));
    const allFacts = this.#facts.hits(tokens).filter((h) => !neutral.has(h.start));
    // "gak bisa keluar, dipukul": a negation inside a phrase never negates what follows.
    const inPhrases = covered(allFacts);
    const live = <T>(hits: Hit<T>[]): Hit<T>[] =>
      hits.filter((h) => !neutral.has(h.start) && !this.#negated(tokens, h.start, inPhrases));
    const factHits = live(allFacts);
    // "dulu pernah dipukul": danger in the past is not danger now; other facts stand.
    const danger = (h: Hit<string>): boolean => this.setup.dangerFacts.has(h.value);
    const now = factHits.filter((h) => !danger(h) || !this.#inPast(tokens, h));
    const facts = unique([...now.map((h) => h.value), ...this.#minor(tokens)]);
    const pastDanger = factHits.some(danger);
    const reasons = facts.filter((f) => this.setup.dangerFacts.has(f));
    const plea = this.#pleaKind(tokens, live(this.#plea.hits(tokens)));
    const signals: DangerSignals = {
      reasons: reasons.length > 0,
      alarm: live(this.#alarm.hits(tokens)).some((h) => !this.#inPast(tokens, h)),
      plea,
      pastDanger,
      worry: live(this.#worry.hits(tokens)).length > 0,
      safeNow: live(this.#safeNow.hits(tokens)).length > 0,
    };
    const intent = this.#classifier.classify(tokens);
    const place = this.setup.placeFromText?.(cleaned);
    const number = this.#number(tokens);
    const lang = this.#language(tokens);
    return {
      tokens,
      empty: !hasWords(cleaned),
      facts,
      danger: dangerLevel(signals),
      reasons,
      plea: plea === "plea",
      calls: plea === "plea" || plea === "long",
      alarm: signals.alarm,
      ...(intent ? { intent } : {}),
      ...(place ? { place } : {}),
      ...(number !== undefined ? { number } : {}),
      ...(lang ? { lang } : {}),
      dontKnow: live(this.#dontKnow.hits(tokens)).length > 0,
      skip: this.#bare(tokens, this.#skip.hits(tokens), 2) !== undefined,
      ...this.#yesNo(tokens),
      onlyPlea: this.#onlyPleaWords(tokens),
    };
  }

  /**
   * An always-working word, when the message is little more than it ("tolong saya", "menu"):
   * at most `slack` words beyond it.
   */
  command(reading: Reading, slack = COMMAND_SLACK): CommandName | undefined {
    const { tokens } = reading;
    const hit = this.#bare(tokens, this.#commands.hits(tokens), slack);
    return hit && !this.#negated(tokens, hit.start) ? hit.value : undefined;
  }

  /** A default quick-exit word, typed exactly and alone ("cuaca", "weather"). */
  quickExit(reading: Reading): boolean {
    const hit = this.#bare(reading.tokens, this.#quickExit.hits(reading.tokens), 0);
    return hit?.exact === true;
  }

  /** Hits of `lexicon` in the message that are not negated, in message order. */
  liveHits<T>(reading: Reading, lexicon: Lexicon<T>): Hit<T>[] {
    return lexicon.hits(reading.tokens).filter((h) => !this.#negated(reading.tokens, h.start));
  }

  /** The best hit when the message holds at most `slack` words beyond it; a tie is no hit. */
  #bare<T>(tokens: readonly Token[], hits: Hit<T>[], slack: number): Hit<T> | undefined {
    return this.best(hits.filter((h) => tokens.length - h.length <= slack));
  }

  /**
   * The best of some hits: the phrase with the most words, then an exact spelling over a
   * forgiven typo. Two different values equally good: none (better to ask than guess).
   */
  best<T>(hits: readonly Hit<T>[], ties: "none" | "earliest" = "none"): Hit<T> | undefined {
    let best: Hit<T> | undefined;
    let tie = false;
    for (const h of hits) {
      const order = best ? compare(h, best) : 1;
      if (order > 0) {
        best = h;
        tie = false;
      } else if (order === 0 && h.value !== best?.value) {
        // An answer comes first, then the person explains: "boleh, asal nama sy ga disebar".
        if (ties === "earliest" && best && h.start < best.start) best = h;
        else if (ties !== "earliest") tie = true;
      }
    }
    return tie ? undefined : best;
  }

  /**
   * An age under 18 stated next to an age word ("umur 15", "16 thn", "i am 16"): the fact
   * named `children` in the vocabulary, when it has one.
   */
  #minor(tokens: readonly Token[]): string[] {
    if (!this.#factNames.has(MINOR_FACT)) return [];
    const before = this.#ageBefore.hits(tokens).map((h) => h.start + h.length);
    const after = this.#ageAfter.hits(tokens).map((h) => h.start - 1);
    const young = (i: number): boolean => {
      const n = tokens[i]?.num;
      return n !== undefined && n > 0 && n < ADULT_AGE;
    };
    return [...before, ...after].some(young) ? [MINOR_FACT] : [];
  }

  /** A past or hypothetical marker anywhere in the fact's clause ("dulu", "before", "apakah"). */
  #inPast<T>(tokens: readonly Token[], hit: Hit<T>): boolean {
    const clause = tokens[hit.start]?.clause;
    const inClause = tokens.filter(
      (t, i) => t.clause === clause && (i < hit.start || i >= hit.start + hit.length),
    );
    return inClause.length > 0 && this.#past.hits(inClause).length > 0;
  }

  /** A negation shortly before `start`, in the same clause, outside other phrases. */
  #negated(tokens: readonly Token[], start: number, ignore?: ReadonlySet<number>): boolean {
    return this.#inScope(this.#negation, tokens, start, ignore);
  }

  #inScope(
    lexicon: Lexicon<true>,
    tokens: readonly Token[],
    start: number,
    ignore?: ReadonlySet<number>,
  ): boolean {
    const clause = tokens[start]?.clause;
    const window: Token[] = [];
    for (let i = Math.max(0, start - SCOPE); i < start; i++) {
      const t = tokens[i] as Token;
      if (t.clause === clause && !ignore?.has(i)) window.push(t);
    }
    return window.length > 0 && lexicon.hits(window).length > 0;
  }

  /**
   * "tolong" as a call for help, or as a polite "please": followed by a request
   * ("tolong jelaskan") it is polite; with only a form of address ("tolong pak") unsure.
   */
  #pleaKind(tokens: readonly Token[], pleas: Hit<true>[]): PleaKind {
    if (pleas.length === 0) return "none";
    const polite = covered(this.#polite.hits(tokens));
    const address = covered(this.#address.hits(tokens));
    const inPlea = covered(pleas);
    const real = pleas.filter((p) => {
      const after = p.start + p.length;
      return !(polite.has(after) || polite.has(after + 1));
    });
    if (real.length === 0) return "none";
    const rest = tokens.filter((_, i) => !inPlea.has(i) && !address.has(i));
    const addressed = [...address].some((i) => !inPlea.has(i));
    if (rest.length === 0 && addressed && real.every((p) => p.words === 1)) return "addressed";
    return tokens.length - inPlea.size <= SHORT_PLEA_WORDS ? "plea" : "long";
  }

  /** A short yes or no: the message is little more than the word. */
  #yesNo(tokens: readonly Token[]): { yesNo?: "yes" | "no" } {
    const hit = this.#bare(tokens, this.#yesNoWords.hits(tokens), COMMAND_SLACK);
    return hit ? { yesNo: hit.value } : {};
  }

  /** Every word is a plea, an alarm or a form of address ("tolong pak", "SOS", "bahaya!!"). */
  #onlyPleaWords(tokens: readonly Token[]): boolean {
    const cover = covered([
      ...this.#plea.hits(tokens),
      ...this.#alarm.hits(tokens),
      ...this.#address.hits(tokens),
    ]);
    return tokens.length > 0 && tokens.every((_, i) => cover.has(i));
  }

  /**
   * A number the message states: a way of saying how many people ("sendiri" = 1,
   * "berdua" = 2), else digits ("kami ber 5"), else number words ("lima belas" = 15).
   */
  #number(tokens: readonly Token[]): number | undefined {
    const named = this.#numbers.hits(tokens)[0];
    if (named) return named.value;
    const digits = tokens.find((t) => t.num !== undefined && t.num > 0)?.num;
    return digits ?? this.#spelledNumber(tokens);
  }

  /**
   * Number words read with the language's rules from `number_words`: units add,
   * `*k` multiplies what came before ("dua puluh" = 20), `+k` adds ("lima belas" = 15).
   */
  #spelledNumber(tokens: readonly Token[]): number | undefined {
    let total = 0;
    let current = 0;
    let seen = false;
    for (const t of tokens) {
      const rule = this.#numberWords.get(t.word);
      if (rule === undefined) {
        if (seen) break;
        continue;
      }
      seen = true;
      if (typeof rule === "number") current += rule;
      else if (rule.startsWith("*")) {
        total += (current || 1) * Number(rule.slice(1));
        current = 0;
      } else current += Number(rule.slice(1));
    }
    const n = total + current;
    return seen && n > 0 ? n : undefined;
  }

  /** An ordinal answer to a question with buttons ("yang ketiga", "the first one"). */
  ordinal(reading: Reading): number | undefined {
    return this.#bare(reading.tokens, this.#ordinals.hits(reading.tokens), 2)?.value;
  }

  /** The language most of the message's known words belong to, when one leads. */
  #language(tokens: readonly Token[]): string | undefined {
    const counts = [...this.#langWords].map(
      ([lng, words]) => [lng, tokens.filter((t) => words.has(t.word)).length] as const,
    );
    counts.sort((a, b) => b[1] - a[1]);
    const [first, second] = counts;
    // One word ("hi", "halo") is said in either language: two words make it clear.
    if (!first || first[1] < MIN_LANGUAGE_WORDS) return undefined;
    return !second || first[1] > second[1] ? first[0] : undefined;
  }

  #learnWords(lng: string, phrases: readonly string[]): void {
    const words = this.#langWords.get(lng) ?? new Set<string>();
    for (const p of phrases) {
      for (const w of rawWords(p)) {
        words.add(w);
        this.#known.add(w);
      }
    }
    this.#langWords.set(lng, words);
  }
}

type PleaKind = "none" | "plea" | "long" | "addressed";

interface DangerSignals {
  reasons: boolean;
  alarm: boolean;
  plea: PleaKind;
  pastDanger: boolean;
  worry: boolean;
  safeNow: boolean;
}

/**
 * Danger named now, an alarm word or a short plea: yes (unsure if the person also says
 * they are safe now). Danger in the past, worry, or a plea in a long or polite message:
 * unsure, so the engine asks. Anything else: none.
 */
function dangerLevel(s: DangerSignals): DangerLevel {
  if (s.reasons || s.alarm || s.plea === "plea") return s.safeNow ? "maybe" : "yes";
  if (s.pastDanger) return s.safeNow ? "none" : "maybe";
  if (s.worry || s.plea === "long" || s.plea === "addressed") return "maybe";
  return "none";
}

/** Positive when `a` is the better hit: more words, then exact spelling. */
export function compare<T>(a: Hit<T>, b: Hit<T>): number {
  if (a.words !== b.words) return a.words - b.words;
  return Number(a.exact) - Number(b.exact);
}

/** Token positions covered by any hit. */
function covered<T>(hits: readonly Hit<T>[]): Set<number> {
  const out = new Set<number>();
  for (const h of hits) for (let i = h.start; i < h.start + h.length; i++) out.add(i);
  return out;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Words of a phrase, cleaned but not expanded: what the vocabulary knows as written. */
function rawWords(phrase: string): string[] {
  return cleanText(phrase).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function allPhrases(v: Vocabulary, k: Keywords | undefined): string[] {
  const lists = [
    v.negation,
    v.clause_words,
    v.time_words,
    v.detached_prefixes,
    v.age_before,
    v.age_after,
    v.alarm,
    v.plea,
    v.polite,
    v.address,
    v.worry,
    v.safe_now,
    v.past,
    v.neutral,
    ...Object.values(v.facts),
    ...Object.values(v.numbers),
    ...Object.values(v.ordinals),
    v.number_words.map((entry) => entry.split("=")[0] as string),
    ...Object.values(v.intents),
  ];
  if (k) lists.push(...Object.values(k.intents), k.skip, k.dont_know, k.quick_exit);
  return lists.flat();
}
