/**
 * The contract every step kind fulfils. `enter` runs when the conversation arrives at
 * the step; `accept` (for steps that wait) reads the person's answer.
 */
import type { CompiledStep } from "../flow-model.js";
import type { Turn } from "../turn.js";
import type { Inbound } from "../types.js";

/** What happens after a step ran. */
export type Advance =
  /** Go on to another step at once. */
  | { goto: string }
  /** The question was asked; wait for the person. */
  | { wait: true }
  /** The flow is over. `handoff`: the person now waits for an operator. */
  | { end: true; handoff: boolean }
  /** The answer did not fit: say `text`, then ask the same question again. */
  | { retry: string; vars?: Record<string, string | number> };

export interface StepKind {
  enter(turn: Turn, step: CompiledStep): Advance;
  accept?(turn: Turn, step: CompiledStep, inbound: Inbound): Advance;
}

/** Narrow a compiled step to its definition kind. */
export function defOf<K extends CompiledStep["def"]["kind"]>(
  step: CompiledStep,
  kind: K,
): Extract<CompiledStep["def"], { kind: K }> {
  if (step.def.kind !== kind) throw new Error(`step ${step.ref} is ${step.def.kind}, not ${kind}`);
  return step.def as Extract<CompiledStep["def"], { kind: K }>;
}
