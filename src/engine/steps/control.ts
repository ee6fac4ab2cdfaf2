import type { Condition } from "../../flows/schema.js";
import type { Turn } from "../turn.js";
import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Go to the first target whose condition holds. */
export const branch: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "branch");
    const hit = def.when.find((w) => holds(turn, w.if));
    return { goto: hit ? hit.next : def.else };
  },
};

function holds(turn: Turn, condition: Condition): boolean {
  return Object.entries(condition).every(([field, expected]) => {
    const actual = field === "country" ? turn.s.place?.country : turn.s.answers[field];
    return Array.isArray(expected) ? expected.includes(actual as never) : actual === expected;
  });
}

/** End of a flow. */
export const end: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "end");
    if (def.text) turn.reply(turn.t(def.text));
    return { end: true, handoff: def.handoff };
  },
};

/** Delete what we hold about the person, then say so. */
export const erase: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "erase");
    turn.effects.push({ type: "erase", ...(turn.s.caseRef ? { caseRef: turn.s.caseRef } : {}) });
    turn.reply(turn.t(def.text));
    return { end: true, handoff: false };
  },
};
