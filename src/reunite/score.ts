/**
 * How likely two cases are about one person: a score from 0 to 1 and the reasons for it,
 * each shown to operators (never to the family or the person). Pure.
 *
 * The weights are set so that one strong sign suggests a match on its own (the same
 * number), a name needs something else with it (an age, a place), and what many people
 * share (a recruiter, a country, a common name) never does.
 */
import { jaroWinkler } from "@skyra/jaro-winkler";
import { allCommon, likeness, type NameLikeness } from "./names.js";
import type { MatchProfile } from "./profile.js";

/** Why two cases may be about one person; `detail` is never personal data. */
export type MatchReason =
  | { kind: "phone" }
  | { kind: "name"; detail: NameLikeness; common: boolean }
  | { kind: "age"; detail: number }
  | { kind: "country" }
  | { kind: "place" }
  | { kind: "employer" }
  | { kind: "time" };

export interface Scored {
  score: number;
  reasons: MatchReason[];
}

/** At or above this score a match is suggested to operators. */
export const SUGGEST_AT = 0.5;

const NAME_WEIGHT: Readonly<Record<NameLikeness, number>> = {
  same: 0.45,
  variant: 0.4,
  reordered: 0.4,
  first_name: 0.2,
  nickname: 0.15,
};
/** A name made only of very common parts counts this much of its weight. */
const COMMON_FACTOR = 0.5;
/** Two names given and unlike: probably two people. */
const NAMES_DIFFER = -0.25;
const WEIGHT = { phone: 0.7, age: 0.1, country: 0.1, place: 0.1, employer: 0.1, time: 0.05 };
/** Ages this far apart are two people; this close, one (ages are guessed by families). */
const AGE_CLOSE = 2;
const AGE_FAR = 5;
const AGES_DIFFER = -0.3;
const COUNTRIES_DIFFER = -0.1;
/** Cases opened this close in time fit one story. */
const TIME_FITS_MS = 120 * 24 * 60 * 60 * 1000;
const EMPLOYER_SIMILAR = 0.9;

function sharesPhone(a: MatchProfile, b: MatchProfile): boolean {
  return a.phones.some((p) => b.phones.includes(p));
}

function nameScore(a: MatchProfile, b: MatchProfile): { delta: number; reason?: MatchReason } {
  if (a.name.length === 0 || b.name.length === 0) return { delta: 0 };
  const like = likeness(a.name, b.name);
  if (!like) return { delta: NAMES_DIFFER };
  const common = allCommon(a.name.length <= b.name.length ? a.name : b.name);
  const weight = NAME_WEIGHT[like] * (common ? COMMON_FACTOR : 1);
  return { delta: weight, reason: { kind: "name", detail: like, common } };
}

function ageScore(a: MatchProfile, b: MatchProfile): { delta: number; reason?: MatchReason } {
  if (a.age === undefined || b.age === undefined) return { delta: 0 };
  const gap = Math.abs(a.age - b.age);
  if (gap <= AGE_CLOSE) return { delta: WEIGHT.age, reason: { kind: "age", detail: gap } };
  return { delta: gap > AGE_FAR ? AGES_DIFFER : 0 };
}

function placeScore(a: MatchProfile, b: MatchProfile): { delta: number; reasons: MatchReason[] } {
  if (a.place && a.place === b.place)
    return { delta: WEIGHT.place + WEIGHT.country, reasons: [{ kind: "place" }] };
  if (!a.country || !b.country) return { delta: 0, reasons: [] };
  if (a.country === b.country) return { delta: WEIGHT.country, reasons: [{ kind: "country" }] };
  return { delta: COUNTRIES_DIFFER, reasons: [] };
}

function employerAlike(a: MatchProfile, b: MatchProfile): boolean {
  if (!a.employer || !b.employer) return false;
  return a.employer === b.employer || jaroWinkler(a.employer, b.employer) >= EMPLOYER_SIMILAR;
}

/**
 * The score of two profiles and its reasons, strongest first.
 *
 * @example score(report, person) // { score: 0.8, reasons: [{ kind: "phone" }, ...] }
 */
export function score(a: MatchProfile, b: MatchProfile): Scored {
  const reasons: MatchReason[] = [];
  let total = 0;
  if (sharesPhone(a, b)) {
    total += WEIGHT.phone;
    reasons.push({ kind: "phone" });
  }
  for (const part of [nameScore(a, b), ageScore(a, b)]) {
    total += part.delta;
    if (part.reason) reasons.push(part.reason);
  }
  const where = placeScore(a, b);
  total += where.delta;
  reasons.push(...where.reasons);
  if (employerAlike(a, b)) {
    total += WEIGHT.employer;
    reasons.push({ kind: "employer" });
  }
  if (reasons.length > 0 && Math.abs(a.createdAt - b.createdAt) <= TIME_FITS_MS) {
    total += WEIGHT.time;
    reasons.push({ kind: "time" });
  }
  return { score: Math.round(Math.max(0, Math.min(1, total)) * 100) / 100, reasons };
}

/** Whether a score is worth an operator's look. */
export function suggested(s: Scored): boolean {
  return s.score >= SUGGEST_AT;
}
