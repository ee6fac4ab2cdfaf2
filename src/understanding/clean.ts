/**
 * Making text comparable before anything reads it: Unicode compatibility forms, invisible
 * characters, look-alike letters from other scripts, accents, case and stretched letters.
 * Every step is one pass over the text, so a long message costs in proportion to its length.
 */

/** Longest text read, counted after cleaning (a Telegram or WhatsApp message at most). */
export const MAX_READ_CHARS = 4096;

/**
 * Cyrillic and Greek letters that look like Latin ones: "tоlong" with a Cyrillic "о" is
 * still "tolong". Only letters drawn alike in common phone fonts are listed.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ɡ: "g",
  α: "a",
  β: "b",
  ε: "e",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
};

/** Symbols that stand for a word people would otherwise type. */
const SYMBOL_WORDS: Readonly<Record<string, string>> = { "🆘": " sos ", "👍": " ok " };

/**
 * Printable ASCII and line breaks, and emoji (astral characters, the variation selector and
 * the zero-width joiner that build them): nothing to decompose or look alike.
 */
const ASCII_OR_EMOJI = /^(?:[\t\n\r\x20-\x7e\ud800-\udfff]|\ufe0f|\u200d)*$/;
const EMOJI_JOINERS = /\ufe0f|\u200d/g;
const INVISIBLE_OR_MARK = /[\p{Cf}\p{M}]/gu;
/** Apostrophes inside words go ("can't" -> "cant", "i'm" -> "im"), as people often omit them. */
const APOSTROPHE = /(?<=\p{L})['’`](?=\p{L})/gu;
/** A letter typed three or more times in a row ("tolooong", "pleaseee"). */
const STRETCHED = /(\p{L})\1{2,}/gu;
/** Look-alike letters and symbols that stand for words, replaced in one pass. */
const SUBSTITUTED = new RegExp(
  [...Object.keys(LOOK_ALIKES), ...Object.keys(SYMBOL_WORDS)].map(escapeRegExp).join("|"),
  "gu",
);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Clean a message for reading. Cut to {@link MAX_READ_CHARS} only after cleaning, so a
 * message padded with invisible or compatibility characters reads like the plain text.
 *
 * @example cleanText("TOLOOONG\u200B!!") === "tolong!!"
 */
export function cleanText(raw: string): string {
  // Bound the work before Unicode normalisation: no message a person writes is this long.
  const bounded = raw.length > MAX_READ_CHARS * 4 ? raw.slice(0, MAX_READ_CHARS * 4) : raw;
  // Most messages are plain ASCII, perhaps with emoji: nothing to decompose.
  if (ASCII_OR_EMOJI.test(bounded)) {
    const text = bounded
      .toLowerCase()
      .replace(EMOJI_JOINERS, "")
      .replace(SUBSTITUTED, (c) => SYMBOL_WORDS[c] ?? c)
      .replace(APOSTROPHE, "")
      .replace(STRETCHED, "$1");
    return text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text;
  }
  // One decomposition does both: compatibility forms ("ｔｏｌｏｎｇ") and accents apart.
  const text = bounded
    .normalize("NFKD")
    .toLowerCase()
    .replace(INVISIBLE_OR_MARK, "")
    .replace(SUBSTITUTED, (c) => LOOK_ALIKES[c] ?? SYMBOL_WORDS[c] ?? c)
    .replace(APOSTROPHE, "")
    .replace(STRETCHED, "$1");
  return text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text;
}

/** Whether the text holds any letter or digit at all (not only emoji or punctuation). */
export function hasWords(cleaned: string): boolean {
  return /[\p{L}\p{N}]/u.test(cleaned);
}
