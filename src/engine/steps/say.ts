import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Say one or more texts, with directory facts appended, and go on. */
export const say: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "say");
    const keys = Array.isArray(def.text) ? def.text : [def.text];
    const parts = keys.map((k) => turn.t(k));
    for (const block of def.show ?? []) {
      const lines = turn.bundle.directory.render(turn.lang, block, turn.s.place);
      if (lines) parts.push(lines);
    }
    turn.reply(parts.join("\n\n"));
    return { goto: def.next };
  },
};
