/**
 * Loading everything the engine needs: texts, directory and flows, each checked, with
 * every problem reported at once. A broken file stops start-up here, never mid-chat.
 */
import { join } from "node:path";
import type { Resource } from "i18next";
import { createDirectory } from "../directory/index.js";
import { loadDirectory } from "../directory/load.js";
import type { Bundle } from "../engine/types.js";
import { createTexts, readLocales } from "../i18n/texts.js";
import { channelLimitProblems } from "./channel-limits.js";
import { compileFlows } from "./compile.js";
import { FlowError, type FlowProblem, readFlows } from "./load.js";
import { crossCheck } from "./validate.js";

/** Where the content lives. */
export interface ContentPaths {
  flows: string;
  locales: string;
  directory: string;
}

/**
 * Load and check flows, texts and directory.
 *
 * @param languages the helpline's languages; the first is used until a person's is known
 * @throws FlowError listing every problem in flows or texts (file, step, field), including
 *   what would not fit Telegram's or WhatsApp's limits;
 *   the directory loader throws its own error naming file, entry and field.
 */
export function loadBundle(paths: ContentPaths, languages: readonly string[]): Bundle {
  const resources = readLocales(paths.locales);
  const problems = localeProblems(resources, languages, paths.locales);
  if (problems.length > 0) throw new FlowError(problems);
  const texts = createTexts(resources, languages);
  const directory = createDirectory(loadDirectory(paths.directory), texts);
  const sources = readFlows(paths.flows);
  const crossProblems = crossCheck(sources, texts, directory);
  if (crossProblems.length > 0) throw new FlowError(crossProblems);
  const bundle = { flows: compileFlows(sources, texts), texts, directory };
  // Last: it asks every question through the engine, which needs everything above sound.
  const tooLong = channelLimitProblems(bundle, { flows: sources, localesDir: paths.locales });
  if (tooLong.length > 0) throw new FlowError(tooLong);
  return bundle;
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
