/**
 * Directory facts as short text for small phone screens: the hotline first, one line per
 * kind of contact, every word from `locales/<lng>/directory.json`. Entries on hold or
 * marked do-not-use are never shown.
 */
import type { Lang, PlaceAnswer, Texts } from "../engine/types.js";
import { alsoMissionsFor, missionFor } from "./route.js";
import type { Confidence, Contact, DirectoryData, Mission } from "./schema.js";

/** The blocks flows may show besides `contact:<id>`. */
export const BLOCKS = ["mission", "mission_address", "local_emergency", "national"] as const;

/**
 * The longest message a person gets (DESIGN.md). Flows show the `mission` block with
 * `local_emergency` (or `mission_address`) in one message, so the pair must fit.
 */
export const MAX_MESSAGE = 500;

/** Fixed text keys; labels, mission, country and notice names are added per entry. */
export const TEXT = {
  missionHeading: "directory:heading.mission",
  addressHeading: "directory:heading.mission_address",
  nationalHeading: "directory:heading.national",
  notServed: "directory:heading.not_served",
  alsoHeading: "directory:heading.also",
  alsoMissionHeading: "directory:heading.also_mission",
  localHeading: "directory:heading.local_emergency",
  localCaution: "directory:caution.local_police",
  line: "directory:line",
  lineUnconfirmed: "directory:line_unconfirmed",
  lineOf: "directory:line_of",
  labelUnconfirmed: "directory:label_unconfirmed",
  range: "directory:range",
  listSeparator: "directory:list_separator",
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

const isCallable = (c: Contact): boolean =>
  c.status === "active" && (c.kind === "phone" || c.kind === "whatsapp");

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
  return contacts
    .filter(isCallable)
    .map((c, i) => ({ c, key: [...rank(c), i] }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ c }) => c);
}

