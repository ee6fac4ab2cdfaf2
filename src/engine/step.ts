/**
 * The engine: one pure function from (flows, session, message) to (session, effects).
 */
import type { CompiledStep } from "./flow-model.js";
import { runCommand } from "./intents.js";
import { operatorEvent } from "./operator.js";
import { clearFlow, follow, goTo, reask } from "./run.js";
import {
  checkinAnswered,
  codeTyped,
  decorateForDiscretion,
  duress,
  quickExit,
  systemEvent,
} from "./safety.js";
import { copySession, migrateSession, newSession, type Session } from "./session.js";
import { STEP_KINDS } from "./steps/index.js";
import { notePin } from "./steps/place.js";
import { Turn } from "./turn.js";
import type { Bundle, Inbound, StepContext, StepResult } from "./types.js";
import { answeredOtherwise, routed, understood } from "./understood.js";

/**
 * Advance a conversation by one message. **Pure**: no I/O, no clock, no randomness
 * beyond `ctx`; the same inputs give the same outputs. The caller saves the returned
 * session and then carries out the effects.
 *
 * @param bundle flows, texts and directory, loaded and validated at start-up
 * @param session the stored session, or undefined for a new conversation
 * @param inbound the person's message, normalised by the channel adapter
 * @param ctx the current time and an id source
 *
 * @example
 * const { session, effects } = step(bundle, undefined, { kind: "text", text: "halo" }, ctx);
 * // effects[0] -> { type: "reply", text: "Pilih bahasa / Choose your language", buttons: [...] }
 */
export function step(
  bundle: Bundle,
  session: Session | undefined,
  inbound: Inbound,
  ctx: StepContext,
): StepResult {
  const s = session ? copySession(session) : newSession(ctx.now);
  s.turns += 1;
  s.updated = ctx.now;
  const turn = new Turn(bundle, s, ctx);
  if (!s.lang) s.lang = languageOf(turn, inbound);
  if (fromPerson(inbound)) s.heard = ctx.now;
  if (fromPerson(inbound) && tooFast(turn, inbound)) return { session: s, effects: turn.effects };
  dispatch(turn, inbound);
  updateOpenCase(turn);
  const out = turn.effects.some((e) => e.type === "erase" || e.type === "wipe")
    ? wiped(s, ctx.now)
    : s;
  decorateForDiscretion(turn, out, inbound);
  return { session: out, effects: turn.effects };
}

/**
 * More than the allowed messages in a minute: say once, kindly, to slow down, and let the
 * rest pass unanswered. Emergency words always go through.
 */
function tooFast(turn: Turn, inbound: Inbound): boolean {
  const { s, ctx } = turn;
  if (!s.burst || ctx.now - s.burst.start >= 60_000) s.burst = { start: ctx.now, n: 0 };
  s.burst.n += 1;
  const max = turn.bundle.flows.global.safety.max_messages_per_minute;
  if (s.burst.n <= max) return false;
  if (inbound.kind === "text") {
    const reading = turn.read(inbound.text);
    if (reading.danger === "yes" || turn.bundle.understanding.command(reading) === "emergency")
      return false;
  }
  if (s.burst.n === max + 1) turn.reply(turn.t("common:slow_down"));
  return true;
}

/**
 * The language of a new conversation: the one the message is written in, else what the
 * channel knows (Telegram's language_code, a +62 number), else still unknown.
 */
function languageOf(turn: Turn, inbound: Inbound): string | undefined {
  const languages = turn.bundle.texts.languages;
  const written = inbound.kind === "text" ? turn.read(inbound.text).lang : undefined;
  if (written && languages.includes(written)) return written;
  return inbound.langHint && languages.includes(inbound.langHint) ? inbound.langHint : undefined;
}

/** Whether the person sent this (rather than operators or timers). */
function fromPerson(inbound: Inbound): boolean {
  return inbound.kind !== "operator" && inbound.kind !== "system";
}

/** Load a stored session (any version) or start afresh when there is none. */
export function loadSession(stored: unknown, now: number): Session {
  return stored === undefined || stored === null ? newSession(now) : migrateSession(stored);
}

