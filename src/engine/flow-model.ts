/**
 * Flows after loading: every target rewritten to a full step reference (`flow.step`)
 * and every choice given its matcher, so the engine never parses or searches at run time.
 */
import type { GlobalFile, StepDef } from "../flows/schema.js";
import type { Lexicon } from "../understanding/lexicon.js";

/** Words that work at any step, whatever the flow. */
export type { CommandName as IntentName } from "../understanding/index.js";

/** A step ready for the engine. `def`'s targets are full references. */
export interface CompiledStep {
  /** `flow.step`, unique across all flows. */
  ref: string;
  flow: string;
  id: string;
  def: StepDef;
  /** For choice and language steps: typed words that mean an option id. */
  matcher?: Lexicon<string>;
  /** For choice and language steps: option ids in button order. */
  optionIds?: readonly string[];
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
  /** Where the danger check starts (asked when unsure whether someone is in danger). */
  dangerCheckRef: string;
  /** Where a message goes by its intent when no question is open. */
  routeRefs: ReadonlyMap<string, string>;
  /** Answer names that identify a person (encrypted at rest, never logged). */
  personalFields: ReadonlySet<string>;
}

/** Reserved target: go back to where the person was before a detour (or the menu). */
export const BACK = "back";
