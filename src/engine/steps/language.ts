import { BACK } from "../flow-model.js";
import { chosenOption } from "./choice.js";
import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Button id for "I need help now" on the language question. */
export const SOS = "_sos";

/**
 * Which language? Skipped when the channel told us (Telegram's language_code, a +62
 * number) or the person chose before, unless they asked to change it.
 */
export const language: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "language");
    if (turn.s.lang && turn.s.resume === undefined) return { goto: def.next };
    const buttons = turn.bundle.texts.languages.map((lng) => ({
      id: lng,
      label: turn.bundle.texts.t(lng, "common:language.name"),
    }));
    if (def.sos) buttons.push({ id: SOS, label: turn.t("common:language.sos") });
    turn.ask(step, turn.t(def.text), buttons);
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "language");
    const picked = chosenOption(turn, step, inbound)?.id;
    if (picked === SOS && def.sos) return { goto: def.sos };
    if (!picked || !turn.bundle.texts.languages.includes(picked)) {
      return { retry: "common:language.not_understood" };
    }
    turn.s.lang = picked;
    return { goto: turn.s.resume !== undefined ? BACK : def.next };
  },
};
