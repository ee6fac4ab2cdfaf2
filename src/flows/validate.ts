/**
 * The second check on flow files, after the schema: do the references hold together?
 * Targets exist, every step can be reached and can reach an ending, no loop runs without
 * a question, choice ids are unique, every text exists in every language, and every
 * directory reference resolves.
 */
import { basename } from "node:path";
import { BACK } from "../engine/flow-model.js";
import { ENGINE_KEYWORD_LISTS, ENGINE_TEXT_KEYS } from "../engine/texts-used.js";
import type { DirectoryView, Texts } from "../engine/types.js";
import { type FlowProblem, type FlowSources, GLOBAL_FILE } from "./load.js";
import type { StepDef } from "./schema.js";

/** Where a step is, for messages and the graph. */
interface Located {
  ref: string;
  file: string;
  flow: string;
  id: string;
  def: StepDef;
}

/** A target in one file, resolved to a step reference (or BACK). */
export function resolveTarget(flow: string, target: string): string {
  if (target === BACK) return BACK;
  if (!target.startsWith("@")) return `${flow}.${target}`;
  const [f, s] = target.slice(1).split(".");
  return s ? `${f}.${s}` : `@${f}`;
}

/**
 * Check references across all flow files. Returns every problem found (empty when fine).
 */
export function crossCheck(
  src: FlowSources,
  texts: Texts,
  directory: DirectoryView,
  factNames: ReadonlySet<string> = new Set(),
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const steps = indexSteps(src, problems);
  const starts = new Map(src.flows.map(({ flow }) => [flow.id, `${flow.id}.${flow.start}`]));
  const globalFile = `${src.dir}/${GLOBAL_FILE}`;
  const ref = (flow: string, target: string) => {
    const r = resolveTarget(flow, target);
    return r.startsWith("@") ? starts.get(r.slice(1)) : r;
  };

  const edges = new Map<string, string[]>();
  for (const st of steps.values()) {
    const out: string[] = [];
    for (const { path, target } of targetsOf(st.def)) {
      const r = ref(st.flow, target);
      if (r === BACK) {
        out.push(BACK);
      } else if (!r || !steps.has(r)) {
        problems.push(stepProblem(st, path, unknownTarget(target, st.flow, steps)));
      } else {
        out.push(r);
      }
    }
    edges.set(st.ref, out);
    checkStepTexts(st, texts, problems);
    checkStepData(st, directory, problems);
  }
  for (const { file, flow } of src.flows) {
    if (!steps.has(`${flow.id}.${flow.start}`)) {
      problems.push({ file, path: "start", message: `no step "${flow.start}" in this flow` });
    }
  }

  const roots = globalTargets(src).flatMap(({ path, target }) => {
    const r = ref("", target);
    if (!r || !steps.has(r)) {
      problems.push({ file: globalFile, path, message: unknownTarget(target, "", steps) });
      return [];
    }
    return [r];
  });
  checkReachable(steps, edges, roots, problems);
  checkEndings(steps, edges, problems);
  checkAutoLoops(steps, edges, problems);
  checkFields(steps, problems);
  checkTriage(src, steps, problems);
  checkFacts(steps, factNames, problems);
  checkGlobalTexts(src, texts, problems);
  return problems;
}

function indexSteps(src: FlowSources, problems: FlowProblem[]): Map<string, Located> {
  const steps = new Map<string, Located>();
  const seen = new Set<string>();
  for (const { file, flow } of src.flows) {
    const expectedId = basename(file).replace(/\.ya?ml$/, "");
    if (flow.id !== expectedId) {
      problems.push({
        file,
        path: "id",
        message: `"${flow.id}" must match the file name ("${expectedId}")`,
      });
    }
    if (seen.has(flow.id))
      problems.push({ file, path: "id", message: `flow "${flow.id}" is defined twice` });
    seen.add(flow.id);
    for (const [id, def] of Object.entries(flow.steps)) {
      if (id === BACK)
        problems.push({
          file,
          path: `steps.${id}`,
          message: `"${BACK}" is reserved: it means "go back"`,
        });
      steps.set(`${flow.id}.${id}`, { ref: `${flow.id}.${id}`, file, flow: flow.id, id, def });
    }
  }
  return steps;
}

