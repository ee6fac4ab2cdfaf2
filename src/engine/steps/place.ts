import { MAX_STORED_TEXT, type Turn } from "../turn.js";
import type { Inbound, PlaceAnswer, PlaceMatch } from "../types.js";
import type { Advance, StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Button id for "I don't know where". */
export const DONT_KNOW = "_unknown";
/** Buttons of the confirming question ("Poipet, Kamboja, betul?"). */
export const YES = "_yes";
export const NO = "_no";

/**
 * After this many places we could not find, keep the words as they are and go on: to the
 * step's `unknown` target (a country question with buttons), or to its `next`.
 */
const MAX_PLACE_TRIES = 2;

/**
 * Where is the person? A shared pin or a typed place name, resolved offline. A place the
 * person already gave is not asked again; one they named in passing is confirmed in one line.
 */
export const place: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "place");
    const known = turn.s.place;
    if (known?.country && known.via !== "mention") return { goto: def.next };
    if (known?.country) {
      turn.ask(step, turn.t("common:place.confirm", { place: placeLabel(turn, known) }), [
        { id: YES, label: turn.t("common:button.yes") },
        { id: NO, label: turn.t("common:button.no") },
      ]);
      return { wait: true };
    }
    const buttons = [{ id: DONT_KNOW, label: turn.t("common:button.dont_know") }];
    turn.ask(step, turn.t(def.text), buttons, "location");
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "place");
    const next: Advance = { goto: def.next };
    const confirming = turn.s.place?.via === "mention";
    const typedPlace =
      inbound.kind === "text" && turn.bundle.directory.placeFromText(inbound.text).found;
    if (confirming && !typedPlace) {
      const said = confirmation(turn, inbound);
      if (said === "yes") {
        (turn.s.place as PlaceAnswer).via = "answer";
        return next;
      }
      if (said === "no") {
        turn.s.place = undefined;
        return { goto: step.ref };
      }
    }
    // Not knowing where is no dead end: the country question follows, when the flow has one.
    const unknown: Advance = def.unknown ? { goto: def.unknown } : next;
    if (inbound.kind === "choice")
      return inbound.option === DONT_KNOW ? unknown : { retry: "common:place.unknown" };
    if (inbound.kind === "location") {
      const match = turn.bundle.directory.placeFromPoint(inbound.lat, inbound.lon);
      if (!match.found)
        return {
          retry: match.reason === "at_sea" ? "common:place.at_sea" : "common:place.pin_unknown",
        };
      setPlace(turn, match, { lat: inbound.lat, lon: inbound.lon, via: "pin" });
      return next;
    }
    if (inbound.kind !== "text") return { retry: "common:place.type_it" };
    const text = inbound.text.trim().slice(0, MAX_STORED_TEXT);
    const match = turn.bundle.directory.placeFromText(text);
    if (match.found) {
      setPlace(turn, match, { text, via: "answer" });
      return next;
    }
    if (turn.read(text).dontKnow) return unknown;
    if (turn.s.misses + 1 >= MAX_PLACE_TRIES && text !== "" && !turn.read(text).onlyPlea) {
      // Keep what they wrote for the operator rather than asking a frightened person a third
      // time the same way: the country question (buttons) follows, when the flow has one.
      turn.s.place = { text, via: "answer" };
      return unknown;
    }
    return { retry: "common:place.unknown" };
  },
};

/** A tap or a short yes or no to "Poipet, Kamboja, betul?". */
function confirmation(turn: Turn, inbound: Inbound): "yes" | "no" | undefined {
  if (inbound.kind === "choice")
    return inbound.option === YES ? "yes" : inbound.option === NO ? "no" : undefined;
  return inbound.kind === "text" ? turn.read(inbound.text).yesNo : undefined;
}

/** "Poipet, Kamboja", or the country alone. */
function placeLabel(turn: Turn, p: PlaceAnswer): string {
  const country = p.country ? turn.t(`directory:country.${p.country}`) : "";
  const name = p.id ? turn.bundle.directory.placeName?.(p.id) : undefined;
  return name ? `${name}, ${country}` : country;
}

export function setPlace(
  turn: Turn,
  match: Extract<PlaceMatch, { found: true }>,
  extra: PlaceAnswer,
): void {
  turn.s.place = { ...extra, country: match.country, ...(match.id ? { id: match.id } : {}) };
}

/** Record a pin shared at a step that was not asking for it. */
export function notePin(turn: Turn, lat: number, lon: number): boolean {
  const match = turn.bundle.directory.placeFromPoint(lat, lon);
  if (!match.found) return false;
  setPlace(turn, match, { lat, lon, via: "pin" });
  return true;
}

/** Keep a place named in passing, to confirm when the flow asks where. */
export function noteMention(turn: Turn, mention: { country: string; id?: string }): void {
  const known = turn.s.place;
  if (known?.country && known.via !== "mention") return;
  turn.s.place = {
    country: mention.country,
    ...(mention.id ? { id: mention.id } : {}),
    via: "mention",
  };
}
