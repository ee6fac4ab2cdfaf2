import type { OptionDef } from "../../flows/schema.js";
import type { Token } from "../../understanding/tokens.js";
import type { CompiledStep } from "../flow-model.js";
import { MAX_STORED_TEXT, type Turn } from "../turn.js";
import type { Inbound } from "../types.js";
import { wantedIntent } from "../wants.js";
import type { Advance, StepKind } from "./kind.js";
import { defOf } from "./kind.js";
import { setPlace } from "./place.js";

/**
 * A question with buttons. A tap, the option's number ("2"), or the person's own words
 * ("sy luka kepala sama tangan") answer it. A question the person already answered in
 * their own words (a fact they stated) is not asked again.
 */
export const choice: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "choice");
    const known = knownOption(turn, step);
    if (known) return choose(turn, step, known);
    const buttons = def.options.map((o) => ({ id: o.id, label: turn.t(`${o.text}.label`) }));
    turn.ask(step, turn.t(def.text), buttons);
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "choice");
    const picked = chosenOption(turn, step, inbound);
    const option =
      def.options.find((o) => o.id === picked?.id) ?? typedCountry(turn, step, inbound);
    if (!option)
      return { retry: "common:choice.not_understood", vars: { count: def.options.length } };
    if (picked?.more && def.detail && inbound.kind === "text")
      turn.s.answers[def.detail] = inbound.text.trim().slice(0, MAX_STORED_TEXT);
    return choose(turn, step, option);
  },
};

/** Record the option, its flags and settings, and go where it leads. */
function choose(turn: Turn, step: CompiledStep, option: OptionDef): Advance {
  const def = defOf(step, "choice");
  turn.record(option.set);
  if (option.country !== undefined && option.country !== "other") placeIn(turn, option.country);
  if (def.save) turn.s.answers[def.save] = option.id;
  turn.flag(option.flag);
  if (option.safety) applySafety(turn, option.safety);
  return { goto: option.next };
}

/**
 * At a country question, a place typed rather than tapped ("Vietnam", "Poipet"): recorded
 * as it is, and answered with the option for its country, or the one for other countries.
 */
function typedCountry(turn: Turn, step: CompiledStep, inbound: Inbound): OptionDef | undefined {
  const options = defOf(step, "choice").options;
  if (inbound.kind !== "text" || !options.some((o) => o.country !== undefined)) return undefined;
  const text = inbound.text.trim().slice(0, MAX_STORED_TEXT);
  const match = turn.bundle.directory.placeFromText(text);
  if (!match.found) return undefined;
  const option =
    options.find((o) => o.country === match.country) ?? options.find((o) => o.country === "other");
  if (option) setPlace(turn, match, { text, via: "answer" });
  return option;
}

/** The country the person chose, keeping the words they typed before for operators. */
function placeIn(turn: Turn, country: string): void {
  const known = turn.s.place;
  if (known?.country === country) return;
  turn.s.place = { ...(known?.text ? { text: known.text } : {}), country, via: "answer" };
}

/** An option the person already gave: an answer recorded earlier, or one fact they stated. */
function knownOption(turn: Turn, step: CompiledStep): OptionDef | undefined {
  const def = defOf(step, "choice");
  const saved = def.save ? turn.s.answers[def.save] : undefined;
  const byAnswer = def.options.find((o) => o.id === saved);
  if (byAnswer) return byAnswer;
  // A country question, when the country is known already (a pin shared meanwhile).
  const country = turn.s.place?.via !== "mention" ? turn.s.place?.country : undefined;
  if (country !== undefined) {
    const byCountry =
      def.options.find((o) => o.country === country) ??
      def.options.find((o) => o.country === "other");
    if (byCountry) return byCountry;
  }
  const facts = turn.s.facts ?? [];
  const byFact = def.options.filter((o) => o.facts?.some((f) => facts.includes(f)));
  return byFact.length === 1 ? byFact[0] : undefined;
}

/** An option id, and whether the person's words say more than the option. */
export interface Picked {
  id: string;
  more: boolean;
}

/** Words beyond an option's own that make an answer worth keeping as its detail. */
const DETAIL_WORDS = 2;

/**
 * The option an inbound picks at a choice or language step, if any: a tap, a number, the
 * option's words anywhere in the message (not negated; the longest wins, a tie picks
 * nothing), a fact the message states, or its intent.
 */
export function chosenOption(turn: Turn, step: CompiledStep, inbound: Inbound): Picked | undefined {
  const ids = step.optionIds ?? [];
  if (inbound.kind === "choice")
    return ids.includes(inbound.option) ? { id: inbound.option, more: false } : undefined;
  if (inbound.kind !== "text") return undefined;
  const reading = turn.read(inbound.text);
  const n = optionNumber(reading.tokens) ?? turn.bundle.understanding.ordinal(reading);
  if (n !== undefined) {
    const id = ids[n - 1];
    return id === undefined ? undefined : { id, more: false };
  }
  const u = turn.bundle.understanding;
  const byWords = step.matcher ? u.best(u.liveHits(reading, step.matcher), "earliest") : undefined;
  const words = (): Picked | undefined =>
    byWords && {
      id: byWords.value,
      more: reading.tokens.length - byWords.length >= DETAIL_WORDS,
    };
  // An option's own phrase of two words or more says the most; then a fact the message
  // states ("anak saya" is a parent); then a single word of an option.
  if (byWords && byWords.words > 1) return words();
  if (step.def.kind !== "choice") return words();
  const options = step.def.options;
  const byFact = options.filter((o) => o.facts?.some((f) => reading.facts.includes(f)));
  if (byFact.length === 1) return { id: (byFact[0] as OptionDef).id, more: true };
  if (byWords) return words();
  const intent = wantedIntent(turn.bundle, reading);
  const byIntent = intent && options.find((o) => o.intent === intent);
  return byIntent ? { id: byIntent.id, more: false } : undefined;
}

const NUMBER_WORDS = new Set(["no", "nomor", "number", "pilihan", "option", "nomer"]);

/** Reads "2", "2.", "no 2", "nomor 2", "#2" or "2️⃣" as the number 2. */
export function optionNumber(tokens: readonly Token[]): number | undefined {
  if (tokens.length === 0 || tokens.length > 2) return undefined;
  if (tokens.length === 2 && !NUMBER_WORDS.has((tokens[0] as Token).word)) return undefined;
  const last = tokens[tokens.length - 1] as Token;
  return last.num !== undefined && last.word.length <= 2 ? last.num : undefined;
}

/** Apply safety settings an option carries; the person chose them, so flows leave them be. */
function applySafety(turn: Turn, set: NonNullable<OptionDef["safety"]>): void {
  const safety = turn.s.safety;
  if (set.discreet !== undefined) safety.discreet = set.discreet;
  if (set.delete_after_minutes !== undefined) safety.deleteAfterMin = set.delete_after_minutes;
  if (set.silent !== undefined) safety.silent = set.silent;
  safety.chosen = true;
}
