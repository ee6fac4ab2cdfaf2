/**
 * Where is the person? From a typed name ("Poipet", "KK Park", "kamboja", "sihanoukvile")
 * or a shared pin, offline: a person in a compound may have seconds of signal, and a pin
 * must never leave the machine to be looked up.
 */
import { iso1A2Code } from "@rapideditor/country-coder";
import { normalize, PhraseMatcher, Typed, words } from "../engine/text-match.js";
import type { PlaceMatch } from "../engine/types.js";
import { type DirectoryData, type LatLon, nameText, type Place, type PlaceName } from "./schema.js";

/** A pin further than this from every known place gets the country only. */
export const NEAREST_PLACE_KM = 50;

/** Resolves typed names and pins; built once at start-up. */
export interface PlaceResolver {
  fromText(text: string): PlaceMatch;
  fromPoint(lat: number, lon: number): PlaceMatch;
}

interface Target {
  /** Undefined for a country name. */
  place?: Place;
  country: string;
  /** Gazetteer order: the tie-breaker between places of one country. */
  order: number;
  /** The name's words, to tell an exact spelling from a forgiven typo. */
  words: string[];
  /** Whether a one-letter typo may count (false for Pasay, which "pasar" would hit). */
  typos: boolean;
}

/**
 * Build the resolver. Matchers are precomputed so a surge of messages pays nothing
 * but the match itself.
 */
export function createPlaceResolver(data: DirectoryData): PlaceResolver {
  const matcher = buildMatcher(data);
  const located = data.places.filter(
    (p): p is Place & { coords: LatLon } => p.coords !== undefined,
  );
  const areas = data.places.filter((p) => p.area !== undefined);
  return {
    fromText: (text) => resolveText(matcher, text),
    fromPoint: (lat, lon) => resolvePoint(located, areas, lat, lon),
  };
}

function buildMatcher(data: DirectoryData): PhraseMatcher<Target> {
  const m = new PhraseMatcher<Target>();
  const add = (name: PlaceName, target: Omit<Target, "words" | "typos">): void => {
    const text = nameText(name);
    const typos = typeof name === "string" || name.typos;
    m.add(text, { ...target, words: words(normalize(text)), typos });
  };
  data.countries.forEach((c, order) => {
    for (const n of c.names) add(n, { country: c.code, order });
  });
  data.places.forEach((place, order) => {
    for (const n of place.names) add(n, { place, country: place.country, order });
  });
  return m;
}

interface Scored {
  target: Target;
  length: number;
  exact: boolean;
}

/**
 * Places beat countries ("Mae Sot, Thailand" -> Mae Sot), longer names beat shorter ones
 * ("KK Park, Myawaddy" -> KK Park), exact spellings beat forgiven typos. Names from two
 * countries mean we ask again rather than send someone to the wrong embassy.
 */
function resolveText(matcher: PhraseMatcher<Target>, text: string): PlaceMatch {
  const read = Typed.of(text);
  const typed = read.words;
  const scored: Scored[] = matcher
    .hits(read)
    .map((h) => ({
      target: h.value,
      length: h.length,
      exact: containsExactly(typed, h.value.words),
    }))
    .filter((s) => s.exact || s.target.typos);
  const places = scored.filter((s) => s.target.place);
  const best = strongest(places.length > 0 ? places : scored);
  if (best.length === 0 || new Set(best.map((t) => t.country)).size > 1) {
    return { found: false, reason: "unknown" };
  }
  const first = best.reduce((a, b) => (b.order < a.order ? b : a));
  const exact = containsExactly(typed, first.words);
  return first.place
    ? { found: true, id: first.place.id, country: first.country, exact }
    : { found: true, country: first.country, exact };
}

/** The hits with the most words, and of those the exactly spelt ones if any. */
function strongest(pool: readonly Scored[]): Target[] {
  const longest = Math.max(0, ...pool.map((s) => s.length));
  const long = pool.filter((s) => s.length === longest);
  const exact = long.filter((s) => s.exact);
  return (exact.length > 0 ? exact : long).map((s) => s.target);
}

function containsExactly(typed: readonly string[], phrase: readonly string[]): boolean {
  for (let start = 0; start + phrase.length <= typed.length; start++) {
    if (wordsAt(typed, start, phrase)) return true;
  }
  return false;
}

/** Whether `phrase` stands in `typed` at `start` (a loop: no closure per place tried). */
function wordsAt(typed: readonly string[], start: number, phrase: readonly string[]): boolean {
  for (let k = 0; k < phrase.length; k++) if (typed[start + k] !== phrase[k]) return false;
  return true;
}

/**
 * Country from the offline border map; then the nearest known place in that country.
 * Along border rivers the map is coarse (it puts KK Park in Thailand), so a pin within a
 * place's `core_km` takes that place's country instead.
 */
function resolvePoint(
  located: readonly (Place & { coords: LatLon })[],
  areas: readonly Place[],
  lat: number,
  lon: number,
): PlaceMatch {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return { found: false, reason: "unknown" };
  }
  const core = nearest(
    located.filter((p) => p.core_km !== undefined && km(p.coords, { lat, lon }) <= p.core_km),
    lat,
    lon,
  );
  if (core) return { found: true, id: core.id, country: core.country };
  const country = iso1A2Code([lon, lat]);
  if (!country) return { found: false, reason: "at_sea" };
  const sameCountry = located.filter(
    (p) => p.country === country && km(p.coords, { lat, lon }) <= NEAREST_PLACE_KM,
  );
  const place =
    nearest(sameCountry, lat, lon) ??
    areas.find((p) => p.country === country && inArea(p, lat, lon));
  return place ? { found: true, id: place.id, country } : { found: true, country };
}

function nearest<P extends Place & { coords: LatLon }>(
  places: readonly P[],
  lat: number,
  lon: number,
): P | undefined {
  let best: P | undefined;
  let bestKm = Number.POSITIVE_INFINITY;
  for (const p of places) {
    const d = km(p.coords, { lat, lon });
    if (d < bestKm) {
      best = p;
      bestKm = d;
    }
  }
  return best;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine). */
export function km(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ray casting over the outline's [lat, lon] points; outlines are small and far from the poles. */
function inArea(place: Place, lat: number, lon: number): boolean {
  const ring = place.area ?? [];
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [latI, lonI] = ring[i] as [number, number];
    const [latJ, lonJ] = ring[j] as [number, number];
    const crosses =
      latI > lat !== latJ > lat && lon < ((lonJ - lonI) * (lat - latI)) / (latJ - latI) + lonI;
    if (crosses) inside = !inside;
  }
  return inside;
}
