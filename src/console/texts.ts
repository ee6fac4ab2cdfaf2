/**
 * The console's words, from `locales/<lng>/console.json`, in each user's own language.
 * Plain text: the views escape every value they put in HTML.
 */
import type { Texts } from "../engine/types.js";

/** A translator fixed to one language: `t("queue.title")`. */
export type T = (key: string, vars?: Record<string, string | number>) => string;

/** The console's languages: the helpline's, in its order. */
export function consoleLanguages(texts: Texts): readonly string[] {
  return texts.languages;
}

/** The translator for `lang` (the helpline's first language when `lang` is not one of them). */
export function translator(texts: Texts, lang: string | undefined): { lang: string; t: T } {
  const chosen = lang && texts.languages.includes(lang) ? lang : (texts.languages[0] as string);
  return { lang: chosen, t: (key, vars) => texts.t(chosen, `console:${key}`, vars) };
}
