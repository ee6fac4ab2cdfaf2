import { MAX_STORED_TEXT, type Turn } from "../turn.js";
import type { PlaceAnswer, PlaceMatch } from "../types.js";
import type { Advance, StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Button id for "I don't know where". */
export const DONT_KNOW = "_unknown";

/** After this many places we could not find, take the words as they are and go on. */
const MAX_PLACE_TRIES = 2;

/** Where is the person? A shared pin or a typed place name, resolved offline. */
export const place: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "place");
    const buttons = [{ id: DONT_KNOW, label: turn.t("common:button.dont_know") }];
    turn.ask(step, turn.t(def.text), buttons, "location");
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "place");
    const next: Advance = { goto: def.next };
    if (inbound.kind === "choice")
      return inbound.option === DONT_KNOW ? next : { retry: "common:place.unknown" };
    if (inbound.kind === "location") {
      const match = turn.bundle.directory.placeFromPoint(inbound.lat, inbound.lon);
      if (!match.found)
        return {
          retry: match.reason === "at_sea" ? "common:place.at_sea" : "common:place.pin_unknown",
        };
      setPlace(turn, match, { lat: inbound.lat, lon: inbound.lon });
      return next;
    }
    if (inbound.kind !== "text") return { retry: "common:place.type_it" };
    const text = inbound.text.trim().slice(0, MAX_STORED_TEXT);
    if (turn.bundle.flows.keywords.dontKnow.bestHit(turn.words(text))?.value === true) return next;
    const match = turn.bundle.directory.placeFromText(text);
    if (match.found) {
      setPlace(turn, match, { text });
      return next;
    }
    if (turn.s.misses + 1 >= MAX_PLACE_TRIES && text !== "") {
      // Keep what they wrote for the operator rather than asking a frightened person a third time.
      turn.s.place = { text };
      return next;
    }
    return { retry: "common:place.unknown" };
  },
};

function setPlace(
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
  setPlace(turn, match, { lat, lon });
  return true;
}
