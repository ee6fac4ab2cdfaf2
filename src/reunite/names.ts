/**
 * Names as matching sees them. Indonesian names are written many ways: the old spelling
 * (`Djoko`, `Soekarno`, `Tjahjo`) beside the new (`Joko`, `Sukarno`, `Cahyo`), `y` or `i`
 * (`Rizky`, `Rizki`), doubled letters (`Muhammad`, `Muhamad`), `ch`/`kh`/`h` (`Chairul`,
 * `Khairul`), a first name alone, the parts in another order, a nickname (`Kiki` for
 * `Rizki`). Each part becomes a skeleton that folds those spellings together; skeletons
 * are then compared with Jaro-Winkler (@skyra/jaro-winkler), which forgives a typo.
 */
import { jaroWinkler } from "@skyra/jaro-winkler";
import { COMMON_NAME_PARTS } from "./common-names.js";

/** Old-spelling and variant letter groups, in the order they are applied. */
const FOLDS: readonly (readonly [RegExp, string])[] = [
  [/oe/g, "u"],
  [/dj/g, "j"],
  [/tj/g, "c"],
  [/sj/g, "sy"],
  [/ch/g, "kh"],
  [/kh/g, "h"],
  [/dh/g, "d"],
  [/th/g, "t"],
  [/ph/g, "f"],
  [/q/g, "k"],
  [/ie$/g, "i"],
  [/y/g, "i"],
  [/(.)\1+/g, "$1"],
];

/** One name part folded to its skeleton: `Djoko` -> `joko`, `Muhammad` -> `muhamad`. */
export function skeleton(part: string): string {
  let s = part
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
  for (const [from, to] of FOLDS) s = s.replace(from, to);
  return s;
}

/** A name's parts as skeletons, in the order written (`"Siti  Nur'aini"` -> `[siti, nuraini]`). */
export function nameParts(name: string): string[] {
  return name
    .split(/[\s,.\-/]+/)
    .map(skeleton)
    .filter((p) => p.length > 0);
}

/** How two names compare, strongest first. */
export type NameLikeness = "same" | "variant" | "reordered" | "first_name" | "nickname";

/**
 * Letters written for one another in names (`Rizki`/`Riski`, `Vina`/`Fina`):
 * parts alike once these are folded are spelling variants.
 */
const SOUND: Readonly<Record<string, string>> = { z: "s", q: "k", v: "f", p: "f", c: "k", x: "k" };

function sounds(part: string): string {
  return [...part].map((ch) => SOUND[ch] ?? ch).join("");
}

/** Two skeletons this close (Jaro-Winkler) are one part spelled two ways. */
const PART_SIMILAR = 0.9;

function partsAlike(a: string, b: string): boolean {
  return a === b || sounds(a) === sounds(b) || jaroWinkler(a, b) >= PART_SIMILAR;
}

/**
 * A short form made of the end of a name, often doubled: `Kiki` (Rizki), `Gus` (Agus),
 * `Tri` (Putri), `Yuyun` is not guessed. Two letters at least.
 */
export function isNickname(short: string, full: string): boolean {
  if (short === full || short.length < 2 || short.length >= full.length) return false;
  const half = short.length % 2 === 0 ? short.slice(0, short.length / 2) : "";
  const core = half.length >= 2 && half + half === short ? half : short;
  return core.length >= 2 && full.endsWith(core) && (core !== short || core.length >= 3);
}

/** Whether every part of `few` has a like part in `many`, in the same order. */
function inOrder(few: readonly string[], many: readonly string[]): boolean {
  let at = 0;
  for (const p of few) {
    while (at < many.length && !partsAlike(p, many[at] as string)) at++;
    if (at === many.length) return false;
    at++;
  }
  return true;
}

/** Whether every part of `few` has a like part in `many`, in any order. */
function anyOrder(few: readonly string[], many: readonly string[]): boolean {
  const left = [...many];
  for (const p of few) {
    const i = left.findIndex((m) => partsAlike(p, m));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

/**
 * How alike two names are, or undefined when they are different names. `a` and `b` are
 * {@link nameParts}. `first_name`: one side gave only the first name (or fewer parts)
 * that the other's start with.
 *
 * @example likeness(nameParts("Djoko Susilo"), nameParts("Joko Susilo")) // "same"
 */
export function likeness(a: readonly string[], b: readonly string[]): NameLikeness | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const [few, many] = a.length <= b.length ? [a, b] : [b, a];
  if (few.length === many.length) {
    if (few.every((p, i) => p === many[i])) return "same";
    if (inOrder(few, many)) return "variant";
    if (anyOrder(few, many)) return "reordered";
  } else if (inOrder(few, many)) {
    return partsAlike(few[0] as string, many[0] as string) ? "first_name" : "reordered";
  }
  if (few.length === 1 && many.some((m) => isNickname(few[0] as string, m))) return "nickname";
  return undefined;
}

/** Whether every part of a name is a very common one (`Muhammad Rizki`). */
export function allCommon(parts: readonly string[]): boolean {
  return parts.length > 0 && parts.every((p) => COMMON_NAME_PARTS.has(p));
}

/** A part's blocking key: its first letter and the next two consonants, sounds folded. */
function blockOf(part: string): string {
  const folded = sounds(part);
  const consonants = folded.slice(1).replace(/[aeiouh]/g, "");
  return folded[0] + consonants.slice(0, 2);
}

/**
 * The keys under which a name is filed, so that a new report is compared only with the
 * reports and cases that share one: one per uncommon part; a name of common parts only
 * is filed under all of them together (`Muhammad Rizki` does not meet every Muhammad).
 */
export function blockingKeys(parts: readonly string[]): string[] {
  const rare = parts.filter((p) => !COMMON_NAME_PARTS.has(p));
  if (rare.length > 0) return [...new Set(rare.map((p) => `n:${blockOf(p)}`))];
  if (parts.length === 0) return [];
  return [`c:${[...parts].sort().join("+")}`];
}
