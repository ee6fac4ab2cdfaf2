/**
 * The vocabulary of understanding, one file per language: `locales/<lng>/understanding.json`.
 * Staff edit these lists; no word a person might type lives in `src/`.
 */
import { StemmerEn } from "@nlpjs/lang-en";
import { StemmerId } from "@nlpjs/lang-id";
import { z } from "zod";

const phrases = z.array(z.string().min(1)).default([]);
const named = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), phrases).default({});

/** `locales/<lng>/understanding.json`. */
export const vocabularySchema = z
  .object({
    slang: z
      .array(z.string().regex(/^[^=\s]+=[^=]+$/, "write `short=full words`, e.g. `sy=saya`"))
      .default([])
      .describe("Chat spelling: `sy=saya`, `tlg=tolong`, `gpp=tidak apa apa`."),
    negation: phrases.describe("Words that cancel what follows: `tidak`, `not`."),
    clause_words: phrases.describe("Words that start a new clause: `tapi`, `but`."),
    time_words: phrases.describe("Words before a number that make it a time: `pukul`, `jam`."),
    detached_prefixes: phrases.describe(
      "Prefixes people write apart from their word: `di` (`di jual` is `dijual`).",
    ),
    age_before: phrases.describe("Words before an age: `umur`, `i am`."),
    age_after: phrases.describe("Words after an age: `tahun`, `years old`."),
    alarm: phrases.describe("Words that say danger on their own: `sos`, `bahaya`, `darurat`."),
    plea: phrases.describe("A call for help: `tolong`, `help me`; polite requests excepted."),
    polite: phrases.describe("Words after a plea that make it a polite request: `jelaskan`."),
    address: phrases.describe("Forms of address: `pak`, `kak`. A plea with only these is polite."),
    worry: phrases.describe("Unsure signs of danger (`takut`, `not safe`): the bot asks."),
    safe_now: phrases.describe("The person says they are safe now: `sudah aman`."),
    past: phrases.describe("Words that put what follows in the past: `dulu`, `pernah`."),
    neutral: phrases.describe("Everyday phrases with a danger-like word: `rumah sakit`."),
    facts: named.describe("Facts a message may state, by name: `beaten`, `passport_held`."),
    numbers: z
      .record(z.string().regex(/^\d+$/), phrases)
      .default({})
      .describe("Ways of saying how many people: `1: [sendiri]`, `2: [berdua]`."),
    number_words: z
      .array(z.string().regex(/^[^=\s]+=([*+]?\d+)$/, "write `word=5`, `word=*10` or `word=+10`"))
      .default([])
      .describe("Number words: units (`lima=5`), times (`puluh=*10`), plus (`belas=+10`)."),
    ordinals: z
      .record(z.string().regex(/^\d+$/), phrases)
      .default({})
      .describe("Answers by position: `3: [ketiga, yang ketiga]`."),
    intents: named.describe("Training phrases of each intent: `help`, `family`, `question_cost`."),
  })
  .strict();

export type Vocabulary = z.infer<typeof vocabularySchema>;

/** `locales/<lng>/keywords.json`: words that work at any step, and short answers. */
export const keywordsSchema = z
  .object({
    intents: z
      .object({
        emergency: phrases,
        human: phrases,
        language: phrases,
        menu: phrases,
        erase: phrases,
        stop: phrases,
      })
      .strict()
      .describe("Always-working words, counted when a message is little more than one."),
    skip: phrases.describe("Declining an optional question: `lewati`, `skip`."),
    dont_know: phrases.describe("`tidak tahu`, `no idea`."),
    quick_exit: phrases.describe("Default quick-exit words, typed alone: `cuaca`."),
    yes: phrases.describe("Short yes answers to a confirming question: `iya`, `betul`."),
    no: phrases.describe("Short no answers to a confirming question: `bukan`, `salah`."),
  })
  .strict();

export type Keywords = z.infer<typeof keywordsSchema>;

/**
 * NLP.js stemmers by language. A language without one here still works, by exact words and
 * typos only: add its `@nlpjs/lang-xx` stemmer here to read its word forms.
 */
const STEMMERS: Readonly<Record<string, () => (word: string) => string>> = {
  id: () => {
    const s = new StemmerId();
    return (w) => s.stemWord(w);
  },
  en: () => {
    const s = new StemmerEn();
    return (w) => s.stemWord(w);
  },
};

/** The stemmer of `lang`, or the word itself when the language has none. */
export function stemmerFor(lang: string): (word: string) => string {
  const make = STEMMERS[lang];
  return make ? make() : (w) => w;
}

/** `["sy=saya", ...]` as a map from the short form to the words it stands for. */
export function slangMap(entries: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of entries) {
    const [short, full] = entry.split("=") as [string, string];
    if (!map.has(short)) map.set(short, full.trim().split(/\s+/));
  }
  return map;
}
