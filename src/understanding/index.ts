/**
 * Understanding what people write: a message of any length, in slang and with typos,
 * becomes what it says (see {@link Reading}). **Pure**: no I/O, no clock; built once at
 * start-up from `locales/<lng>/understanding.json` and `keywords.json`, then `read` is a
 * function of the text alone.
 */
import { IntentClassifier } from "./classifier.js";
import { cleanText, hasWords } from "./clean.js";
import { type CommandName, covered, Found, type Mark, type Positions, type Tag } from "./found.js";
import { type Hit, Lexicon, type ReadWord } from "./lexicon.js";
import { MessageReading, type OnDemand } from "./message-reading.js";
import type { DangerLevel, PlaceMention, Reading } from "./reading.js";
import { type Token, Tokenizer } from "./tokens.js";
import { type Keywords, slangMap, stemmerFor, type Vocabulary } from "./vocabulary.js";

export type { CommandName } from "./found.js";
export type { Reading } from "./reading.js";
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
  /**
   * Every word of every place name (cleaned), when known: a message with none of them names
   * no place, and the gazetteer is not asked.
   */
  placeWords?: ReadonlySet<string>;
  /** Words of the languages (see `loadDictionary`): never read as someone's typo. */
  dictionary?: (word: string) => boolean;
}

/**
 * A command word counts when the message is little more than it ("tolong saya"): at most
 * this many words beyond it. The same holds for yes and no, "skip" and ordinals.
 */
const COMMAND_SLACK = 2;
/** A plea in a message longer than this, with no danger named, is unsure: ask. */
const SHORT_PLEA_WORDS = 4;
/** The fact an age under {@link ADULT_AGE} states (triage treats minors as most urgent). */
const MINOR_FACT = "children";
const ADULT_AGE = 18;
/** The words a message's language is read from: its first ones say it. */
const LANGUAGE_TOKENS = 150;
/** A word's languages are bits of one small integer (see `#languagesOf`). */
const MAX_LANGUAGES = 30;
/** Words of one language a message needs before it is taken to be in that language. */
const MIN_LANGUAGE_WORDS = 2;
/** Words around a place name's words that the gazetteer is shown ("di kk park dekat ..."). */
const PLACE_CONTEXT = 3;
/** Most words the gazetteer reads for a place named in passing. */
const PLACE_WORDS = 40;
/** Typed words whose dictionary answer is kept; beyond this the memory starts afresh. */
const WORD_CACHE_LIMIT = 50_000;
/** Most words a `...` in a phrase stands for. */
const PHRASE_GAP = 3;
/** How far before a word a negation ("tidak", "not") or a past marker still applies. */
const SCOPE = 3;

/** The marking lists of `understanding.json`. */
const VOCABULARY_MARKS: readonly (Mark & keyof Vocabulary)[] = [
  "alarm",
  "plea",
  "polite",
  "address",
  "worry",
  "safe_now",
  "past",
  "neutral",
  "negation",
  "age_before",
  "age_after",
];

/**
 * Small words that change what others mean are read as written: "sebelum" (before) must
 * not meet "sebelumnya" by its stem, nor "bu" (madam) a word stemmed to "bu".
 */
const EXACT_MARKS: ReadonlySet<Mark> = new Set([
  "negation",
  "past",
  "polite",
  "address",
  "age_before",
  "age_after",
]);

/** One tag per marking list, shared by its phrases. */
const MARK_TAGS = new Map<Mark, Tag>();
function markTag(mark: Mark): Tag {
  let tag = MARK_TAGS.get(mark);
  if (!tag) {
    tag = { k: mark };
    MARK_TAGS.set(mark, tag);
  }
  return tag;
}

/** A phrase whose every word must be spelt so (`=word`). */
function exactly(phrase: string): string {
  return phrase
    .split(/\s+/)
    .map((w) => (w === "..." || w.startsWith("=") ? w : `=${w}`))
    .join(" ");
}

