import type { OptionDef } from "../../flows/schema.js";
import type { CompiledStep } from "../flow-model.js";
import { optionNumber } from "../text-match.js";
import type { Turn } from "../turn.js";
import type { Inbound } from "../types.js";
import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/**
 * A question with buttons. A tap, the option's number ("2") or words that mean the
 * option ("tidak aman") all answer it.
 */
export const choice: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "choice");
    const buttons = def.options.map((o) => ({ id: o.id, label: turn.t(`${o.text}.label`) }));
    turn.ask(step, turn.t(def.text), buttons);
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "choice");
    const id = chosenOption(turn, step, inbound);
    const option = def.options.find((o) => o.id === id);
    if (!option)
      return { retry: "common:choice.not_understood", vars: { count: def.options.length } };
    turn.record(option.set);
    if (def.save) turn.s.answers[def.save] = option.id;
    turn.flag(option.flag);
    if (option.safety) applySafety(turn, option.safety);
    return { goto: option.next };
  },
};

/** The option id an inbound picks at a choice or language step, if any. */
export function chosenOption(turn: Turn, step: CompiledStep, inbound: Inbound): string | undefined {
  const ids = step.optionIds ?? [];
  if (inbound.kind === "choice") return ids.includes(inbound.option) ? inbound.option : undefined;
  if (inbound.kind !== "text") return undefined;
  const n = optionNumber(turn.words(inbound.text));
  if (n !== undefined) return ids[n - 1];
  return step.matcher?.bestHit(turn.words(inbound.text))?.value;
}

/** Apply safety settings an option carries; the person chose them, so flows leave them be. */
function applySafety(turn: Turn, set: NonNullable<OptionDef["safety"]>): void {
  const safety = turn.s.safety;
  if (set.discreet !== undefined) safety.discreet = set.discreet;
  if (set.delete_after_minutes !== undefined) safety.deleteAfterMin = set.delete_after_minutes;
  if (set.silent !== undefined) safety.silent = set.silent;
  safety.chosen = true;
}
