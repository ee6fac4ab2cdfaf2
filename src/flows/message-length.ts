/**
 * The longest message a person gets (`safety.max_message_chars` in `flows/global.yaml`),
 * measured on what would be sent: every step of every flow entered through the engine as
 * a person would meet it (in each register, at each priority, and, where the step shows
 * directory contacts, for every place and country the directory knows), the messages the
 * engine writes itself (an emergency, waiting, the embassy steps operators send), and every
 * text in the locales. Problems name the file and the field, like the other checks.
 */
import { join } from "node:path";
import type { CompiledStep } from "../engine/flow-model.js";
import { emergencyText } from "../engine/intents.js";
import { missionSteps } from "../engine/operator.js";
import { newSession, type Session } from "../engine/session.js";
import { waitingText } from "../engine/step.js";
import { STEP_KINDS } from "../engine/steps/index.js";
import { packMessages, Turn } from "../engine/turn.js";
import type { Bundle, PlaceAnswer, Priority } from "../engine/types.js";
import type { FlowProblem, FlowSources } from "./load.js";

/** Where the content came from, and every place a person can be resolved to. */
export interface LengthSources {
  flows: FlowSources;
  localesDir: string;
  /** Each place and country the directory knows (and nowhere): contacts differ by place. */
  places: readonly { where: string; place: PlaceAnswer | undefined }[];
  /** Every text key people read (`ns:path`), to measure texts no step names. */
  textKeys: readonly string[];
}

/** A case code and a reference as long as real ones, so measured lengths are real. */
const SAMPLE = { code: "7QX9-M2PA-KDC", ref: "7QX9M-2PAKD" };

/** Every message over the limit (empty when all fit). */
export function messageLengthProblems(bundle: Bundle, sources: LengthSources): FlowProblem[] {
  const max = bundle.flows.global.safety.max_message_chars;
  const fileOf = new Map(sources.flows.flows.map(({ file, flow }) => [flow.id, file]));
  const found = new Map<string, FlowProblem>();
  const note = (p: FlowProblem, length: number) => {
    const key = `${p.file}\n${p.path}`;
    const known = found.get(key);
    if (!known || lengthIn(known) < length) found.set(key, p);
  };
  const tooLong = (length: number, lng: string, what: string, where?: string) =>
    `in ${lng}${where ? ` for ${where}` : ""}${what}: a message of ${length} characters; a message holds at most ${max} (safety.max_message_chars in flows/global.yaml): shorten it or split the step`;

  for (const lng of bundle.texts.languages) {
    for (const step of bundle.flows.steps.values()) {
      const file = fileOf.get(step.flow) ?? step.flow;
      const texts = "text" in step.def && step.def.text ? [step.def.text].flat().join(", ") : "";
      for (const { where, session } of situations(bundle, step, lng, sources.places)) {
        for (const text of repliesOf(bundle, step, session)) {
          if (text.length > max)
            note(
              {
                file,
                path: `steps.${step.id}.text`,
                message: tooLong(text.length, lng, texts ? ` (${texts})` : "", where),
              },
              text.length,
            );
        }
      }
    }
    // What the engine writes itself, wherever the person is.
    for (const { where, place } of sources.places) {
      for (const [key, parts] of composed(bundle, lng, place)) {
        for (const text of packMessages(parts, max)) {
          if (text.length <= max) continue;
          const [ns, path] = key.split(":") as [string, string];
          note(
            {
              file: join(sources.localesDir, lng, `${ns}.json`),
              path,
              message: tooLong(text.length, lng, " (with the contacts shown after it)", where),
            },
            text.length,
          );
        }
      }
    }
    // Every text on its own, in each register and at each priority.
    for (const key of sources.textKeys) {
      for (const session of registers(bundle, lng)) {
        const text = new Turn(bundle, session, context()).t(key);
        if (text.length <= max) continue;
        const [ns, path] = key.split(":") as [string, string];
        note(
          {
            file: join(sources.localesDir, lng, `${ns}.json`),
            path,
            message: tooLong(text.length, lng, ""),
          },
          text.length,
        );
      }
    }
  }
  return [...found.values()];
}

function lengthIn(p: FlowProblem): number {
  return Number(/a message of (\d+)/.exec(p.message)?.[1] ?? 0);
}

function context() {
  return { now: 0, ids: () => SAMPLE.ref, codes: () => SAMPLE.code };
}

/** A reason of each priority in the triage table, to say what waiting looks like at each. */
function priorities(bundle: Bundle): { priority: Priority; reasons: string[] }[] {
  const table = bundle.flows.global.triage.reasons;
  return (["P1", "P2", "P3"] as const).map((priority) => {
    const reason = Object.entries(table).find(([, p]) => p === priority)?.[0];
    return { priority, reasons: reason ? [reason] : [] };
  });
}

/** A person at each priority, with a case and a code, in `flow` (registers follow flows). */
function sessionAt(lng: string, flow: string | undefined, reasons: string[]): Session {
  const s = newSession(0, lng);
  if (flow !== undefined) s.flow = flow;
  s.reasons = [...reasons];
  s.caseRef = SAMPLE.ref;
  s.code = SAMPLE.code;
  return s;
}

/** Sessions in each register (a family's and anyone else's), at each priority. */
function registers(bundle: Bundle, lng: string): Session[] {
  const family = bundle.flows.global.understanding.about_someone_else_in[0];
  return [undefined, family].flatMap((flow) =>
    priorities(bundle).map(({ reasons }) => sessionAt(lng, flow, reasons)),
  );
}

/**
 * The situations a step can be met in: at each priority, and for a step that shows
 * directory contacts, at every place the directory knows.
 */
function situations(
  bundle: Bundle,
  step: CompiledStep,
  lng: string,
  places: LengthSources["places"],
): { where?: string; session: Session }[] {
  const shows = step.def.kind === "say" && (step.def.show ?? []).length > 0;
  const where = shows ? places : [{ where: "", place: undefined }];
  return priorities(bundle).flatMap(({ reasons }) =>
    where.map(({ where: name, place }) => {
      const s = sessionAt(lng, step.flow, reasons);
      if (place) s.place = { ...place, via: "answer" };
      // As if the person had asked to change language: the language question is asked.
      s.resume = step.ref;
      if (step.def.kind === "checkin") {
        s.answers[step.def.in] = 1440;
        s.answers[step.def.window] = 120;
      }
      return { ...(name ? { where: name } : {}), session: s };
    }),
  );
}

/** The texts a step sends when entered. */
function repliesOf(bundle: Bundle, step: CompiledStep, session: Session): string[] {
  const turn = new Turn(bundle, session, context());
  STEP_KINDS[step.def.kind].enter(turn, step);
  return turn.effects.flatMap((e) => (e.type === "reply" ? [e.text] : []));
}

/** Messages the engine composes from texts and contacts. */
function composed(
  bundle: Bundle,
  lng: string,
  place: PlaceAnswer | undefined,
): [string, string[]][] {
  const turn = () => {
    const s = sessionAt(lng, undefined, []);
    if (place) s.place = { ...place, via: "answer" };
    return new Turn(bundle, s, context());
  };
  return [
    ["common:intent.emergency", emergencyText(turn())],
    ["common:waiting", waitingText(turn(), { kind: "media", media: "photo" })],
    ["common:operator.steps", missionSteps(turn())],
  ];
}