function dispatch(turn: Turn, inbound: Inbound): void {
  const { s, bundle } = turn;
  if (inbound.kind === "system") {
    systemEvent(turn, inbound);
    return;
  }
  if (inbound.kind === "operator") {
    operatorEvent(turn, inbound);
    return;
  }
  if (quickExit(turn, inbound)) return;
  if (inbound.kind === "text" && duress(turn, inbound.text)) return;
  checkinAnswered(turn);
  if (inbound.kind === "start") {
    startConversation(turn, inbound.payload);
    return;
  }
  if (inbound.kind === "command" && runCommand(turn, inbound)) return;
  const current = s.at ? bundle.flows.steps.get(s.at) : undefined;
  if (inbound.kind === "text" && codeTyped(turn, inbound.text)) return;
  if (inbound.kind === "text" && understood(turn, inbound, current)) return;
  if (s.mode === "operator" && s.at === undefined) {
    turn.effects.push({ type: "relay", caseRef: turn.caseRef(), inbound });
    return;
  }
  if (inbound.kind === "location" && current?.def.kind !== "place")
    pinOutOfTurn(turn, inbound, current);
  else if (inbound.kind === "media") unreadable(turn, inbound, current);
  else if (current) answer(turn, current, inbound);
  else idle(turn, inbound);
}

/** A pin shared when we asked something else: keep it, then ask again. */
function pinOutOfTurn(
  turn: Turn,
  pin: Extract<Inbound, { kind: "location" }>,
  current?: CompiledStep,
): void {
  const noted = notePin(turn, pin.lat, pin.lon);
  turn.reply(turn.t(noted ? "common:place.noted" : "common:place.at_sea"));
  if (current) reask(turn, current);
  else goTo(turn, turn.bundle.flows.menuRef);
}

/** Photos, voice, stickers: say kindly what we can read, then ask again. */
function unreadable(turn: Turn, inbound: Inbound, current?: CompiledStep): void {
  const { s } = turn;
  turn.reply(turn.t("common:media_unsupported"));
  if (s.waiting && s.caseRef) turn.effects.push({ type: "relay", caseRef: s.caseRef, inbound });
  if (current) reask(turn, current);
}

/** A human will answer; meanwhile, in immediate danger: the hotline and local numbers. */
function waitingText(turn: Turn): string {
  const place = turn.s.place;
  if (!place?.country) return turn.t("common:waiting");
  const lines = turn.facts(["mission", "local_emergency"]);
  return [turn.t("common:waiting"), turn.t("common:waiting_danger"), ...lines].join("\n\n");
}

/** A message while no question is open: the person waits for a human, or starts over. */
function idle(turn: Turn, inbound: Inbound): void {
  const { s, bundle } = turn;
  if (s.waiting && s.caseRef) {
    turn.effects.push({ type: "relay", caseRef: s.caseRef, inbound });
    turn.reply(waitingText(turn));
    return;
  }
  if (inbound.kind === "text" && routed(turn, inbound)) return;
  goTo(turn, s.turns > 1 && s.lang ? bundle.flows.menuRef : bundle.flows.startRef);
}

function startConversation(turn: Turn, payload: string | undefined): void {
  const flows = turn.bundle.flows;
  const target = payload ? flows.payloadRefs.get(payload.toLowerCase()) : undefined;
  clearFlow(turn.s);
  if (target && !turn.s.lang) turn.s.resume = target;
  goTo(turn, target && turn.s.lang ? target : flows.startRef);
}

function answer(turn: Turn, current: CompiledStep, inbound: Inbound): void {
  const kind = STEP_KINDS[current.def.kind];
  if (inbound.kind === "choice" && inbound.stepRef !== current.ref) {
    turn.reply(turn.t("common:choice.old_button"));
    reask(turn, current);
    return;
  }
  const advance = kind.accept ? kind.accept(turn, current, inbound) : { goto: current.ref };
  if ("retry" in advance && inbound.kind === "text" && answeredOtherwise(turn, current, inbound))
    return;
  follow(turn, current, advance);
}

/** New reasons on an open case reach the operators without waiting for the flow. */
function updateOpenCase(turn: Turn): void {
  const { s } = turn;
  if (!s.caseRef || turn.escalated) return;
  if (s.reasons.length === turn.reasonsBefore.length) return;
  turn.escalate();
}

/**
 * After an erase or a quick exit: nothing but the language, the safety settings, and
 * when the person last wrote (so the answer to this very message may still be sent).
 */
function wiped(s: Session, now: number): Session {
  return {
    ...newSession(now, s.lang),
    safety: { ...s.safety },
    turns: s.turns,
    ...(s.heard !== undefined ? { heard: s.heard } : {}),
  };
}
