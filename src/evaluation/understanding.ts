/**
 * Measuring understanding on the evaluation set (`test/understanding/eval-set/*.yaml`):
 * messages written the way people write, labelled by hand, never used for training.
 * Danger and answers are measured through the real engine (what a person would get);
 * intents through the understanding layer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { copySession, newSession, type Session } from "../engine/session.js";
import { step } from "../engine/step.js";
import { chosenOption } from "../engine/steps/choice.js";
import { priorityOf } from "../engine/triage.js";
import { Turn } from "../engine/turn.js";
import type { Bundle, Effect } from "../engine/types.js";
import { wantedIntent } from "../engine/wants.js";

const itemSchema = z
  .object({
    text: z.string(),
    at: z.string(),
    danger: z.boolean(),
    reasons: z.array(z.string()).optional(),
    intent: z.string().optional(),
    option: z.union([z.string(), z.number()]).optional(),
    facts: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type EvalItem = z.infer<typeof itemSchema> & { lang: string };

/** The evaluation set of each language in `dir` (`<lng>.yaml`). */
export function readEvalSet(dir: string, languages: readonly string[]): EvalItem[] {
  return languages.flatMap((lang) => {
    const items = z.array(itemSchema).parse(parse(readFileSync(join(dir, `${lang}.yaml`), "utf8")));
    return items.map((item) => ({ ...item, lang }));
  });
}

/** Precision and recall of one class, with the messages it got wrong. */
export interface ClassScore {
  label: string;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  precision: number;
  recall: number;
}

export interface LanguageReport {
  lang: string;
  items: number;
  /** Share of danger messages that raised P1 at once. */
  emergencyRecall: number;
  /** Share of danger messages that raised P1 at once or were asked about danger. */
  emergencyRecallWithQuestion: number;
  /** Share of calm messages that raised P1. */
  falseEmergencyRate: number;
  /** Share of calm messages that were asked about danger. */
  askedCalmRate: number;
  /** Share of labelled answers the engine recorded as labelled. */
  optionAccuracy: number;
  /** Share of labelled intents read as labelled (`none` included). */
  intentAccuracy: number;
  intents: ClassScore[];
  reasons: ClassScore[];
  misses: Miss[];
}

export interface Miss {
  kind: "danger" | "false_danger" | "option" | "intent" | "reason";
  text: string;
  at: string;
  expected: string;
  got: string;
}

const NOW = Date.UTC(2026, 11, 1, 8);

/** Run the set through the engine and the understanding layer. */
export function evaluate(bundle: Bundle, items: readonly EvalItem[]): LanguageReport[] {
  const languages = [...new Set(items.map((i) => i.lang))];
  return languages.map((lang) =>
    report(
      bundle,
      lang,
      items.filter((i) => i.lang === lang),
    ),
  );
}

function report(bundle: Bundle, lang: string, items: readonly EvalItem[]): LanguageReport {
  const misses: Miss[] = [];
  let danger = 0;
  let caught = 0;
  let caughtOrAsked = 0;
  let calm = 0;
  let falseAlarms = 0;
  let askedCalm = 0;
  let options = 0;
  let optionsRight = 0;
  const intentPairs: [string, string][] = [];
  const reasonPairs: { expected: Set<string>; got: Set<string> }[] = [];
  for (const item of items) {
    const out = runItem(bundle, item);
    if (item.danger) {
      danger += 1;
      if (out.p1) caught += 1;
      if (out.p1 || out.asked) caughtOrAsked += 1;
      else misses.push(miss("danger", item, "P1", out.asked ? "asked" : "nothing"));
    } else {
      calm += 1;
      if (out.p1) {
        falseAlarms += 1;
        misses.push(miss("false_danger", item, "calm", `P1 (${out.newReasons.join(", ")})`));
      } else if (out.asked) askedCalm += 1;
    }
    if (item.option !== undefined) {
      options += 1;
      if (String(out.answer) === String(item.option)) optionsRight += 1;
      else misses.push(miss("option", item, String(item.option), String(out.answer ?? "-")));
    }
    if (item.intent !== undefined) {
      const got = intentOf(bundle, item.text);
      intentPairs.push([item.intent, got]);
      if (got !== item.intent) misses.push(miss("intent", item, item.intent, got));
    }
    if (item.reasons && item.reasons.length > 0) {
      const read = bundle.understanding.read(item.text);
      reasonPairs.push({ expected: new Set(item.reasons), got: new Set(read.facts) });
    }
  }
  const intents = classScores(intentPairs);
  return {
    lang,
    items: items.length,
    emergencyRecall: ratio(caught, danger),
    emergencyRecallWithQuestion: ratio(caughtOrAsked, danger),
    falseEmergencyRate: ratio(falseAlarms, calm),
    askedCalmRate: ratio(askedCalm, calm),
    optionAccuracy: ratio(optionsRight, options),
    intentAccuracy: ratio(intentPairs.filter(([e, g]) => e === g).length, intentPairs.length),
    intents,
    reasons: reasonScores(reasonPairs),
    misses,
  };
}

interface Outcome {
  p1: boolean;
  asked: boolean;
  newReasons: string[];
  answer: string | number | boolean | undefined;
}