/** Every target a step can go to, with the field that names it. */
export function targetsOf(def: StepDef): { path: string; target: string }[] {
  switch (def.kind) {
    case "choice":
      return def.options.map((o, i) => ({ path: `options[${i}].next`, target: o.next }));
    case "branch":
      return [
        ...def.when.map((w, i) => ({ path: `when[${i}].next`, target: w.next })),
        { path: "else", target: def.else },
      ];
    case "language":
      return [
        { path: "next", target: def.next },
        ...(def.sos ? [{ path: "sos", target: def.sos }] : []),
      ];
    case "escalate":
      return def.next ? [{ path: "next", target: def.next }] : [];
    case "place":
      return [
        { path: "next", target: def.next },
        ...(def.unknown ? [{ path: "unknown", target: def.unknown }] : []),
      ];
    case "end":
    case "erase":
      return [];
    default:
      return [{ path: "next", target: def.next }];
  }
}

function globalTargets(src: FlowSources): { path: string; target: string }[] {
  const g = src.global;
  return [
    { path: "start", target: g.start },
    { path: "menu", target: g.menu },
    { path: "about", target: g.about },
    { path: "intents.emergency.next", target: g.intents.emergency.next },
    { path: "intents.erase.next", target: g.intents.erase.next },
    { path: "intents.language.next", target: g.intents.language.next },
    { path: "reattach", target: g.reattach },
    { path: "understanding.danger_check", target: g.understanding.danger_check },
    ...Object.entries(g.understanding.routes).map(([k, target]) => ({
      path: `understanding.routes.${k}`,
      target,
    })),
    ...Object.entries(g.commands).map(([k, target]) => ({ path: `commands.${k}`, target })),
    ...Object.entries(g.start_payloads).map(([k, target]) => ({
      path: `start_payloads.${k}`,
      target,
    })),
  ];
}

function unknownTarget(target: string, flow: string, steps: Map<string, Located>): string {
  const here = [...steps.values()].filter((s) => s.flow === flow).map((s) => s.id);
  const flows = [...new Set([...steps.values()].map((s) => s.flow))];
  const allowed = here.length > 0 ? `steps in this flow: ${here.join(", ")}; ` : "";
  return `unknown target "${target}" (${allowed}flows: ${flows.map((f) => `@${f}`).join(", ")}; or "${BACK}")`;
}

function stepProblem(st: Located, field: string, message: string): FlowProblem {
  return { file: st.file, path: `steps.${st.id}${field ? `.${field}` : ""}`, message };
}

function checkReachable(
  steps: Map<string, Located>,
  edges: Map<string, string[]>,
  roots: string[],
  problems: FlowProblem[],
): void {
  const seen = walk(roots, (r) => edges.get(r) ?? []);
  for (const st of steps.values()) {
    if (!seen.has(st.ref)) {
      problems.push(
        stepProblem(st, "", "cannot be reached from any start, menu, deep link or intent"),
      );
    }
  }
}

/** Steps that finish a conversation: an ending, a handoff, an erase, or going back. */
function isTerminal(def: StepDef): boolean {
  return def.kind === "end" || def.kind === "erase" || (def.kind === "escalate" && !def.next);
}

function checkEndings(
  steps: Map<string, Located>,
  edges: Map<string, string[]>,
  problems: FlowProblem[],
): void {
  const reverse = new Map<string, string[]>();
  const finishing: string[] = [];
  for (const [from, tos] of edges) {
    for (const to of tos) {
      if (to === BACK) finishing.push(from);
      else reverse.set(to, [...(reverse.get(to) ?? []), from]);
    }
  }
  for (const st of steps.values()) if (isTerminal(st.def)) finishing.push(st.ref);
  const canFinish = walk(finishing, (r) => reverse.get(r) ?? []);
  for (const st of steps.values()) {
    if (!canFinish.has(st.ref)) {
      problems.push(
        stepProblem(st, "", "dead end: no path from here reaches an end, a handoff or `back`"),
      );
    }
  }
}

