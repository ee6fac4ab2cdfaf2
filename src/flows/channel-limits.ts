/**
 * Content against the channels' limits: every question each flow can ask, in every
 * language, asked by the engine as it would ask a person, rendered by each channel and
 * measured there (Telegram's 64 bytes of button data; WhatsApp's button and row titles,
 * ids and bodies). Problems name the file, the step and the field, like the other checks,
 * so `npm run flows:check` and start-up refuse a label WhatsApp would cut.
 */
import { join } from "node:path";
import type { LimitProblem, Question } from "../channels/limits.js";
import { telegramLimitProblems } from "../channels/telegram/limits.js";
import { whatsappLimitProblems } from "../channels/whatsapp/limits.js";
import type { CompiledStep } from "../engine/flow-model.js";
import { newSession } from "../engine/session.js";
import { STEP_KINDS, WAITING_KINDS } from "../engine/steps/index.js";
import { Turn } from "../engine/turn.js";
import type { Bundle } from "../engine/types.js";
import type { FlowProblem, FlowSources } from "./load.js";

/** Where the flows and texts came from, for naming files in problems. */
export interface LimitSources {
  flows: FlowSources;
  localesDir: string;
}

/** Every place where content does not fit a channel (empty when all fits). */
export function channelLimitProblems(bundle: Bundle, sources: LimitSources): FlowProblem[] {
  const fileOf = new Map(sources.flows.flows.map(({ file, flow }) => [flow.id, file]));
  const found = new Map<string, FlowProblem>();
  for (const lng of bundle.texts.languages) {
    const words = {
      choose: bundle.texts.t(lng, "whatsapp:choose"),
      moreChoices: bundle.texts.t(lng, "whatsapp:more_choices"),
    };
    for (const { step, question } of questionsIn(bundle, lng)) {
      const channels = [
        { name: "Telegram", problems: telegramLimitProblems(question) },
        { name: "WhatsApp", problems: whatsappLimitProblems(question, words) },
      ];
      for (const { problems } of channels) {
        for (const p of problems) {
          const located = locate(p, step, {
            lng,
            file: fileOf.get(step.flow) ?? step.flow,
            sources,
          });
          // Ids are the same in every language: report each once.
          found.set(`${located.file}\n${located.path}\n${located.message}`, located);
        }
      }
    }
  }
  return [...found.values()];
}

/** Every question the flows ask in `lng`, with its buttons, as the engine asks it. */
function questionsIn(bundle: Bundle, lng: string): { step: CompiledStep; question: Question }[] {
  const out: { step: CompiledStep; question: Question }[] = [];
  for (const step of bundle.flows.steps.values()) {
    if (!WAITING_KINDS.has(step.def.kind)) continue;
    const session = newSession(0, lng);
    // As if the person had asked to change language: the language question is asked
    // even though the language is known.
    session.resume = step.ref;
    const turn = new Turn(bundle, session, { now: 0, ids: () => "check" });
    STEP_KINDS[step.def.kind].enter(turn, step);
    for (const e of turn.effects) {
      if (e.type === "reply" && e.stepRef !== undefined) out.push({ step, question: e });
    }
  }
  return out;
}

/** A channel's problem as a flow problem: file, field and what is allowed. */
function locate(
  p: LimitProblem,
  step: CompiledStep,
  at: { lng: string; file: string; sources: LimitSources },
): FlowProblem {
  const here = `steps.${step.id}`;
  const { subject } = p;
  if (subject.kind === "word") {
    const [ns, key] = subject.key.split(":") as [string, string];
    return {
      file: join(at.sources.localesDir, at.lng, `${ns}.json`),
      path: key,
      message: p.message,
    };
  }
  if (subject.kind === "text") {
    const key = "text" in step.def ? String(step.def.text) : "";
    return { file: at.file, path: `${here}.text`, message: `in ${at.lng} (${key}): ${p.message}` };
  }
  const options = step.def.kind === "choice" ? step.def.options : [];
  const index = options.findIndex((o) => o.id === subject.button);
  const option = options[index];
  if (!option) {
    // A button the engine adds (skip, "I don't know", a language): its words are in locales.
    const what = subject.kind === "label" ? `in ${at.lng}, ` : "";
    return {
      file: at.file,
      path: here,
      message: `button "${subject.button}": ${what}${p.message}`,
    };
  }
  if (subject.kind === "id")
    return { file: at.file, path: `${here}.options[${index}].id`, message: p.message };
  return {
    file: at.file,
    path: `${here}.options[${index}].text`,
    message: `in ${at.lng} (${option.text}.label): ${p.message}`,
  };
}
