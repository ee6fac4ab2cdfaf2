/**
 * Which missions serve a person, from where they are: the serving mission, and at border
 * places the mission across the river as well (see docs/decisions/0011).
 */
import type { DirectoryData, Place } from "./schema.js";

/** The place, when it applies: a known place in the person's country (or the country is unknown). */
function placeIn(
  data: DirectoryData,
  country: string | undefined,
  placeId: string | undefined,
): Place | undefined {
  const place = placeId ? data.places.find((p) => p.id === placeId) : undefined;
  return place && (country === undefined || place.country === country) ? place : undefined;
}

function countryMission(data: DirectoryData, code: string): string | undefined {
  return data.countries.find((c) => c.code === code)?.mission ?? undefined;
}

/**
 * Which mission serves a person: a place's own mission (a consulate such as KJRI Davao)
 * when the place is in the person's country, else the country's.
 *
 * @example missionFor(data, "PH", "davao") === "kjri_davao"
 */
export function missionFor(
  data: DirectoryData,
  country: string | undefined,
  placeId?: string,
): string | undefined {
  const place = placeIn(data, country, placeId);
  if (place) return place.mission ?? countryMission(data, place.country);
  return country ? countryMission(data, country) : undefined;
}

/**
 * Missions shown after the serving one, at a border place where people cross a river
 * (KK Park: KBRI Bangkok as well). Empty elsewhere.
 *
 * @example alsoMissionsFor(data, "MM", "kk_park") // ["kbri_bangkok"]
 */
export function alsoMissionsFor(
  data: DirectoryData,
  country: string | undefined,
  placeId?: string,
): string[] {
  const serving = missionFor(data, country, placeId);
  const listed = placeIn(data, country, placeId)?.also_missions ?? [];
  return listed.filter((id) => id !== serving);
}