/** A mission's hotlines; a mission with none is reached by its best number instead. */
function hotlines(m: Mission): Contact[] {
  const ordered = callOrder(m.contacts);
  const marked = ordered.filter((c) => c.hotline);
  return marked.length > 0 ? marked : ordered.slice(0, 1);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Renders blocks over checked data; lookups are built once. */
export class BlockRenderer {
  readonly #texts: Texts;
  readonly #data: DirectoryData;
  readonly #contacts = new Map<string, Contact>();
  /** The mission a contact belongs to, to name it when another mission shows it. */
  readonly #owner = new Map<string, string>();
  readonly #missions: Map<string, Mission>;
  readonly #countries: Set<string>;

  constructor(data: DirectoryData, texts: Texts) {
    this.#data = data;
    this.#texts = texts;
    for (const m of data.missions) {
      for (const c of m.contacts) {
        this.#contacts.set(c.id, c);
        this.#owner.set(c.id, m.id);
      }
    }
    for (const c of data.national.contacts) this.#contacts.set(c.id, c);
    for (const e of Object.values(data.emergency))
      for (const c of e.contacts) this.#contacts.set(c.id, c);
    this.#missions = new Map(data.missions.map((m) => [m.id, m]));
    this.#countries = new Set(data.countries.map((c) => c.code));
  }

  /** A contact by id, whatever its status. */
  contact(id: string): Contact | undefined {
    return this.#contacts.get(id);
  }

  /** The block's lines, or undefined when there is nothing (safe) to show. */
  render(lng: Lang, block: string, place: PlaceAnswer | undefined): string | undefined {
    const mission = this.#serving(place);
    if (block === "mission") {
      return mission ? this.#mission(lng, mission, place) : this.#national(lng, place?.country);
    }
    if (block === "mission_address") return mission ? this.#address(lng, mission) : undefined;
    if (block === "local_emergency") return this.#local(lng, place?.country);
    if (block === "national") return this.#national(lng);
    if (!block.startsWith("contact:")) return undefined;
    const c = this.#contacts.get(block.slice("contact:".length));
    return c?.status === "active" ? contactLine(this.#texts, lng, c) : undefined;
  }

  #serving(place: PlaceAnswer | undefined): Mission | undefined {
    const id = missionFor(this.#data, place?.country, place?.id);
    return id ? this.#missions.get(id) : undefined;
  }

  /** Active contacts' lines; contacts of one label and confidence share a line. */
  #lines(lng: Lang, list: readonly (Contact | undefined)[], shownBy?: Mission): string[] {
    const active = list.filter((c): c is Contact => c?.status === "active");
    return groupByLabel(active, (c) => this.#owner.get(c.id)).map((group) => {
      const line = groupLine(this.#texts, lng, group);
      const owner = this.#owner.get(group[0]?.id ?? "");
      if (!shownBy || owner === undefined || owner === shownBy.id) return line;
      return this.#texts.t(lng, TEXT.lineOf, { mission: this.#name(lng, owner), line });
    });
  }

  #byIds(ids: readonly string[]): (Contact | undefined)[] {
    return ids.map((id) => this.#contacts.get(id));
  }

  #name(lng: Lang, missionId: string): string {
    return this.#texts.t(lng, missionKey(missionId));
  }

  /**
   * The national channels, when no mission serves the person. A person in a country the
   * directory does not know is told so, rather than given channels as if they fitted.
   */
  #national(lng: Lang, country?: string): string {
    const t = this.#texts;
    const out = country && !this.#countries.has(country) ? [t.t(lng, TEXT.notServed)] : [];
    out.push(t.t(lng, TEXT.nationalHeading));
    out.push(...this.#lines(lng, this.#byIds(this.#data.national.blocks.national)));
    return out.join("\n");
  }

  /**
   * The serving mission in full, then any mission across the border. When the message
   * would pass {@link MAX_MESSAGE}, the other mission is cut to its name and hotline, and
   * if that is not enough the channels shown only for want of a hotline (`also_show`) go;
   * the serving mission's own numbers and notice always stay.
   */
  #mission(lng: Lang, m: Mission, place: PlaceAnswer | undefined): string {
    const t = this.#texts;
    const own = [t.t(lng, TEXT.missionHeading, { mission: this.#name(lng, m.id) })];
    own.push(...this.#lines(lng, callOrder(m.contacts)));
    if (m.notice) own.push(t.t(lng, noticeKey(m.notice)));
    const also = this.#lines(lng, this.#byIds(m.also_show ?? []), m);
    const extra = also.length > 0 ? [t.t(lng, TEXT.alsoHeading), ...also] : [];
    const budget = MAX_MESSAGE - this.#companionLength(lng, m, place);
    const withExtra = this.#withOthers(lng, [...own, ...extra], place, budget);
    return fits(withExtra, budget) || extra.length === 0
      ? withExtra.join("\n")
      : this.#withOthers(lng, own, place, budget).join("\n");
  }

  /** Each mission across the border in full when the lines still fit, else its hotline. */
  #withOthers(
    lng: Lang,
    lines: readonly string[],
    place: PlaceAnswer | undefined,
    budget: number,
  ): string[] {
    const out = [...lines];
    for (const other of this.#others(place)) {
      const full = this.#across(lng, other, callOrder(other.contacts));
      out.push(
        ...(fits([...out, ...full], budget) ? full : this.#across(lng, other, hotlines(other))),
      );
    }
    return out;
  }

  #others(place: PlaceAnswer | undefined): Mission[] {
    return alsoMissionsFor(this.#data, place?.country, place?.id)
      .map((id) => this.#missions.get(id))
      .filter((m): m is Mission => m !== undefined);
  }

  /** "Kalau berada di Thailand, hubungi KBRI Bangkok:" and the given numbers. */
  #across(lng: Lang, m: Mission, contacts: readonly Contact[]): string[] {
    const heading = this.#texts.t(lng, TEXT.alsoMissionHeading, {
      country: this.#texts.t(lng, countryKey(m.country)),
      mission: this.#name(lng, m.id),
    });
    return [heading, ...this.#lines(lng, contacts)];
  }

  /** What flows show in the same message as the mission block, with its blank line. */
  #companionLength(lng: Lang, m: Mission, place: PlaceAnswer | undefined): number {
    const companions = [this.#local(lng, place?.country), this.#address(lng, m)];
    return Math.max(0, ...companions.map((c) => (c === undefined ? 0 : c.length + 2)));
  }

  #address(lng: Lang, m: Mission): string | undefined {
    const address = m.contacts.find((c) => c.kind === "address" && c.status === "active");
    if (!address) return undefined;
    const heading = this.#texts.t(lng, TEXT.addressHeading, { mission: this.#name(lng, m.id) });
    return [heading, contactLine(this.#texts, lng, address)].join("\n");
  }

  /**
   * The caution comes first: local police are an option, never the first step. A country
   * listed with no confirmed number (Myanmar) gets the caution alone.
   */
  #local(lng: Lang, country: string | undefined): string | undefined {
    const entry = country ? this.#data.emergency[country] : undefined;
    if (!country || !entry) return undefined;
    const t = this.#texts;
    const numbers = this.#lines(lng, entry.contacts);
    if (numbers.length === 0) return t.t(lng, TEXT.localCaution);
    const heading = t.t(lng, TEXT.localHeading, { country: t.t(lng, countryKey(country)) });
    return [t.t(lng, TEXT.localCaution), heading, ...numbers].join("\n");
  }
}

function fits(lines: readonly string[], budget: number): boolean {
  return lines.join("\n").length <= budget;
}

/** Contacts of one owner, label and confidence class, in first-seen order. */
function groupByLabel(
  contacts: readonly Contact[],
  ownerOf: (c: Contact) => string | undefined,
): Contact[][] {
  const groups = new Map<string, Contact[]>();
  for (const c of contacts) {
    const key = `${ownerOf(c)}|${c.label}|${c.confidence === "low"}|${c.value === undefined}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()];
}

/** "Office phone: +855 23 217 934, +855 23 216 148": one label, its values listed. */
function groupLine(texts: Texts, lng: Lang, group: readonly Contact[]): string {
  const [first, ...rest] = group;
  if (!first) return "";
  if (rest.length === 0) return contactLine(texts, lng, first);
  const separator = texts.t(lng, TEXT.listSeparator);
  const value = group.map((c) => valueText(texts, lng, c)).join(separator);
  return contactLine(texts, lng, { ...first, value, to: undefined });
}

function valueText(texts: Texts, lng: Lang, c: Contact): string {
  const value = c.value ?? "";
  return c.to ? texts.t(lng, TEXT.range, { from: value, to: c.to }) : value;
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
  const value = valueText(texts, lng, c);
  return texts.t(lng, unconfirmed ? TEXT.lineUnconfirmed : TEXT.line, { label, value });
}
