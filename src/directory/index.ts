/**
 * The offline directory as the engine sees it: where a person is, which Indonesian
 * mission serves them, and how to reach it. Built once at start-up from checked data.
 */
import type { DirectoryView, Texts } from "../engine/types.js";
import { DirectoryError, type DirectoryProblem } from "./load.js";
import { createPlaceResolver } from "./places.js";
import { BLOCKS, BlockRenderer, requiredTextKeys } from "./render.js";
import { type DirectoryData, nameText } from "./schema.js";

export {
  type AuditOptions,
  type AuditReport,
  type AuditRow,
  ageDays,
  auditContacts,
  formatAudit,
} from "./audit.js";
export {
  allContacts,
  DirectoryError,
  type DirectoryProblem,
  formatDirectoryProblem,
  type LocatedContact,
  loadDirectory,
} from "./load.js";
export type { Contact, DirectoryData, Mission, Place } from "./schema.js";

/**
 * Which mission serves a person: a place's own mission (a consulate such as KJRI Davao)
 * when the place is in the person's country, else the country's.
 */
export function missionFor(
  data: DirectoryData,
  country: string | undefined,
  placeId?: string,
): string | undefined {
  const countryMission = (code: string): string | undefined =>
    data.countries.find((c) => c.code === code)?.mission ?? undefined;
  const place = placeId ? data.places.find((p) => p.id === placeId) : undefined;
  if (place && (country === undefined || place.country === country)) {
    return place.mission ?? countryMission(place.country);
  }
  return country ? countryMission(country) : undefined;
}

/**
 * Text keys rendering needs that a language lacks. Checked at start-up because i18next
 * would otherwise show the raw key to a frightened person.
 */
export function missingTexts(data: DirectoryData, texts: Texts): DirectoryProblem[] {
  const problems: DirectoryProblem[] = [];
  for (const lng of texts.languages) {
    for (const key of requiredTextKeys(data)) {
      if (texts.has(lng, key)) continue;
      const [ns, path] = key.split(":") as [string, string];
      problems.push({
        file: `locales/${lng}/${ns}.json`,
        entry: path,
        field: "",
        message: "missing text",
      });
    }
  }
  return problems;
}

/**
 * The directory view the engine consumes.
 *
 * @throws DirectoryError when a text the directory renders is missing in a language.
 */
export function createDirectory(data: DirectoryData, texts: Texts): DirectoryView {
  const missing = missingTexts(data, texts);
  if (missing.length > 0) throw new DirectoryError(missing);
  const places = createPlaceResolver(data);
  const serving = (country: string | undefined, placeId?: string): string | undefined =>
    missionFor(data, country, placeId);
  const renderer = new BlockRenderer(data, texts, serving);
  const countries = new Set(data.countries.map((c) => c.code));
  const blocks = new Set<string>(BLOCKS);
  const rendered = new Map<string, string | undefined>();
  return {
    placeFromText: (text) => places.fromText(text),
    placeFromPoint: (lat, lon) => places.fromPoint(lat, lon),
    missionFor: serving,
    render: (lng, block, place) => {
      // A block's text depends only on the language and the mission it routes to; the
      // same few blocks are shown to many people, so each is rendered once.
      const key = `${lng}|${block}|${place?.country ?? ""}|${place?.id ?? ""}`;
      if (!rendered.has(key)) rendered.set(key, renderer.render(lng, block, place));
      return rendered.get(key);
    },
    hasBlock(block) {
      if (blocks.has(block)) return true;
      if (!block.startsWith("contact:")) return false;
      const status = renderer.contact(block.slice("contact:".length))?.status;
      return status !== undefined && status !== "do_not_use";
    },
    hasCountry: (code) => countries.has(code),
    placeName: (id) => {
      const first = data.places.find((p) => p.id === id)?.names[0];
      return first === undefined ? undefined : nameText(first);
    },
  };
}
