/**
 * Loading everything the engine needs: texts, directory and flows, each checked, with
 * every problem reported at once. A broken file stops start-up here, never mid-chat.
 */
import { join } from "node:path";
import type { Resource } from "i18next";
import { type Config, createConfig } from "../config.js";
import { createDirectory, type DirectoryData } from "../directory/index.js";
import { loadDirectory } from "../directory/load.js";
import { nameText } from "../directory/schema.js";
import type { Bundle, PlaceAnswer, Priority } from "../engine/types.js";
import { createTexts, readLocales } from "../i18n/texts.js";
import { cleanText } from "../understanding/clean.js";
import { Understanding } from "../understanding/index.js";
import {
  type Keywords,
  keywordsSchema,
  type Vocabulary,
  vocabularySchema,
} from "../understanding/vocabulary.js";
import { channelLimitProblems } from "./channel-limits.js";
import { compileFlows } from "./compile.js";
import { loadDictionary } from "./dictionary.js";
import { FlowError, type FlowProblem, type FlowSources, readFlows } from "./load.js";
import { messageLengthProblems } from "./message-length.js";
import { crossCheck } from "./validate.js";

/** Where the content lives. */
export interface ContentPaths {
  flows: string;
  locales: string;
  directory: string;
}

/** What the content is loaded with besides the files. */
export interface ContentOptions {
  /**
   * How soon operators aim to answer each priority, in minutes (`SLA_P*_MINUTES`): what a
   * waiting person is told. Defaults to the configuration's defaults.
   */
  waitMinutes?: Readonly<Record<Priority, number>>;
}

/** Minutes per priority from the configured SLA (what the desk re-announces after). */
export function waitMinutesOf(sla: Config["sla"]): Record<Priority, number> {
  const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));
  return {
    P1: minutes(sla.unclaimedMs.P1),
    P2: minutes(sla.unclaimedMs.P2),
    P3: minutes(sla.unclaimedMs.P3),
  };
}

/**
 * Load and check flows, texts and directory.
 *
 * @param languages the helpline's languages; the first is used until a person's is known
 * @throws FlowError listing every problem in flows or texts (file, step, field), including
 *   what would not fit Telegram's or WhatsApp's limits;
 *   the directory loader throws its own error naming file, entry and field.
 */
export function loadBundle(
  paths: ContentPaths,
  languages: readonly string[],
  options: ContentOptions = {},
): Bundle {
  const resources = readLocales(paths.locales);
  const problems = localeProblems(resources, languages, paths.locales);
  if (problems.length > 0) throw new FlowError(problems);
  const texts = createTexts(resources, languages);
  const directoryData = loadDirectory(paths.directory);
  const directory = createDirectory(directoryData, texts);
  const sources = readFlows(paths.flows);
  const vocabulary = readVocabulary(resources, languages, paths.locales);
  const crossProblems = [
    ...vocabulary.problems,
    ...crossCheck(sources, texts, directory, vocabulary.factNames),
  ];
  if (crossProblems.length > 0) throw new FlowError(crossProblems);
  const understanding = createUnderstanding(sources, resources, languages, vocabulary, {
    view: directory,
    data: directoryData,
  });
  const flows = compileFlows(sources, texts, understanding);
  const waitMinutes = options.waitMinutes ?? waitMinutesOf(createConfig({}).sla);
  const bundle = { flows, texts, directory, understanding, waitMinutes };
  // Last: it asks every question through the engine, which needs everything above sound.
  const tooLong = [
    ...channelLimitProblems(bundle, { flows: sources, localesDir: paths.locales }),
    ...messageLengthProblems(bundle, {
      flows: sources,
      localesDir: paths.locales,
      places: everywhere(directoryData),
      textKeys: sentTextKeys(resources, languages[0] as string),
    }),
  ];
  if (tooLong.length > 0) throw new FlowError(tooLong);
  return bundle;
}

interface VocabularyFiles {
  vocabularies: Map<string, Vocabulary>;
  keywords: Map<string, Keywords>;
  /** Every fact name any language knows (flows may name them in `facts:`). */
  factNames: ReadonlySet<string>;
  problems: FlowProblem[];
}

/** `understanding.json` and `keywords.json` of every language, checked. */
function readVocabulary(
  resources: Resource,
  languages: readonly string[],
  dir: string,
): VocabularyFiles {
  const out: VocabularyFiles = {
    vocabularies: new Map(),
    keywords: new Map(),
    factNames: new Set(),
    problems: [],
  };
  for (const lng of languages) {
    const ns = (resources[lng] ?? {}) as Record<string, unknown>;
    const vocabulary = vocabularySchema.safeParse(ns.understanding ?? {});
    const keywords = keywordsSchema.safeParse(ns.keywords ?? {});
    if (vocabulary.success) {
      out.vocabularies.set(lng, vocabulary.data);
      for (const fact of Object.keys(vocabulary.data.facts))
        (out.factNames as Set<string>).add(fact);
    } else out.problems.push(...issues(join(dir, lng, "understanding.json"), vocabulary.error));
    if (keywords.success) out.keywords.set(lng, keywords.data);
    else out.problems.push(...issues(join(dir, lng, "keywords.json"), keywords.error));
  }
  return out;
}

