/**
 * Every word a person reads, from `locales/<lng>/<namespace>.json`, through i18next.
 * One i18next instance, never switched globally: each call names its language.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import i18next, { type i18n, type Resource } from "i18next";
import type { Lang, Texts } from "../engine/types.js";

/** A locale file that is missing, unreadable or not JSON. */
export class LocaleError extends Error {
  override readonly name = "LocaleError";
}

/**
 * Read every `locales/<lng>/<ns>.json`. Languages are the folder names.
 *
 * @throws LocaleError naming the file when one is not valid JSON.
 */
export function readLocales(dir: string): Resource {
  const resources: Resource = {};
  for (const lng of readdirSync(dir, { withFileTypes: true })) {
    if (!lng.isDirectory()) continue;
    const namespaces: Record<string, object> = {};
    for (const file of readdirSync(join(dir, lng.name))) {
      if (!file.endsWith(".json")) continue;
      const path = join(dir, lng.name, file);
      try {
        namespaces[basename(file, ".json")] = JSON.parse(readFileSync(path, "utf8"));
      } catch (err) {
        throw new LocaleError(`${path}: not valid JSON (${(err as Error).message})`);
      }
    }
    resources[lng.name] = namespaces;
  }
  return resources;
}

/**
 * Texts over i18next. `languages` lists the helpline's languages, the first being the
 * default while a person's language is unknown.
 *
 * @example
 * const texts = createTexts(readLocales("locales"), ["id", "en"]);
 * texts.t("en", "common:waiting")
 */
export function createTexts(resources: Resource, languages: readonly Lang[]): Texts {
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources,
    initAsync: false,
    lng: languages[0],
    supportedLngs: [...languages],
    fallbackLng: false,
    ns: Object.keys(resources[languages[0] as string] ?? {}),
    nsSeparator: ":",
    keySeparator: ".",
    // Texts are plain; channels escape for their own markup (Telegram HTML).
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map(languages.map((lng) => [lng, instance.getFixedT(lng)]));
  const translate = (lng: Lang, key: string, vars?: Record<string, string | number>): string => {
    const t = fixed.get(lng) ?? fixed.get(languages[0] as string);
    return t ? (t(key, vars) as string) : key;
  };
  // Texts never change after start-up, and resolving a key through i18next costs more than
  // the rest of a step together: remember every plain (variable-free) text once resolved.
  const plain = new Map<Lang, Map<string, string>>(languages.map((lng) => [lng, new Map()]));
  return {
    languages,
    t(lng, key, vars) {
      const known = plain.get(lng);
      if (vars || !known) return translate(lng, key, vars);
      let text = known.get(key);
      if (text === undefined) {
        text = translate(lng, key);
        known.set(key, text);
      }
      return text;
    },
    list(lng, key) {
      const value = instance.getResource(lng, ...splitKey(key));
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
    },
    has(lng, key) {
      return instance.getResource(lng, ...splitKey(key)) !== undefined;
    },
  };
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(":");
  return [key.slice(0, i), key.slice(i + 1)];
}
