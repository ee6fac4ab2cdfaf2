/**
 * Directory facts as short text for small phone screens: the hotline first, one line per
 * contact, every word from `locales/<lng>/directory.json`. Entries on hold or marked
 * do-not-use are never shown.
 */
import type { Lang, PlaceAnswer, Texts } from "../engine/types.js";
import type { Confidence, Contact, DirectoryData, Mission } from "./schema.js";

/** The blocks flows may show besides `contact:<id>`. */
export const BLOCKS = ["mission", "mission_address", "local_emergency", "national"] as const;

/** Fixed text keys; labels, mission, country and notice names are added per entry. */
export const TEXT = {
  missionHeading: "directory:heading.mission",
  addressHeading: "directory:heading.mission_address",
  nationalHeading: "directory:heading.national",
  alsoHeading: "directory:heading.also",
  localHeading: "directory:heading.local_emergency",
  localCaution: "directory:caution.local_police",
  line: "directory:line",
  lineUnconfirmed: "directory:line_unconfirmed",
  labelUnconfirmed: "directory:label_unconfirmed",
  range: "directory:range",
} as const;

/** Text keys per entry: a contact label, a mission or country name, a notice. */
export const labelKey = (label: string): string => `directory:label.${label}`;
export const missionKey = (id: string): string => `directory:mission.${id}`;
export const countryKey = (code: string): string => `directory:country.${code}`;
export const noticeKey = (notice: string): string => `directory:notice.${notice}`;

/** Every text key rendering can use, so start-up fails on a missing one, not a chat. */
export function requiredTextKeys(data: DirectoryData): string[] {
  const keys = new Set<string>(Object.values(TEXT));
  const shown = (c: Contact): boolean => c.status !== "do_not_use";
  for (const m of data.missions) {
    keys.add(missionKey(m.id));
    if (m.notice) keys.add(noticeKey(m.notice));
    for (const c of m.contacts.filter(shown)) keys.add(labelKey(c.label));
  }
  for (const c of data.national.contacts.filter(shown)) keys.add(labelKey(c.label));
  for (const entry of Object.values(data.emergency)) {
    for (const c of entry.contacts.filter(shown)) keys.add(labelKey(c.label));
  }
  for (const c of data.countries) keys.add(countryKey(c.code));
  return [...keys];
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/**
 * How a mission is reached, best first: anything marked `show_first`, then hotlines,
 * then other phones, each by confidence; file order breaks ties.
 */
export function callOrder(contacts: readonly Contact[]): Contact[] {
  const rank = (c: Contact): number[] => [
    c.show_first ? 0 : 1,
    c.hotline ? 0 : 1,
    CONFIDENCE_RANK[c.confidence],
  ];
  const callable = contacts.filter(
    (c) => c.status === "active" && (c.kind === "phone" || c.kind === "whatsapp"),
  );
  return callable
    .map((c, i) => ({ c, key: [...rank(c), i] }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ c }) => c);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Decides which mission serves a person; see `missionFor` in index.ts. */
export type MissionFor = (country: string | undefined, placeId?: string) => string | undefined;

/** Renders blocks over checked data; lookups are built once. */
export class BlockRenderer {
  readonly #texts: Texts;
  readonly #data: DirectoryData;
  readonly #missionFor: MissionFor;
  readonly #contacts = new Map<string, Contact>();
  readonly #missions: Map<string, Mission>;

  constructor(data: DirectoryData, texts: Texts, missionFor: MissionFor) {
    this.#data = data;
    this.#texts = texts;
    this.#missionFor = missionFor;
    const all = [...data.missions.flatMap((m) => m.contacts), ...data.national.contacts];
    for (const e of Object.values(data.emergency)) all.push(...e.contacts);
    for (const c of all) this.#contacts.set(c.id, c);
    this.#missions = new Map(data.missions.map((m) => [m.id, m]));
  }

  /** A contact by id, whatever its status. */
  contact(id: string): Contact | undefined {
    return this.#contacts.get(id);
  }

  /** The block's lines, or undefined when there is nothing (safe) to show. */
  render(lng: Lang, block: string, place: PlaceAnswer | undefined): string | undefined {
    const missionId = this.#missionFor(place?.country, place?.id);
    const mission = missionId ? this.#missions.get(missionId) : undefined;
    if (block === "mission") return mission ? this.#mission(lng, mission) : this.#national(lng);
    if (block === "mission_address") return mission ? this.#address(lng, mission) : undefined;
    if (block === "local_emergency") return this.#local(lng, place?.country);
    if (block === "national") return this.#national(lng);
    if (!block.startsWith("contact:")) return undefined;
    const c = this.#contacts.get(block.slice("contact:".length));
    return c?.status === "active" ? contactLine(this.#texts, lng, c) : undefined;
  }

  #lines(lng: Lang, list: readonly (Contact | undefined)[]): string[] {
    return list
      .filter((c): c is Contact => c?.status === "active")
      .map((c) => contactLine(this.#texts, lng, c));
  }

  #byIds(ids: readonly string[]): (Contact | undefined)[] {
    return ids.map((id) => this.#contacts.get(id));
  }

  #national(lng: Lang): string {
    const heading = this.#texts.t(lng, TEXT.nationalHeading);
    return [heading, ...this.#lines(lng, this.#byIds(this.#data.national.blocks.national))].join(
      "\n",
    );
  }

  #mission(lng: Lang, m: Mission): string {
    const t = this.#texts;
    const out = [t.t(lng, TEXT.missionHeading, { mission: t.t(lng, missionKey(m.id)) })];
    out.push(...this.#lines(lng, callOrder(m.contacts)));
    if (m.notice) out.push(t.t(lng, noticeKey(m.notice)));
    const also = this.#lines(lng, this.#byIds(m.also_show ?? []));
    if (also.length > 0) out.push(t.t(lng, TEXT.alsoHeading), ...also);
    return out.join("\n");
  }

  #address(lng: Lang, m: Mission): string | undefined {
    const address = m.contacts.find((c) => c.kind === "address" && c.status === "active");
    if (!address) return undefined;
    const heading = this.#texts.t(lng, TEXT.addressHeading, {
      mission: this.#texts.t(lng, missionKey(m.id)),
    });
    return [heading, contactLine(this.#texts, lng, address)].join("\n");
  }

  /** The caution comes first: local police are an option, never the first step. */
  #local(lng: Lang, country: string | undefined): string | undefined {
    const numbers = this.#lines(
      lng,
      country ? (this.#data.emergency[country]?.contacts ?? []) : [],
    );
    if (!country || numbers.length === 0) return undefined;
    const t = this.#texts;
    const heading = t.t(lng, TEXT.localHeading, { country: t.t(lng, countryKey(country)) });
    return [t.t(lng, TEXT.localCaution), heading, ...numbers].join("\n");
  }
}

/**
 * One line: "Label: value". Low confidence says "not yet confirmed" rather than hiding the
 * number: a frightened person should still have something to try.
 */
export function contactLine(texts: Texts, lng: Lang, c: Contact): string {
  const label = texts.t(lng, labelKey(c.label));
  const unconfirmed = c.confidence === "low";
  if (c.value === undefined)
    return unconfirmed ? texts.t(lng, TEXT.labelUnconfirmed, { label }) : label;
  const value = c.to ? texts.t(lng, TEXT.range, { from: c.value, to: c.to }) : c.value;
  return texts.t(lng, unconfirmed ? TEXT.lineUnconfirmed : TEXT.line, { label, value });
}
