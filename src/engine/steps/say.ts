import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Say one or more texts, with directory facts appended, and go on. */
export const say: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "say");
    const keys = Array.isArray(def.text) ? def.text : [def.text];
    const parts = keys.map((k) => turn.t(k));
    const facts = turn.facts(def.show ?? []);
    // Single contact lines sit together; whole blocks (a mission, local numbers) stand apart.
    const oneLiners = facts.every((f) => !f.includes("\n"));
    if (oneLiners && facts.length > 0) parts.push(facts.join("\n"));
    else parts.push(...facts);
    // One message while it fits; a message never passes the limit (the next one follows).
    turn.replyAll(parts);
    return { goto: def.next };
  },
};