/** The understanding layer, compiled. */
export class Understanding {
  readonly tokenizer: Tokenizer;
  readonly #known = new Set<string>();
  readonly #langWords = new Map<string, Set<string>>();
  /** Every phrase of every list but those below, in one index: a message is searched once. */
  readonly #all: Lexicon<Tag>;
  /**
   * Commands, yes and no, "skip", ordinals and quick-exit words: they count only when the
   * message is little more than them, so a longer message is not searched for them (in a
   * long message they were about a third of the phrases found, and none could count).
   */
  readonly #bareOnly: Lexicon<Tag>;
  /** The longest message one of those phrases can count in, in words. */
  readonly #bareOnlyWords: number;
  readonly #factNames: ReadonlySet<string>;
  readonly #numberWords = new Map<string, number | string>();
  /** What a message wants (see {@link Reading.intent}). */
  readonly classifier: IntentClassifier;
  /** What a reading works out only when asked. */
  readonly #onDemand: OnDemand;
  /** How much vocabulary was loaded, for `flows:check`. */
  readonly size: { commands: number; facts: number; examples: number };

  constructor(readonly setup: UnderstandingSetup) {
    const { languages, vocabularies, keywords } = setup;
    if (languages.length > MAX_LANGUAGES) throw new Error("at most 30 languages (one bit each)");
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

    this.#all = this.phrases<Tag>();
    this.#bareOnly = this.phrases<Tag>();
    const all = this.#all;
    const bareOnly = this.#bareOnly;
    let commands = 0;
    let facts = 0;
    this.#factNames = new Set(languages.flatMap((lng) => Object.keys(vocab(lng).facts)));
    for (const lng of languages) {
      const v = vocab(lng);
      for (const mark of VOCABULARY_MARKS) {
        const exact = EXACT_MARKS.has(mark);
        for (const p of v[mark]) all.add(exact ? exactly(p) : p, markTag(mark));
      }
      for (const [fact, ps] of Object.entries(v.facts)) {
        for (const p of ps) all.add(p, { k: "fact", v: fact });
        facts += ps.length;
      }
      for (const [n, ps] of Object.entries(v.numbers))
        for (const p of ps) all.add(p, { k: "number", v: Number(n) });
      for (const [n, ps] of Object.entries(v.ordinals))
        for (const p of ps) bareOnly.add(p, { k: "ordinal", v: Number(n) });
      for (const entry of v.number_words) {
        const [w, rule] = entry.split("=") as [string, string];
        const value = /^\d+$/.test(rule) ? Number(rule) : rule;
        if (!this.#numberWords.has(w)) this.#numberWords.set(w, value);
      }
      const k = keywords.get(lng);
      if (!k) continue;
      for (const c of COMMANDS) {
        for (const p of k.intents[c]) bareOnly.add(p, { k: "command", v: c });
        commands += k.intents[c].length;
      }
      for (const p of k.skip) bareOnly.add(p, markTag("skip"));
      for (const p of k.dont_know) all.add(p, markTag("dont_know"));
      for (const p of k.quick_exit) bareOnly.add(p, markTag("quick_exit"));
      for (const p of k.yes) bareOnly.add(p, { k: "yesno", v: "yes" });
      for (const p of k.no) bareOnly.add(p, { k: "yesno", v: "no" });
    }
    all.build().remember();
    bareOnly.build();
    this.#bareOnlyWords = bareOnly.longestSpan + COMMAND_SLACK;
    const examples = languages.flatMap((lng) =>
      Object.entries(vocab(lng).intents).flatMap(([intent, ps]) =>
        ps.map((p) => ({ intent, tokens: this.tokens(p) })),
      ),
    );
    this.classifier = new IntentClassifier(examples);
    this.size = { commands, facts, examples: examples.length };
    const classifier = this.classifier;
    // Where they are is said early: the gazetteer reads the words around place names.
    const { placeFromText, placeWords } = setup;
    this.#onDemand = {
      intent: (tokens) => classifier.classify(tokens),
      place: (tokens, cleaned) => {
        const text = placeWindow(tokens, cleaned, placeWords);
        return text === undefined ? undefined : placeFromText?.(text);
      },
      number: (found, tokens) => this.#number(found, tokens),
      lang: (tokens) => this.#language(tokens),
    };
  }