/** What the engine does with the message, sent at the item's place in a conversation. */
function runItem(bundle: Bundle, item: EvalItem): Outcome {
  const before = sessionAt(bundle, item);
  let n = 0;
  const ctx = { now: NOW, ids: () => `R${++n}` };
  const { session, effects } = step(bundle, before, { kind: "text", text: item.text }, ctx);
  const triage = bundle.flows.global.triage;
  const priorBefore = before ? priorityOf(before.reasons, triage.reasons, triage.default) : "P3";
  const priorAfter = priorityOf(session.reasons, triage.reasons, triage.default);
  const newReasons = session.reasons.filter((r) => !before?.reasons.includes(r));
  return {
    p1: priorAfter === "P1" && priorBefore !== "P1",
    asked: effects.some(asksAboutDanger),
    newReasons,
    answer: answerOf(bundle, item, before, session, effects),
  };
}

function asksAboutDanger(e: Effect): boolean {
  return (
    e.type === "reply" && (e.stepRef === "danger_check.question" || e.stepRef === "help.safety")
  );
}

/** A session waiting at the item's question (or none for a first message). */
function sessionAt(bundle: Bundle, item: EvalItem): Session | undefined {
  if (item.at === "first") return undefined;
  const s = newSession(NOW - 60_000, item.lang);
  s.turns = 4;
  s.heard = NOW - 60_000;
  if (item.at === "idle") {
    s.flow = "help";
    s.caseRef = "CASE1";
    s.waiting = true;
    return s;
  }
  const current = bundle.flows.steps.get(item.at);
  if (!current) throw new Error(`eval item at unknown step "${item.at}": ${item.text}`);
  s.at = current.ref;
  s.flow = current.flow;
  return s;
}

/** What the engine recorded as the answer to the item's question. */
function answerOf(
  bundle: Bundle,
  item: EvalItem,
  before: Session | undefined,
  after: Session,
  effects: readonly Effect[],
): string | number | boolean | undefined {
  const current = bundle.flows.steps.get(item.at);
  if (!current) return undefined;
  const def = current.def;
  // A flow that ended handed its answers to the case or report.
  const handed = effects.flatMap((e) =>
    e.type === "escalate" || e.type === "report" ? [e.summary.answers] : [],
  );
  const answers = Object.assign({}, ...handed, after.answers) as Session["answers"];
  const moved =
    after.at !== current.ref ||
    !effects.some((e) => e.type === "reply" && e.stepRef === current.ref);
  if (def.kind === "choice" && before) {
    // What the person's words choose, whether or not the flow then ends or detours.
    const turn = new Turn(bundle, copySession(before), { now: NOW, ids: () => "R0" });
    return chosenOption(turn, current, { kind: "text", text: item.text })?.id;
  }
  if (def.kind === "choice" || def.kind === "language") {
    if (def.kind === "language") {
      if (after.flow !== current.flow) return "_sos";
      return after.lang !== before?.lang || moved ? after.lang : undefined;
    }
    if (def.save && answers[def.save] !== undefined) return answers[def.save];
    if (!moved) return undefined;
    // Without `save`, the option is the one whose target the conversation went to.
    const went = def.options.find(
      (o) => o.next === after.at || bundle.flows.steps.get(o.next)?.flow === after.flow,
    );
    return went?.id ?? "_moved";
  }
  if (def.kind === "place") {
    const p = after.place;
    if (p?.id) return p.id;
    if (p?.country) return p.country;
    return moved ? "_unknown" : undefined;
  }
  if (def.kind === "ask") {
    const v = answers[def.save];
    if (v !== undefined) return v;
    return moved ? "_skip" : undefined;
  }
  return undefined;
}

/** The intent as the engine acts on it: an always-working word first, then all signals. */
function intentOf(bundle: Bundle, text: string): string {
  const u = bundle.understanding;
  const reading = u.read(text);
  const command = u.command(reading);
  if (command === "emergency") return "help";
  if (command) return command;
  return wantedIntent(bundle, reading) ?? "none";
}

function classScores(pairs: readonly [string, string][]): ClassScore[] {
  const labels = [...new Set(pairs.flat())].sort();
  return labels.map((label) => {
    const tp = pairs.filter(([e, g]) => e === label && g === label).length;
    const fp = pairs.filter(([e, g]) => e !== label && g === label).length;
    const fn = pairs.filter(([e, g]) => e === label && g !== label).length;
    return score(label, tp, fp, fn);
  });
}

function reasonScores(pairs: readonly { expected: Set<string>; got: Set<string> }[]): ClassScore[] {
  const labels = [...new Set(pairs.flatMap((p) => [...p.expected]))].sort();
  return labels.map((label) => {
    const tp = pairs.filter((p) => p.expected.has(label) && p.got.has(label)).length;
    const fp = pairs.filter((p) => !p.expected.has(label) && p.got.has(label)).length;
    const fn = pairs.filter((p) => p.expected.has(label) && !p.got.has(label)).length;
    return score(label, tp, fp, fn);
  });
}

function score(label: string, tp: number, fp: number, fn: number): ClassScore {
  return {
    label,
    truePositive: tp,
    falsePositive: fp,
    falseNegative: fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

function miss(kind: Miss["kind"], item: EvalItem, expected: string, got: string): Miss {
  return { kind, text: item.text, at: item.at, expected, got };
}
