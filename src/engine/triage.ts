/**
 * Triage: a case's priority is the most urgent priority among its reasons.
 */
import type { Priority } from "./types.js";

const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3 };

/**
 * The most urgent priority among `reasons`, by the table in `flows/global.yaml`.
 *
 * @example priorityOf(["passport_held", "injured"], { injured: "P1", passport_held: "P3" }, "P3") === "P1"
 */
export function priorityOf(
  reasons: readonly string[],
  table: Readonly<Record<string, Priority>>,
  fallback: Priority,
): Priority {
  let best = fallback;
  for (const r of reasons) {
    const p = table[r];
    if (p && RANK[p] < RANK[best]) best = p;
  }
  return best;
}

/** Whether `a` is more urgent than `b`. */
export function moreUrgent(a: Priority, b: Priority): boolean {
  return RANK[a] < RANK[b];
}
