/**
 * Flows after loading: every target rewritten to a full step reference (`flow.step`)
 * and every choice given its matcher, so the engine never parses or searches at run time.
 */
import type { GlobalFile, StepDef } from "../flows/schema.js";
import type { PhraseMatcher } from "./text-match.js";

/** Words that work at any step, whatever the flow. */
export type IntentName = "emergency" | "human" | "language" | "menu" | "erase" | "stop";

/** A step ready for the engine. `def`'s targets are full references. */
export interface CompiledStep {
  /** `flow.step`, unique across all flows. */
  ref: string;
  flow: string;
  id: string;
  def: StepDef;
  /** For choice and language steps: typed words that mean an option id. */
  matcher?: PhraseMatcher<string>;
  /** For choice and language steps: option ids in button order. */
  optionIds?: readonly string[];
}

/** Vocabulary read from `locales/<lng>/keywords.json`, all languages together. */
export interface Keywords {
  intents: PhraseMatcher<IntentName>;
  /** Words in free text that raise a triage reason (beaten, locked in...). */
  danger: PhraseMatcher<string>;
  /** "skip", "lewati", "-"... for optional questions. */
  skip: PhraseMatcher<true>;
  /** "I don't know", "tidak tahu"... for places. */
  dontKnow: PhraseMatcher<true>;
  /** "tidak", "not"... : "tidak dalam bahaya" is not an emergency. */
  negation: PhraseMatcher<true>;
  /** Default quick-exit words (the person may add their own). */
  quickExit: PhraseMatcher<true>;
}

/** All flows, validated and compiled. */
export interface CompiledFlows {
  global: GlobalFile;
  /** Global targets rewritten to full references. */
  startRef: string;
  menuRef: string;
  aboutRef: string;
  payloadRefs: ReadonlyMap<string, string>;
  emergencyRef: string;
  eraseRef: string;
  languageRef: string;
  reattachRef: string;
  /** Commands that open a flow (`privacy` -> `privacy.menu`). */
  commandRefs: ReadonlyMap<string, string>;
  steps: ReadonlyMap<string, CompiledStep>;
  /** Start step reference of each flow. */
  flowStarts: ReadonlyMap<string, string>;
  keywords: Keywords;
  /** Answer names that identify a person (encrypted at rest, never logged). */
  personalFields: ReadonlySet<string>;
}

/** Reserved target: go back to where the person was before a detour (or the menu). */
export const BACK = "back";