  /**
   * A lexicon that reads its phrases the way messages are read. In a phrase, `...` lets a
   * few words stand between two words ("paspor ... ditahan" meets "paspor saya masih
   * ditahan"), and `=word` meets that spelling only, not other forms of its stem
   * ("=dijual" is not "jualan").
   */
  phrases<T>(): Lexicon<T> {
    return new Lexicon<T>(
      (phrase) => this.#readPhrase(phrase),
      (w) => this.#isWord(w),
    );
  }

  readonly #words = new Map<string, boolean>();

  /** Whether a typed word is a word of its own (never a typo): asked often, answered once. */
  #isWord(word: string): boolean {
    let known = this.#words.get(word);
    if (known === undefined) {
      known = this.#known.has(word) || (this.setup.dictionary?.(word) ?? false);
      if (this.#words.size >= WORD_CACHE_LIMIT) this.#words.clear();
      this.#words.set(word, known);
    }
    return known;
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
    return this.tokenizer.tokens(cleanText(text)).tokens;
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
    const words = this.tokenizer.tokens(cleaned);
    const { tokens, clauses } = words;
    const found = this.#find(words);
    const neutral = found.covered("neutral");
    // "gak bisa keluar, dipukul": a negation inside a phrase never negates what follows.
    const inPhrases = covered(found.fact, (h) => !neutral.has(h.start));
    const isLive = <T>(h: Hit<T>): boolean =>
      !neutral.has(h.start) && !this.#negated(found, clauses, h.start, inPhrases);
    // "dulu pernah dipukul": danger in the past is not danger now; other facts stand.
    const danger = (h: Hit<string>): boolean => this.setup.dangerFacts.has(h.value);
    // One pass over the facts, no list in between: a long message holds a hundred.
    const stated = new Set<string>();
    let pastDanger = false;
    for (const h of found.fact) {
      if (!isLive(h)) continue;
      const isDanger = danger(h);
      pastDanger ||= isDanger;
      if (!isDanger || !inPast(found, clauses, h)) stated.add(h.value);
    }
    for (const minor of this.#minor(found, tokens)) stated.add(minor);
    const facts = [...stated];
    const reasons = facts.filter((f) => this.setup.dangerFacts.has(f));
    const plea = pleaKind(found, tokens, found.of("plea").filter(isLive));
    const signals: DangerSignals = {
      reasons: reasons.length > 0,
      alarm: found.of("alarm").some((h) => isLive(h) && !inPast(found, clauses, h)),
      plea,
      pastDanger,
      worry: found.of("worry").some(isLive),
      safeNow: found.of("safe_now").some(isLive),
    };
    return new MessageReading(words, found, cleaned, this.#onDemand, {
      empty: !hasWords(cleaned),
      facts,
      danger: dangerLevel(signals),
      reasons,
      plea: plea === "plea",
      calls: plea === "plea" || plea === "long",
      alarm: signals.alarm,
      dontKnow: found.of("dont_know").some(isLive),
      skip: this.#bare(tokens, found.of("skip"), COMMAND_SLACK) !== undefined,
      yesNo: this.#bare(tokens, found.yesno, COMMAND_SLACK)?.value,
      onlyPlea: onlyPleaWords(found, tokens),
    });
  }

  /** Every phrase of the vocabulary in the tokens, in one pass over the one index. */
  #find({ tokens, clauses }: { tokens: readonly Token[]; clauses: readonly number[] }): Found {
    const found = new Found();
    this.#all.each(tokens, clauses, found.add);
    if (tokens.length <= this.#bareOnlyWords) this.#bareOnly.each(tokens, clauses, found.add);
    return found;
  }

