/**
 * Turning checked flow files into what the engine runs: full step references and
 * prebuilt word matchers, so no message pays for parsing or searching.
 */
import { BACK, type CompiledFlows, type CompiledStep } from "../engine/flow-model.js";
import { SOS } from "../engine/steps/language.js";
import type { Texts } from "../engine/types.js";
import type { Understanding } from "../understanding/index.js";
import type { FlowSources } from "./load.js";
import type { StepDef } from "./schema.js";
import { resolveTarget } from "./validate.js";

/** Compile checked flow files. Call `crossCheck` first: this assumes references resolve. */
export function compileFlows(
  src: FlowSources,
  texts: Texts,
  understanding: Understanding,
): CompiledFlows {
  const starts = new Map(src.flows.map(({ flow }) => [flow.id, `${flow.id}.${flow.start}`]));
  const ref = (flow: string, target: string): string => {
    const r = resolveTarget(flow, target);
    return r.startsWith("@") ? (starts.get(r.slice(1)) as string) : r;
  };
  const steps = new Map<string, CompiledStep>();
  const personalFields = new Set<string>();
  for (const { flow } of src.flows) {
    for (const [id, def] of Object.entries(flow.steps)) {
      const resolved = withRefs(def, (t) => ref(flow.id, t));
      const step: CompiledStep = { ref: `${flow.id}.${id}`, flow: flow.id, id, def: resolved };
      addMatcher(step, texts, understanding);
      steps.set(step.ref, step);
      if (def.kind === "ask" && def.personal) personalFields.add(def.save);
    }
  }
  const g = src.global;
  return {
    global: g,
    startRef: ref("", g.start),
    menuRef: ref("", g.menu),
    aboutRef: ref("", g.about),
    payloadRefs: new Map(
      Object.entries(g.start_payloads).map(([k, t]) => [k.toLowerCase(), ref("", t)]),
    ),
    emergencyRef: ref("", g.intents.emergency.next),
    eraseRef: ref("", g.intents.erase.next),
    languageRef: ref("", g.intents.language.next),
    reattachRef: ref("", g.reattach),
    commandRefs: new Map(Object.entries(g.commands).map(([k, t]) => [k, ref("", t)])),
    dangerCheckRef: ref("", g.understanding.danger_check),
    routeRefs: new Map(Object.entries(g.understanding.routes).map(([k, t]) => [k, ref("", t)])),
    steps,
    flowStarts: starts,
    personalFields,
  };
}

/** A copy of `def` with every target replaced by `resolve(target)`. */
function withRefs(def: StepDef, resolve: (t: string) => string): StepDef {
  const r = (t: string) => (t === BACK ? BACK : resolve(t));
  switch (def.kind) {
    case "choice":
      return { ...def, options: def.options.map((o) => ({ ...o, next: r(o.next) })) };
    case "branch":
      return { ...def, when: def.when.map((w) => ({ ...w, next: r(w.next) })), else: r(def.else) };
    case "language":
      return { ...def, next: r(def.next), ...(def.sos ? { sos: r(def.sos) } : {}) };
    case "escalate":
      return def.next ? { ...def, next: r(def.next) } : def;
    case "place":
      return { ...def, next: r(def.next), ...(def.unknown ? { unknown: r(def.unknown) } : {}) };
    case "end":
    case "erase":
      return def;
    case "secret_word":
    case "checkin":
    case "reattach":
      return { ...def, next: r(def.next) };
    default:
      return { ...def, next: r(def.next) };
  }
}

/** Labels and synonyms, in every language, so a person may answer in either. */
function addMatcher(step: CompiledStep, texts: Texts, understanding: Understanding): void {
  const def = step.def;
  if (def.kind === "choice") {
    const m = understanding.phrases<string>();
    for (const o of def.options) {
      for (const lng of texts.languages) {
        m.add(texts.t(lng, `${o.text}.label`), o.id);
        for (const word of texts.list(lng, `${o.text}.synonyms`)) m.add(word, o.id);
      }
    }
    step.matcher = m;
    step.optionIds = def.options.map((o) => o.id);
  }
  if (def.kind === "language") {
    const m = understanding.phrases<string>();
    for (const lng of texts.languages) {
      m.add(texts.t(lng, "common:language.name"), lng);
      for (const word of texts.list(lng, "common:language.synonyms")) m.add(word, lng);
    }
    step.matcher = m;
    step.optionIds = [...texts.languages, ...(def.sos ? [SOS] : [])];
  }
}