function issues(
  file: string,
  error: { issues: { path: PropertyKey[]; message: string }[] },
): FlowProblem[] {
  return error.issues.map((i) => ({ file, path: i.path.join("."), message: i.message }));
}

/** The understanding layer over the checked vocabulary, the triage table and the gazetteer. */
function createUnderstanding(
  sources: FlowSources,
  resources: Resource,
  languages: readonly string[],
  vocabulary: VocabularyFiles,
  directory: { view: ReturnType<typeof createDirectory>; data: DirectoryData },
): Understanding {
  const g = sources.global;
  const home = g.understanding.home_country;
  return new Understanding({
    languages,
    vocabularies: vocabulary.vocabularies,
    keywords: vocabulary.keywords,
    dangerFacts: new Set(
      Object.entries(g.triage.reasons)
        .filter(([, p]) => p === "P1")
        .map(([r]) => r),
    ),
    // Every word the helpline itself writes is a real word, never someone's typo.
    otherPhrases: languages.flatMap((lng) => textLeaves(resources[lng] ?? {})),
    dictionary: loadDictionary(),
    // A place named in passing must be spelt right: "aman" (safe) is not a typo of Ajman.
    placeWords: placeNameWords(directory.data),
    placeFromText: (text) => {
      const m = directory.view.placeFromText(text);
      return m.found && m.exact === true && m.country !== home
        ? { country: m.country, ...(m.id ? { id: m.id } : {}) }
        : undefined;
    },
  });
}

/** Every word of every place and country name, cleaned as messages are. */
function placeNameWords(data: DirectoryData): Set<string> {
  const names = [...data.countries.flatMap((c) => c.names), ...data.places.flatMap((p) => p.names)];
  return new Set(names.flatMap((n) => cleanText(nameText(n)).match(/[\p{L}\p{N}]+/gu) ?? []));
}

/** Every string in a locale tree. */
function textLeaves(tree: object): string[] {
  return Object.values(tree).flatMap((v) =>
    typeof v === "string"
      ? [v]
      : v !== null && typeof v === "object"
        ? textLeaves(v as object)
        : [],
  );
}

/** Each place and country the directory knows, and nowhere: what contacts differ by. */
function everywhere(data: DirectoryData): { where: string; place: PlaceAnswer | undefined }[] {
  return [
    { where: "no place", place: undefined },
    ...data.countries.map((c) => ({ where: c.code, place: { country: c.code } })),
    ...data.places.map((p) => ({ where: p.id, place: { id: p.id, country: p.country } })),
  ];
}

/** Namespaces of words people type, or that only operators and app stores read. */
const NOT_SENT = new Set(["keywords", "understanding", "operators", "telegram", "whatsapp"]);

/** Every text key the helpline may send a person (`ns:path`), lists of words aside. */
function sentTextKeys(resources: Resource, lng: string): string[] {
  const ns = (resources[lng] ?? {}) as Record<string, object>;
  return Object.entries(ns)
    .filter(([name]) => !NOT_SENT.has(name))
    .flatMap(([name, tree]) => stringPaths(tree).map((path) => `${name}:${path}`));
}

function stringPaths(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") return [path];
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? stringPaths(v as object, path)
      : [];
  });
}

/** Every language has a folder, and every text in one language exists in the others. */
function localeProblems(
  resources: Resource,
  languages: readonly string[],
  dir: string,
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const lng of languages) {
    if (!resources[lng])
      problems.push({ file: join(dir, lng), path: "", message: `no texts for language "${lng}"` });
  }
  const keysByLang = new Map(languages.map((lng) => [lng, leafKeys(resources[lng] ?? {})]));
  for (const [lng, keys] of keysByLang) {
    for (const [other, otherKeys] of keysByLang) {
      if (other === lng) continue;
      for (const key of keys) {
        if (otherKeys.has(key)) continue;
        const [ns, path] = key.split(":") as [string, string];
        problems.push({
          file: join(dir, other, `${ns}.json`),
          path,
          message: `missing (present in ${lng})`,
        });
      }
    }
  }
  return problems;
}

/** `ns:path.to.leaf` for every text; lists count as one leaf. */
function leafKeys(tree: object, prefix = ""): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix === "" ? `${k}:` : prefix.endsWith(":") ? `${prefix}${k}` : `${prefix}.${k}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const leaf of leafKeys(v, key)) out.add(leaf);
    } else {
      out.add(key);
    }
  }
  return out;
}
