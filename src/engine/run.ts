/**
 * Moving through a flow: run steps until one waits for the person or the flow ends.
 */
import { BACK, type CompiledStep } from "./flow-model.js";
import type { Session } from "./session.js";
import { STEP_KINDS } from "./steps/index.js";
import type { Advance } from "./steps/kind.js";
import type { Turn } from "./turn.js";

/** Most steps one message may pass through; more means the flow content loops. */
export const STEP_LIMIT = 40;

/** Act on what a step decided after reading an answer. */
export function follow(turn: Turn, current: CompiledStep, advance: Advance): void {
  if ("retry" in advance) {
    turn.s.misses += 1;
    const hint = turn.s.misses >= 3 ? `\n\n${turn.t("common:choice.hint_human")}` : "";
    turn.reply(turn.t(advance.retry, advance.vars) + hint);
    reask(turn, current);
    return;
  }
  turn.s.misses = 0;
  if ("goto" in advance) goTo(turn, advance.goto);
  else if ("end" in advance) endFlow(turn, advance.handoff);
}

/** Ask the open question again. */
export function reask(turn: Turn, current: CompiledStep): void {
  STEP_KINDS[current.def.kind].enter(turn, current);
}

/**
 * Run steps from `ref` until one waits for the person or the flow ends. Stops after
 * STEP_LIMIT steps so that a loop in flow content cannot hang the helpline.
 */
export function goTo(turn: Turn, ref: string): void {
  let target = ref;
  for (let n = 0; n < STEP_LIMIT; n++) {
    if (target === BACK) target = backTarget(turn);
    const current = turn.bundle.flows.steps.get(target);
    if (!current) {
      failFlow(turn, "unknown_step", `no step ${target}`);
      return;
    }
    turn.s.flow = current.flow;
    const advance = STEP_KINDS[current.def.kind].enter(turn, current);
    if ("goto" in advance) {
      target = advance.goto;
      continue;
    }
    if ("wait" in advance) {
      if (turn.s.at !== current.ref) turn.s.misses = 0;
      turn.s.at = current.ref;
    } else if ("end" in advance) {
      endFlow(turn, advance.handoff);
    } else {
      failFlow(turn, "bad_advance", `step ${current.ref} cannot retry on entry`);
    }
    return;
  }
  failFlow(turn, "step_limit", `more than ${STEP_LIMIT} steps from ${ref}`);
}

function backTarget(turn: Turn): string {
  const back = turn.s.resume ?? turn.bundle.flows.menuRef;
  turn.s.resume = undefined;
  return back;
}

export function endFlow(turn: Turn, handoff: boolean): void {
  clearFlow(turn.s);
  if (handoff) turn.s.waiting = true;
}

/** Forget the open question and the answers: the case or report has taken them. */
export function clearFlow(s: Session): void {
  s.at = undefined;
  s.resume = undefined;
  s.answers = {};
  s.misses = 0;
}

function failFlow(turn: Turn, code: string, detail: string): void {
  turn.effects.push({ type: "error", code, detail });
  turn.reply(turn.t("common:error"));
  clearFlow(turn.s);
}
