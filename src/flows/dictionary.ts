/**
 * Words of a language that are words in their own right: a typed word found here is never
 * read as a typo of a phrase word ("tenang" is not "tendang", "taped" is not "raped").
 * Indonesian: Sastrawi's dictionary of root words (with its stemmer, so "ditenangkan" is
 * known too); English: the `word-list` package's 275,000 words, read once at start-up.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Stemmer } from "sastrawijs";

/** Whether `word` (lowercase) is a word of some language the helpline reads. */
export type Dictionary = (word: string) => boolean;

/** The dictionaries of Indonesian and English. */
export function loadDictionary(): Dictionary {
  const sastrawi = new Stemmer();
  const english = new Set(readFileSync(englishWordsPath(), "utf8").split("\n"));
  return (word) => english.has(word) || sastrawi.find(word) || sastrawi.find(sastrawi.stem(word));
}

function englishWordsPath(): string {
  // `word-list` exports the path of its plain-text list.
  return createRequire(import.meta.url)("word-list") as string;
}
