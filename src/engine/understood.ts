/**
 * Acting on what a message says (see `Reading`): facts are kept so no question is asked
 * twice, danger raises a case at once (or a short question when unsure), a first message
 * goes where it asks to go, and a question the flow did not ask gets an honest answer.
 */
import type { Reading } from "../understanding/index.js";
import type { CompiledStep } from "./flow-model.js";
import {
  askForHuman,
  emergencyText,
  isCommand,
  raiseEmergency,
  resumesHere,
  runCommandIntent,
  runIntent,
} from "./intents.js";
import { newsAsked } from "./reunite.js";
import { follow, goTo, reask } from "./run.js";
import { STEP_KINDS } from "./steps/index.js";
import { noteMention } from "./steps/place.js";
import { priorityOf } from "./triage.js";
import type { Turn } from "./turn.js";
import type { Inbound } from "./types.js";
import { classified, wantedIntent } from "./wants.js";

type TextInbound = Extract<Inbound, { kind: "text" }>;

/** Questions answered by typing, where "SOS" alone would be taken as the answer. */
const FREE_TEXT: ReadonlySet<string> = new Set(["ask", "place", "secret_word"]);

/** Most facts a session keeps (it must stay small). */
const MAX_FACTS = 40;

/**
 * Read a typed message before any question handles it. Returns whether it was handled
 * (an always-working word, or danger that changes what happens next).
 */
export function understood(turn: Turn, inbound: TextInbound, current?: CompiledStep): boolean {
  const reading = turn.read(inbound.text);
  const elsewhere = aboutSomeoneElse(turn, reading, current);
  // A family is answered as a family ("Anda"), from their first message on.
  if (elsewhere) turn.aboutRelative = true;
  learn(turn, reading, current, elsewhere);
  // In a family's report "tolong" and "bahaya" are about the relative, never a detour.
  if (runIntent(turn, inbound, elsewhere ? "emergency" : undefined)) return true;
  if (elsewhere) return relativeNoted(turn, reading, current);
  if (reading.danger === "yes") {
    ownDanger(turn, inbound, reading, current);
    return true;
  }
  if (reading.danger === "maybe") turn.unsure = true;
  return false;
}

/**
 * Whether danger words describe someone else: inside a family's report, or in a message
 * that opens a conversation speaking of a relative ("anak saya disekap di kamboja").
 */
export function aboutSomeoneElse(
  turn: Turn,
  reading: Reading,
  current: CompiledStep | undefined,
): boolean {
  const { s, bundle } = turn;
  const u = bundle.flows.global.understanding;
  if (s.flow !== undefined && u.about_someone_else_in.includes(s.flow) && s.mode === "bot")
    return true;
  const opening = current === undefined ? !s.waiting : current.flow === startFlow(turn);
  // Weighed as where the message will go: a family's report, or the person's own help.
  const wanted = opening ? wantedIntent(bundle, reading) : undefined;
  return wanted !== undefined && u.someone_else_when.includes(wanted);
}

function startFlow(turn: Turn): string | undefined {
  return flowOf(turn, turn.bundle.flows.startRef);
}

/**
 * The family said their relative is in danger: say once that the report comes first. A
 * message that is nothing but "SOS" or "tolong" answers no question: ask it again.
 */
function relativeNoted(turn: Turn, reading: Reading, current: CompiledStep | undefined): boolean {
  const flag = turn.bundle.flows.global.understanding.someone_else_flag;
  const fresh =
    flag !== undefined && turn.s.reasons.includes(flag) && !turn.reasonsBefore.includes(flag);
  if (fresh) turn.reply(turn.t("common:relative_danger_noted"));
  if (!reading.onlyPlea || current === undefined || !FREE_TEXT.has(current.def.kind)) return false;
  if (!fresh) turn.reply(turn.t("common:only_plea_family"));
  reask(turn, current);
  return true;
}

/**
 * Keep what the message states: facts (so their questions are not asked again), the
 * triage reasons among them, a place named in passing, and, in a family's report, that
 * the relative is in danger.
 */