/** A loop through steps that never wait would spin until the step limit. */
function checkAutoLoops(
  steps: Map<string, Located>,
  edges: Map<string, string[]>,
  problems: FlowProblem[],
): void {
  const waits = new Set(["choice", "ask", "place", "language", "secret_word"]);
  const auto = (r: string) => {
    const def = steps.get(r)?.def;
    return def !== undefined && !waits.has(def.kind);
  };
  const state = new Map<string, "open" | "done">();
  const visit = (r: string): boolean => {
    if (state.get(r) === "done") return false;
    if (state.get(r) === "open") return true;
    state.set(r, "open");
    const loops = (edges.get(r) ?? []).some((n) => auto(n) && visit(n));
    state.set(r, "done");
    return loops;
  };
  for (const st of steps.values()) {
    if (auto(st.ref) && !state.has(st.ref) && visit(st.ref)) {
      problems.push(
        stepProblem(
          st,
          "",
          "loops back to itself without asking anything: add a question or an end",
        ),
      );
    }
  }
}

function textKeysOf(def: StepDef): { path: string; key: string }[] {
  const keys: { path: string; key: string }[] = [];
  if ("text" in def && def.text !== undefined) {
    const list = Array.isArray(def.text) ? def.text : [def.text];
    for (const [i, key] of list.entries()) {
      keys.push({ path: Array.isArray(def.text) ? `text[${i}]` : "text", key });
    }
  }
  if (def.kind === "choice") {
    for (const [i, o] of def.options.entries()) {
      keys.push({ path: `options[${i}].text`, key: `${o.text}.label` });
    }
  }
  if (def.kind === "code") keys.push({ path: "none", key: def.none });
  return keys;
}

function checkStepTexts(st: Located, texts: Texts, problems: FlowProblem[]): void {
  for (const { path, key } of textKeysOf(st.def)) {
    const missing = texts.languages.filter((lng) => !texts.has(lng, key));
    if (missing.length > 0) {
      problems.push(
        stepProblem(st, path, `text "${key}" is missing in locale(s): ${missing.join(", ")}`),
      );
    }
  }
  if (st.def.kind === "choice") {
    const ids = st.def.options.map((o) => o.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dup.length > 0)
      problems.push(stepProblem(st, "options", `option id(s) used twice: ${dup.join(", ")}`));
  }
}

function checkStepData(st: Located, directory: DirectoryView, problems: FlowProblem[]): void {
  const def = st.def;
  if (def.kind === "say") {
    (def.show ?? []).forEach((block, i) => {
      if (!directory.hasBlock(block)) {
        problems.push(
          stepProblem(
            st,
            `show[${i}]`,
            `"${block}" is not in the directory (or is marked do-not-use)`,
          ),
        );
      }
    });
  }
  if (def.kind === "branch") {
    def.when.forEach((w, i) => {
      const codes = w.if.country === undefined ? [] : [w.if.country].flat();
      for (const code of codes) {
        if (typeof code !== "string" || !directory.hasCountry(code)) {
          problems.push(
            stepProblem(
              st,
              `when[${i}].if.country`,
              `unknown country "${String(code)}"; use ISO codes such as KH, MM, LA, TH`,
            ),
          );
        }
      }
    });
  }
  if (def.kind === "choice") {
    def.options.forEach((o, i) => {
      if (o.country !== undefined && o.country !== "other" && !directory.hasCountry(o.country))
        problems.push(
          stepProblem(
            st,
            `options[${i}].country`,
            `unknown country "${o.country}"; use ISO codes the directory knows (KH, MM, LA, TH...) or \`other\``,
          ),
        );
    });
  }
  if (def.kind === "ask" && def.min !== undefined && def.max !== undefined && def.min > def.max) {
    problems.push(stepProblem(st, "min", `min (${def.min}) is larger than max (${def.max})`));
  }
}

