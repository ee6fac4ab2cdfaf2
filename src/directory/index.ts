/**
 * The offline directory as the engine sees it: where a person is, which Indonesian
 * mission serves them, and how to reach it. Built once at start-up from checked data.
 */
import type { DirectoryView, Lang, PlaceAnswer, Texts } from "../engine/types.js";
import { DirectoryError, type DirectoryProblem } from "./load.js";
import { createPlaceResolver } from "./places.js";
import { BLOCKS, BlockRenderer, MAX_MESSAGE, requiredTextKeys } from "./render.js";
import { missionFor } from "./route.js";
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
export { MAX_MESSAGE } from "./render.js";
export { alsoMissionsFor, missionFor } from "./route.js";
export type { Contact, DirectoryData, Mission, Place } from "./schema.js";

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

/** Every place a person can be resolved to: each place, each country alone, and nowhere. */
function everywhere(data: DirectoryData): { where: string; place: PlaceAnswer | undefined }[] {
  return [
    { where: "(no place)", place: undefined },
    ...data.countries.map((c) => ({ where: c.code, place: { country: c.code } })),
    ...data.places.map((p) => ({ where: p.id, place: { id: p.id, country: p.country } })),
  ];
}

/**
 * Messages that would pass the 500-character limit: the `mission` block with what flows
 * show beside it (`local_emergency`, or `mission_address`), for every place and language.
 * Rendering already shortens a second mission to its hotline; what is still too long
 * needs shorter texts or fewer contacts.
 */
export function oversizedBlocks(
  data: DirectoryData,
  texts: Texts,
  render: (lng: Lang, block: string, place: PlaceAnswer | undefined) => string | undefined,
): DirectoryProblem[] {
  const problems: DirectoryProblem[] = [];
  for (const lng of texts.languages) {
    for (const { where, place } of everywhere(data)) {
      const mission = render(lng, "mission", place) ?? "";
      for (const companion of ["local_emergency", "mission_address"]) {
        const extra = render(lng, companion, place);
        const length = mission.length + (extra === undefined ? 0 : extra.length + 2);
        if (length <= MAX_MESSAGE) continue;
        problems.push({
          file: "directory/places.yaml",
          entry: where,
          field: "",
          message: `in ${lng}, the mission block with ${companion} is ${length} characters; a message holds ${MAX_MESSAGE}: shorten locales/${lng}/directory.json or show fewer contacts`,
        });
      }
    }
  }
  return problems;
}

/**
 * The directory view the engine consumes.
 *
 * @throws DirectoryError when a text the directory renders is missing in a language, or
 *   when a place's contacts would not fit in one message.
 */
export function createDirectory(data: DirectoryData, texts: Texts): DirectoryView {
  const missing = missingTexts(data, texts);
  if (missing.length > 0) throw new DirectoryError(missing);
  const places = createPlaceResolver(data);
  const serving = (country: string | undefined, placeId?: string): string | undefined =>
    missionFor(data, country, placeId);
  const renderer = new BlockRenderer(data, texts);
  const countries = new Set(data.countries.map((c) => c.code));
  const blocks = new Set<string>(BLOCKS);
  const rendered = new Map<string, string | undefined>();
  const view: DirectoryView = {
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
  const oversized = oversizedBlocks(data, texts, view.render);
  if (oversized.length > 0) throw new DirectoryError(oversized);
  return view;
}
