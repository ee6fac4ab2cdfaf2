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
  const english = sortedWords(readFileSync(englishWordsPath(), "utf8"));
  return (word) =>
    inSorted(english, word) || sastrawi.find(word) || sastrawi.find(sastrawi.stem(word));
}

function englishWordsPath(): string {
  // `word-list` exports the path of its plain-text list.
  return createRequire(import.meta.url)("word-list") as string;
}

/**
 * The list's lines in code-unit order. The file is sorted but for a few pairs; putting
 * those right costs a pass, where a 275,000-entry Set would cost half a second at start-up.
 */
function sortedWords(text: string): string[] {
  const words = text.split("\n");
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    let j = i - 1;
    while (j >= 0 && (words[j] as string) > w) {
      words[j + 1] = words[j] as string;
      j -= 1;
    }
    words[j + 1] = w;
  }
  return words;
}

function inSorted(words: readonly string[], word: string): boolean {
  let lo = 0;
  let hi = words.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = words[mid] as string;
    if (w === word) return true;
    if (w < word) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
