/**
 * How the terminal simulator shows effects: replies as text with numbered buttons,
 * everything else as a short marked line (or, with --json, one JSON object per effect).
 */
import type { Effect } from "../engine/types.js";

/** Human-readable lines for one effect. */
export function renderEffect(effect: Effect): string {
  switch (effect.type) {
    case "reply": {
      const lines = [`bot> ${effect.text.replace(/\n/g, "\n     ")}`];
      for (const [i, b] of (effect.buttons ?? []).entries())
        lines.push(`     [${i + 1}] ${b.label}`);
      if (effect.request?.kind === "location")
        lines.push(`     [${effect.request.label}: /loc LAT LON]`);
      if (effect.quickExit) lines.push(`     [x] ${effect.quickExit.label} (/exit)`);
      if (effect.request?.kind === "contact")
        lines.push(`     [${effect.request.label}: /contact +62...]`);
      return lines.join("\n");
    }
    case "escalate":
      return `  ⚑ case ${effect.caseRef} sent to operators: ${effect.priority} (${effect.reasons.join(", ") || "no reason"})`;
    case "report":
      return `  ⚑ missing-person report filed as case ${effect.caseRef}`;
    case "relay":
      return `  → forwarded to the operator of case ${effect.caseRef}`;
    case "erase":
      return "  ⚑ everything held about this conversation was erased";
    case "end":
      return "  ⚑ conversation ended";
    case "error":
      return `  ⚠ flow error ${effect.code}: ${effect.detail}`;
    case "tidy":
      return `  ⚑ these messages will be deleted in ${Math.round(effect.afterMs / 60_000)} min`;
    case "wipe":
      return "  ⚑ the chat was wiped";
    case "schedule":
      return `  ⚑ ${effect.job} set for ${new Date(effect.at).toISOString()}`;
    case "cancel":
      return `  ⚑ ${effect.job} called off`;
    case "reattach":
      return "  ⚑ checking the case code";
    case "consent":
      return `  ⚑ case ${effect.caseRef}: the family ${effect.yes ? "may" : "may not"} be told`;
    case "news":
      return `  ⚑ the status of report ${effect.caseRef} asked for`;
  }
}

/** One JSON line per effect, for scripts and tests. */
export function effectJson(effect: Effect): string {
  return JSON.stringify(effect);
}