  #foundIn(reading: Reading): Found {
    return reading instanceof MessageReading ? reading.found : this.#find(reading);
  }

  /**
   * An always-working word, when the message is little more than it ("tolong saya", "menu"):
   * at most `slack` words beyond it.
   */
  command(
    reading: Reading,
    slack: 0 | 1 | typeof COMMAND_SLACK = COMMAND_SLACK,
  ): CommandName | undefined {
    const { tokens } = reading;
    const found = this.#foundIn(reading);
    const hit = this.#bare(tokens, found.command, slack);
    return hit && !this.#negated(found, reading.clauses, hit.start) ? hit.value : undefined;
  }

  /** A default quick-exit word, typed exactly and alone ("cuaca", "weather"). */
  quickExit(reading: Reading): boolean {
    const hit = this.#bare(reading.tokens, this.#foundIn(reading).of("quick_exit"), 0);
    return hit?.exact === true;
  }

  /** An ordinal answer to a question with buttons ("yang ketiga", "the first one"). */
  ordinal(reading: Reading): number | undefined {
    return this.#bare(reading.tokens, this.#foundIn(reading).ordinal, COMMAND_SLACK)?.value;
  }

  /** Hits of `lexicon` in the message that are not negated, in message order. */
  liveHits<T>(reading: Reading, lexicon: Lexicon<T>): Hit<T>[] {
    const found = this.#foundIn(reading);
    return lexicon
      .hits(reading.tokens, reading.clauses)
      .filter((h) => !this.#negated(found, reading.clauses, h.start));
  }

  /** The best hit when the message holds at most `slack` words beyond it; a tie is no hit. */
  #bare<T>(tokens: readonly Token[], hits: readonly Hit<T>[], slack: number): Hit<T> | undefined {
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
  #minor(found: Found, tokens: readonly Token[]): string[] {
    if (!this.#factNames.has(MINOR_FACT)) return [];
    const before = found.of("age_before").map((h) => h.start + h.length);
    const after = found.of("age_after").map((h) => h.start - 1);
    const young = (i: number): boolean => {
      const n = tokens[i]?.num;
      return n !== undefined && n > 0 && n < ADULT_AGE;
    };
    return [...before, ...after].some(young) ? [MINOR_FACT] : [];
  }

  /** A negation shortly before `start`, in the same clause, outside other phrases. */
  #negated(found: Found, clauses: readonly number[], start: number, ignore?: Positions): boolean {
    const negations = found.covered("negation");
    if (negations.size === 0) return false;
    const clause = clauses[start];
    for (let i = Math.max(0, start - SCOPE); i < start; i++) {
      if (negations.has(i) && !ignore?.has(i) && clauses[i] === clause) return true;
    }
    return false;
  }

  /**
   * A number the message states: a way of saying how many people ("sendiri" = 1,
   * "berdua" = 2), else digits ("kami ber 5"), else number words ("lima belas" = 15).
   */
  #number(found: Found, tokens: readonly Token[]): number | undefined {
    const named = found.number[0];
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

  /** The language most of the message's known words belong to, when one leads. */
  #language(tokens: readonly Token[]): string | undefined {
    const counts = this.#languageCounts(tokens);
    let best: string | undefined;
    let bestCount = 0;
    let tie = false;
    let l = 0;
    for (const lng of this.#langWords.keys()) {
      const n = counts[l++] as number;
      if (n > bestCount) {
        best = lng;
        bestCount = n;
        tie = false;
      } else if (n === bestCount) tie = true;
    }
    // One word ("hi", "halo") is said in either language: two words make it clear.
    return bestCount >= MIN_LANGUAGE_WORDS && !tie ? best : undefined;
  }

  /** Per language (in `#langWords` order), how many of the first words belong to it. */
  #languageCounts(tokens: readonly Token[]): number[] {
    const counts = new Array<number>(this.#langWords.size).fill(0);
    const n0 = Math.min(tokens.length, LANGUAGE_TOKENS);
    for (let i = 0; i < n0; i++) {
      const bits = this.#languagesOf(tokens[i] as Token);
      for (let l = 0; l < counts.length; l++)
        if ((bits >> l) & 1) counts[l] = (counts[l] as number) + 1;
    }
    return counts;
  }

  /** The languages a word belongs to, one bit each, kept on its token. */
  #languagesOf(t: Token): number {
    if (t.languages !== undefined) return t.languages;
    let bits = 0;
    let l = 0;
    for (const words of this.#langWords.values()) {
      if (words.has(t.word)) bits |= 1 << l;
      l += 1;
    }
    t.languages = bits;
    return bits;
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

