/**
 * A short, readable account of the loaded flows, for `npm run flows:check`.
 */
import type { Bundle } from "../engine/types.js";

/** One line per flow (steps by kind), then languages and vocabulary sizes. */
export function summarizeFlows(bundle: Bundle): string {
  const { flows, texts } = bundle;
  const byFlow = new Map<string, Map<string, number>>();
  for (const step of flows.steps.values()) {
    const kinds = byFlow.get(step.flow) ?? new Map<string, number>();
    kinds.set(step.def.kind, (kinds.get(step.def.kind) ?? 0) + 1);
    byFlow.set(step.flow, kinds);
  }
  const lines = ["Flows OK."];
  for (const [flow, kinds] of [...byFlow].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    const parts = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ");
    lines.push(`  ${flow.padEnd(13)} ${String(total).padStart(3)} steps (${parts})`);
  }
  const u = bundle.understanding.size;
  lines.push(`  languages: ${texts.languages.join(", ")}`);
  lines.push(
    `  understanding: ${u.commands} always-working words, ${u.facts} fact phrases, ${u.examples} training phrases; triage reasons: ${Object.keys(flows.global.triage.reasons).length}`,
  );
  lines.push(
    `  personal answers (encrypted, never logged): ${[...flows.personalFields].join(", ") || "none"}`,
  );
  return lines.join("\n");
}
