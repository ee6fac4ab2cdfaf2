import { MAX_STORED_TEXT, type Turn } from "../turn.js";
import type { Inbound } from "../types.js";
import type { Advance, StepKind } from "./kind.js";
import { defOf } from "./kind.js";

/** Button id for "skip this question". */
export const SKIP = "_skip";

type AskDef = ReturnType<typeof defOf<"ask">>;
type Retry = Extract<Advance, { retry: string }>;

/** A question answered by typing (a name, a number, a phone number). */
export const ask: StepKind = {
  enter(turn, step) {
    const def = defOf(step, "ask");
    // Already said, in the person's own words at an earlier question: not asked again.
    if (turn.s.answers[def.save] !== undefined) return { goto: def.next };
    const buttons = def.optional ? [{ id: SKIP, label: turn.t("common:button.skip") }] : [];
    turn.ask(step, turn.t(def.text), buttons, def.request);
    return { wait: true };
  },

  accept(turn, step, inbound) {
    const def = defOf(step, "ask");
    if (def.optional && isSkip(turn, inbound)) return { goto: def.next };
    const read = readAnswer(turn, def, inbound);
    if ("retry" in read) return read;
    turn.s.answers[def.save] = read.value;
    turn.flag(def.flag);
    return { goto: def.next };
  },
};

/** The Skip button, or typing that means it ("lewati", "-"). */
export function isSkip(turn: Turn, inbound: Inbound): boolean {
  if (inbound.kind === "choice") return inbound.option === SKIP;
  if (inbound.kind !== "text") return false;
  const trimmed = inbound.text.trim();
  if (/^[-–—.]+$/.test(trimmed)) return true;
  return turn.read(trimmed).skip;
}

function readAnswer(turn: Turn, def: AskDef, inbound: Inbound): { value: string | number } | Retry {
  if (inbound.kind === "contact" && def.format === "phone") return { value: inbound.phone };
  if (inbound.kind !== "text") return { retry: "common:ask.type_it" };
  const text = inbound.text.trim();
  const reading = turn.read(text);
  if (reading.tokens.length === 0) return { retry: "common:ask.empty" };
  if (reading.onlyPlea) return { retry: "common:only_plea" };
  switch (def.format) {
    case "number":
      return readNumber(reading.number, def.min ?? 0, def.max ?? 1_000_000);
    case "phone":
      return readPhone(text);
    default:
      return { value: text.slice(0, Math.min(def.max_length, MAX_STORED_TEXT)) };
  }
}

/** The number the answer states: digits or words ("5 orang", "berdua", "sendiri"). */
function readNumber(n: number | undefined, min: number, max: number): { value: number } | Retry {
  if (n === undefined || n < min || n > max)
    return { retry: "common:ask.number", vars: { min, max } };
  return { value: n };
}

/** Phone numbers: keep digits and a leading +; several numbers may be separated. */
function readPhone(text: string): { value: string } | Retry {
  const digits = text.replace(/\D/g, "");
  if (digits.length < 6) return { retry: "common:ask.phone" };
  const cleaned = text
    .replace(/[^\d+,;/\s]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return { value: cleaned.slice(0, 120) };
}
