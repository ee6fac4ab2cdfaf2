import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Hand the conversation to operators: create or update the case, then go on or wait. */
export const escalate: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "escalate");
    turn.flag(def.flag);
    turn.escalate(step.flow);
    // The text may say what happens next ({{wait}}) and give the case code ({{code}}).
    if (def.text) turn.reply(turn.t(def.text));
    return def.next ? { goto: def.next } : { end: true, handoff: true };
  },
};

/** File a missing-person report with the answers the flow gathered. */
export const report: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "report");
    const fields: Record<string, string | number | boolean> = {};
    for (const f of def.fields) {
      const v = turn.s.answers[f];
      if (v !== undefined) fields[f] = v;
    }
    turn.effects.push({
      type: "report",
      caseRef: turn.caseRef(),
      priority: turn.priority,
      reasons: [...turn.s.reasons],
      report: fields,
      summary: turn.summary(step.flow),
    });
    if (def.text) turn.reply(turn.t(def.text, { ref: turn.caseRef() }));
    return { goto: def.next };
  },
};