function learn(
  turn: Turn,
  reading: Reading,
  current: CompiledStep | undefined,
  elsewhere: boolean,
): void {
  const { s, bundle } = turn;
  const g = bundle.flows.global;
  const facts = new Set(s.facts ?? []);
  // Danger counts once it is plain (or, in a family's report, said of the relative);
  // an unsure hint waits for the person's answer to the danger question.
  const dangerCounts = elsewhere || reading.danger === "yes";
  for (const f of reading.facts) {
    if (facts.size < MAX_FACTS) facts.add(f);
    const danger = reading.reasons.includes(f);
    if (f in g.triage.reasons && (dangerCounts || !danger)) turn.flag(f);
  }
  if (facts.size > 0) s.facts = [...facts];
  if (elsewhere && (reading.reasons.length > 0 || reading.alarm || reading.calls))
    turn.flag(g.understanding.someone_else_flag);
  // A place step reads the place itself: the gazetteer is asked once, not twice.
  if (current?.def.kind !== "place" && reading.place) noteMention(turn, reading.place);
}

/**
 * The person says they are in danger now. Inside the help questions the message may also
 * answer the open question ("sy luka kepala sama tangan"): it is taken, and the hotline is
 * sent the first time; otherwise the emergency path runs (hotline, then where they are).
 */
function ownDanger(
  turn: Turn,
  inbound: TextInbound,
  reading: Reading,
  current: CompiledStep | undefined,
): void {
  const { s, bundle } = turn;
  const config = bundle.flows.global.intents.emergency;
  const reasons = reading.reasons.length > 0 ? reading.reasons : [config.flag];
  const triage = bundle.flows.global.triage;
  const wasUrgent =
    s.caseRef !== undefined &&
    priorityOf(turn.reasonsBefore, triage.reasons, triage.default) === "P1";
  const inHelp = current !== undefined && resumesHere(turn, current.flow, current.ref);
  if (!inHelp || s.mode === "operator") {
    raiseEmergency(turn, inbound, reasons);
    return;
  }
  const open = current as CompiledStep;
  for (const r of reasons) turn.flag(r);
  turn.record(config.set);
  s.waiting = true;
  const kind = STEP_KINDS[open.def.kind];
  const advance = kind.accept ? kind.accept(turn, open, inbound) : { retry: "" };
  if (!wasUrgent || "retry" in advance) turn.replyAll(emergencyText(turn));
  if ("retry" in advance) reask(turn, open);
  else follow(turn, open, advance);
  // Operators hear it with the answer just given (unless the flow already escalated).
  if (!turn.escalated) turn.escalate();
}

/**
 * A typed answer the open question could not take: ask about danger when the message
 * hinted at it, answer a question the person asked, or call a human they asked for.
 * Returns whether the message was handled so.
 */
export function answeredOtherwise(
  turn: Turn,
  current: CompiledStep,
  inbound: TextInbound,
): boolean {
  const { s, bundle } = turn;
  const reading = turn.read(inbound.text);
  if (turn.unsure && current.flow !== flowOf(turn, bundle.flows.dangerCheckRef)) {
    s.resume = current.ref;
    goTo(turn, bundle.flows.dangerCheckRef);
    return true;
  }
  const intent = classified(turn.bundle, reading);
  const answer = intent ? bundle.flows.global.understanding.answers[intent] : undefined;
  if (answer) {
    turn.reply(turn.t(answer));
    reask(turn, current);
    return true;
  }
  if (intent === "human") {
    askForHuman(turn);
    return true;
  }
  if (reading.empty) {
    turn.reply(turn.t("common:only_emoji"));
    reask(turn, current);
    return true;
  }
  return false;
}

/**
 * A message while no question is open (the first message too): go where it asks to go,
 * with a short welcome the first time, or answer the question it asks. Returns whether
 * it was handled so.
 */
export function routed(turn: Turn, inbound: TextInbound): boolean {
  const { s, bundle } = turn;
  const reading = turn.read(inbound.text);
  const intent = wantedIntent(bundle, reading);
  if (intent && isCommand(intent) && intent !== "emergency") {
    runCommandIntent(turn, intent, inbound);
    return true;
  }
  if (newsAsked(turn, intent)) return true;
  const u = bundle.flows.global.understanding;
  const answer = intent ? u.answers[intent] : undefined;
  const target = intent ? bundle.flows.routeRefs.get(intent) : undefined;
  if (!answer && !target) {
    if (!reading.empty) return false;
    turn.reply(turn.t("common:only_emoji"));
    goTo(turn, s.lang ? bundle.flows.menuRef : bundle.flows.startRef);
    return true;
  }
  if (s.flow === undefined) turn.reply(turn.t("common:welcome_short"));
  if (answer) turn.reply(turn.t(answer));
  goTo(turn, target ?? bundle.flows.menuRef);
  return true;
}

function flowOf(turn: Turn, ref: string): string | undefined {
  return turn.bundle.flows.steps.get(ref)?.flow;
}
