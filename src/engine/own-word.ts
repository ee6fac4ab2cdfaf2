import { Typed } from "./text-match.js";

/**
 * A person's own quick-exit or duress word as stored and compared: case, accents, stretched
 * letters and punctuation aside ("Kopi Susu!!" is "kopi susu").
 */
export function ownWord(text: string): string {
  return Typed.of(text).words.join(" ");
}