/**
 * What the gazetteer should read for a place named in passing: the words around the place
 * names' words, in message order (a long message costs no more than a short one); none
 * when no word of any place name is there. Without the names' words, the first words.
 */
function placeWindow(
  tokens: readonly Token[],
  cleaned: string,
  placeWords: ReadonlySet<string> | undefined,
): string | undefined {
  if (placeWords === undefined) return cleaned.slice(0, PLACE_WORDS * 8);
  const first = tokens.findIndex((t) => placeWords.has(t.word));
  if (first < 0) return undefined;
  let last = first;
  for (let i = first; i < tokens.length && i - first < PLACE_WORDS; i++)
    if (placeWords.has((tokens[i] as Token).word)) last = i;
  const from = Math.max(0, first - PLACE_CONTEXT);
  const to = Math.min(tokens.length, last + PLACE_CONTEXT + 1);
  return tokens
    .slice(from, to)
    .map((t) => t.word)
    .join(" ");
}

/** A past or hypothetical marker anywhere in the hit's clause ("dulu", "before", "apakah"). */
function inPast<T>(found: Found, clauses: readonly number[], hit: Hit<T>): boolean {
  const past = found.covered("past");
  if (past.size === 0) return false;
  const clause = clauses[hit.start] as number;
  // Past words of the clause outside the hit itself: counted, not searched, so a long
  // message with many past words and many facts stays linear.
  let inside = 0;
  for (let i = hit.start; i < hit.start + hit.length; i++) {
    if (past.has(i) && clauses[i] === clause) inside += 1;
  }
  return (found.pastPerClause(clauses).get(clause) ?? 0) > inside;
}

/**
 * "tolong" as a call for help, or as a polite "please": followed by a request
 * ("tolong jelaskan") it is polite; with only a form of address ("tolong pak") unsure.
 */
function pleaKind(found: Found, tokens: readonly Token[], pleas: readonly Hit<true>[]): PleaKind {
  if (pleas.length === 0) return "none";
  const polite = found.covered("polite");
  const address = found.covered("address");
  const inPlea = covered(pleas);
  const real = pleas.filter((p) => {
    const after = p.start + p.length;
    return !(polite.has(after) || polite.has(after + 1));
  });
  if (real.length === 0) return "none";
  // Counted, not listed: a long message has hundreds of words beside its plea.
  let rest = 0;
  for (let i = 0; i < tokens.length && rest === 0; i++)
    if (!inPlea.has(i) && !address.has(i)) rest++;
  const addressed = address.list.some((i) => !inPlea.has(i));
  if (rest === 0 && addressed && real.every((p) => p.words === 1)) return "addressed";
  return tokens.length - inPlea.size <= SHORT_PLEA_WORDS ? "plea" : "long";
}

/** Every word is a plea, an alarm or a form of address ("tolong pak", "SOS", "bahaya!!"). */
function onlyPleaWords(found: Found, tokens: readonly Token[]): boolean {
  if (tokens.length === 0) return false;
  const plea = found.covered("plea");
  const alarm = found.covered("alarm");
  const address = found.covered("address");
  return tokens.every((_, i) => plea.has(i) || alarm.has(i) || address.has(i));
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
