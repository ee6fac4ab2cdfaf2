/** Every step kind, by the `kind` used in flow files. */
import type { StepDef } from "../../flows/schema.js";
import { ask } from "./ask.js";
import { choice } from "./choice.js";
import { branch, end, erase } from "./control.js";
import { escalate, report } from "./handoff.js";
import type { StepKind } from "./kind.js";
import { language } from "./language.js";
import { place } from "./place.js";
import { checkin, code, reattach, secretWord } from "./safety.js";
import { say } from "./say.js";

export const STEP_KINDS: Record<StepDef["kind"], StepKind> = {
  say,
  choice,
  ask,
  place,
  language,
  escalate,
  report,
  branch,
  end,
  erase,
  secret_word: secretWord,
  checkin,
  reattach,
  code,
};

/** Kinds that stop and wait for the person. */
export const WAITING_KINDS: ReadonlySet<StepDef["kind"]> = new Set([
  "choice",
  "ask",
  "place",
  "language",
  "secret_word",
]);