/** Branch conditions and reports may only use answers some step records. */
function checkFields(steps: Map<string, Located>, problems: FlowProblem[]): void {
  const recorded = new Set<string>(["country"]);
  for (const { def } of steps.values()) {
    if (def.kind === "ask") recorded.add(def.save);
    if (def.kind === "choice") {
      if (def.save) recorded.add(def.save);
      for (const o of def.options) for (const k of Object.keys(o.set ?? {})) recorded.add(k);
    }
  }
  for (const st of steps.values()) {
    const used =
      st.def.kind === "branch"
        ? st.def.when.flatMap((w, i) =>
            Object.keys(w.if).map((f) => ({ f, path: `when[${i}].if.${f}` })),
          )
        : st.def.kind === "report"
          ? st.def.fields.map((f, i) => ({ f, path: `fields[${i}]` }))
          : st.def.kind === "checkin"
            ? [
                { f: st.def.in, path: "in" },
                { f: st.def.window, path: "window" },
              ]
            : st.def.kind === "reattach"
              ? [{ f: st.def.answer, path: "answer" }]
              : [];
    for (const { f, path } of used) {
      if (!recorded.has(f)) {
        problems.push(
          stepProblem(
            st,
            path,
            `no step records an answer "${f}" (recorded: ${[...recorded].join(", ")})`,
          ),
        );
      }
    }
  }
}

function checkTriage(src: FlowSources, steps: Map<string, Located>, problems: FlowProblem[]): void {
  const globalFile = `${src.dir}/${GLOBAL_FILE}`;
  const reasons = src.global.triage.reasons;
  const known = Object.keys(reasons).join(", ");
  const check = (reason: string | undefined, at: () => FlowProblem) => {
    if (reason !== undefined && !(reason in reasons))
      problems.push({ ...at(), message: `unknown triage reason "${reason}" (known: ${known})` });
  };
  for (const st of steps.values()) {
    const def = st.def;
    if (def.kind === "choice") {
      for (const [i, o] of def.options.entries()) {
        check(o.flag, () => stepProblem(st, `options[${i}].flag`, ""));
      }
    }
    if (def.kind === "ask" || def.kind === "escalate")
      check(def.flag, () => stepProblem(st, "flag", ""));
  }
  const g = src.global;
  check(g.intents.emergency.flag, () => ({
    file: globalFile,
    path: "intents.emergency.flag",
    message: "",
  }));
  check(g.intents.human.flag, () => ({
    file: globalFile,
    path: "intents.human.flag",
    message: "",
  }));
  check(g.understanding.someone_else_flag, () => ({
    file: globalFile,
    path: "understanding.someone_else_flag",
    message: "",
  }));
}

/** Options choose themselves by facts the vocabulary knows. */
function checkFacts(
  steps: Map<string, Located>,
  factNames: ReadonlySet<string>,
  problems: FlowProblem[],
): void {
  const known = [...factNames].join(", ");
  for (const st of steps.values()) {
    if (st.def.kind !== "choice") continue;
    for (const [i, o] of st.def.options.entries()) {
      for (const [k, fact] of (o.facts ?? []).entries()) {
        if (!factNames.has(fact))
          problems.push(
            stepProblem(
              st,
              `options[${i}].facts[${k}]`,
              `unknown fact "${fact}" (facts in understanding.json: ${known})`,
            ),
          );
      }
    }
  }
}

function checkGlobalTexts(src: FlowSources, texts: Texts, problems: FlowProblem[]): void {
  const globalFile = `${src.dir}/${GLOBAL_FILE}`;
  for (const [intent, key] of Object.entries(src.global.understanding.answers)) {
    const missing = texts.languages.filter((lng) => !texts.has(lng, key));
    if (missing.length > 0)
      problems.push({
        file: globalFile,
        path: `understanding.answers.${intent}`,
        message: `text "${key}" is missing in locale(s): ${missing.join(", ")}`,
      });
  }
  for (const key of ENGINE_TEXT_KEYS) {
    const missing = texts.languages.filter((lng) => !texts.has(lng, key));
    if (missing.length > 0) {
      problems.push({
        file: globalFile,
        path: "",
        message: `text "${key}" (used by the engine) is missing in locale(s): ${missing.join(", ")}`,
      });
    }
  }
  for (const key of ENGINE_KEYWORD_LISTS) {
    const missing = texts.languages.filter((lng) => texts.list(lng, key).length === 0);
    if (missing.length > 0) {
      problems.push({
        file: globalFile,
        path: "",
        message: `word list "${key}" is missing or empty in locale(s): ${missing.join(", ")}`,
      });
    }
  }
}

function walk(from: readonly string[], next: (r: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...from];
  while (queue.length > 0) {
    const r = queue.pop() as string;
    if (seen.has(r)) continue;
    seen.add(r);
    queue.push(...next(r));
  }
  return seen;
}
