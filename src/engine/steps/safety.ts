import { ownWord } from "../own-word.js";
import type { Turn } from "../turn.js";
import { isSkip } from "./ask.js";
import type { StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Longest quick-exit or duress word, in words: short enough to type in a hurry. */
const MAX_WORDS = 3;

/**
 * The person's own quick-exit or duress word. Refused when empty or too long. Words that
 * already mean something never get here: the always-working words act before any step.
 */
export const secretWord: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "secret_word");
    turn.ask(step, turn.t(def.text), [{ id: "_skip", label: turn.t("common:button.skip") }]);
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "secret_word");
    // "lewati" typed is the Skip button, never the word.
    if (isSkip(turn, inbound)) return { goto: def.next };
    if (inbound.kind !== "text") return { retry: "common:ask.type_it" };
    const word = ownWord(inbound.text);
    const count = word === "" ? 0 : word.split(" ").length;
    if (count === 0 || count > MAX_WORDS) return { retry: "common:safety.word_shape" };
    if (def.word === "keep") return keepWord(turn, word, inbound.origin, def.next);
    if (def.word === "exit") turn.s.safety.exitWord = word;
    else turn.s.safety.duressWord = word;
    turn.s.safety.chosen = true;
    return { goto: def.next };
  },
};

/**
 * The word that confirms the person's case code from another account: it goes with the
 * case (hashed there, never kept as typed, never in the session), and the message that
 * carried it is deleted from the chat at the first tidy, whatever the person's settings.
 */
function keepWord(turn: Turn, word: string, origin: string | undefined, next: string) {
  turn.escalate();
  const escalation = turn.effects.findLast((e) => e.type === "escalate");
  if (escalation?.type === "escalate") escalation.word = word;
  turn.effects.push({ type: "tidy", afterMs: 0, ...(origin ? { origin } : {}) });
  return { goto: next };
}

/**
 * A check-in the person asked for: the bot writes at that time, and if no answer comes
 * within the window, operators are alerted (P1, "missed check-in").
 */
export const checkin: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "checkin");
    const inMin = Number(turn.s.answers[def.in]);
    const windowMin = Number(turn.s.answers[def.window]);
    if (!(inMin > 0) || !(windowMin > 0)) {
      // "No check-in, thanks": call off any that was set.
      turn.s.checkin = undefined;
      turn.effects.push(
        { type: "cancel", job: "checkin" },
        { type: "cancel", job: "checkin_miss" },
      );
      turn.reply(turn.t(def.text));
      return { goto: def.next };
    }
    const at = turn.ctx.now + inMin * 60_000;
    turn.s.checkin = { at, windowMin, pinged: false };
    turn.effects.push({ type: "cancel", job: "checkin_miss" });
    turn.effects.push({ type: "schedule", job: "checkin", at });
    turn.reply(turn.t(def.text, { hours: Math.round((inMin / 60) * 10) / 10, minutes: windowMin }));
    return { goto: def.next };
  },
};

/** Ask whether the code and the word belong together (operators then confirm it is them). */
export const reattach: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "reattach");
    const code = turn.s.pendingCode;
    const answer = turn.s.answers[def.answer];
    turn.s.pendingCode = undefined;
    // The word is checked once and not kept here.
    delete turn.s.answers[def.answer];
    if (code && typeof answer === "string") turn.effects.push({ type: "reattach", code, answer });
    return { goto: def.next };
  },
};

/**
 * The person's case code, shown again on request from the same account (discreet mode
 * deletes it from the chat after the person's delay, like every other message).
 */
export const code: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "code");
    turn.reply(turn.t(turn.s.code ? def.text : def.none));
    return { goto: def.next };
  },
};
