/**
 * The engine: one pure function from (flows, session, message) to (session, effects).
 */
import { caseCodeIn } from "../understanding/case-code.js";
import type { CompiledStep } from "./flow-model.js";
import { runCommand } from "./intents.js";
import { operatorEvent } from "./operator.js";
import { consentAnswered, newsAsked } from "./reunite.js";
import { clearFlow, follow, goTo, reask } from "./run.js";
import {
  checkinAnswered,
  codeTyped,
  decorateForDiscretion,
  duress,
  isQuickExit,
  quickExit,
  systemEvent,
} from "./safety.js";
import { copySession, migrateSession, newSession, type Session } from "./session.js";
import { STEP_KINDS } from "./steps/index.js";
import { notePin } from "./steps/place.js";
import { placeKey, Turn } from "./turn.js";
import type { Bundle, Inbound, StepContext, StepResult } from "./types.js";
import { answeredOtherwise, routed, understood } from "./understood.js";
import { classified } from "./wants.js";

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
  // The person is back after a quick exit: operators may write again.
  if (fromPerson(inbound) && !isQuickExit(turn, inbound)) s.leftQuickly = undefined;
  if (fromPerson(inbound) && tooFast(turn, inbound)) return { session: s, effects: turn.effects };
  dispatch(turn, inbound);
  updateOpenCase(turn);
  if (s.leftQuickly && inbound.kind === "operator") hushed(turn);
  const erased = turn.effects.some((e) => e.type === "erase");
  const out = erased
    ? wiped(s, ctx.now)
    : turn.effects.some((e) => e.type === "wipe")
      ? leftQuickly(s, ctx.now)
      : s;
  decorateForDiscretion(turn, out, inbound);
  return { session: out, effects: turn.effects };
}

/**
 * More than the allowed messages in a minute: say once, kindly, to slow down, and let the
 * rest pass unanswered. Emergency words and the quick exit always go through.
 */
function tooFast(turn: Turn, inbound: Inbound): boolean {
  const { s, ctx } = turn;
  if (!s.burst || ctx.now - s.burst.start >= 60_000) s.burst = { start: ctx.now, n: 0 };
  s.burst.n += 1;
  const max = turn.bundle.flows.global.safety.max_messages_per_minute;
  if (s.burst.n <= max) return false;
  // A quick exit always works: the phone may be about to be seen.
  if (isQuickExit(turn, inbound)) return false;
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
  // A case code is letters and digits in no language ("7QX9-M2PA-KDC" is not English).
  const words = inbound.kind === "text" && !caseCodeIn(inbound.text);
  const written = words ? turn.read(inbound.text).lang : undefined;
  if (written && languages.includes(written)) return written;
  return inbound.langHint && languages.includes(inbound.langHint) ? inbound.langHint : undefined;
}

/** `kode` for a message that is only "/kode" (a command typed where there are none). */
function typedCommand(text: string): string | undefined {
  return /^\s*\/([a-z_]{2,32})\s*$/i.exec(text)?.[1]?.toLowerCase();
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
  // WhatsApp has no commands: "/kode" typed as a message works as it does on Telegram.
  const typed = inbound.kind === "text" ? typedCommand(inbound.text) : undefined;
  if (typed && runCommand(turn, { kind: "command", name: typed })) return;
  const current = s.at ? bundle.flows.steps.get(s.at) : undefined;
  if (inbound.kind === "text" && codeTyped(turn, inbound.text)) return;
  if (consentAnswered(turn, inbound)) {
    if (s.mode === "operator")
      turn.effects.push({ type: "relay", caseRef: turn.caseRef(), inbound });
    return;
  }
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
  const { s } = turn;
  const noted = notePin(turn, pin.lat, pin.lon);
  turn.reply(turn.t(noted ? "common:place.noted" : "common:place.at_sea"));
  // Someone waiting for a human: the pin goes to them too, and no menu interrupts the wait.
  if (!current && s.waiting && s.caseRef) {
    turn.effects.push({ type: "relay", caseRef: s.caseRef, inbound: pin });
    return;
  }
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

/**
 * What a waiting person is told: the first time after a handoff, that a human will answer
 * here and, when we know where they are, the contacts to use in danger meanwhile (not for a
 * family, who have the channels already); after that a short acknowledgement, so the same
 * long block is not sent again with every message. A question they ask is answered.
 */
export function waitingText(turn: Turn, inbound: Inbound): string[] {
  const { s, bundle } = turn;
  // A question is answered ("berapa lama?"); not when the words might mean danger.
  if (inbound.kind === "text" && !turn.unsure) {
    const intent = classified(bundle, turn.read(inbound.text));
    if (newsAsked(turn, intent)) return [];
    const answer = intent ? bundle.flows.global.understanding.answers[intent] : undefined;
    if (answer) return [turn.t(answer)];
  }
  if (s.waitTold) return [turn.t("common:waiting_short")];
  s.waitTold = true;
  const place = s.place;
  if (!place?.country || place.via === "mention" || turn.family) return [turn.t("common:waiting")];
  const [mission, ...rest] = turn.facts(["mission", "local_emergency"]);
  if (mission === undefined) return [turn.t("common:waiting")];
  return [turn.t("common:waiting"), `${turn.t("common:waiting_danger")}\n${mission}`, ...rest];
}

/** A message while no question is open: the person waits for a human, or starts over. */
function idle(turn: Turn, inbound: Inbound): void {
  const { s, bundle } = turn;
  // Waiting for operators to confirm a case code: neutral words, and nothing passed on.
  if (s.relinking && !s.caseRef) {
    turn.reply(turn.t("common:reattach.still_checking"));
    return;
  }
  if (s.waiting && s.caseRef) {
    turn.effects.push({ type: "relay", caseRef: s.caseRef, inbound });
    turn.replyAll(waitingText(turn, inbound));
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
  // "berapa biaya pulangnya?" at "What is their name?" is a question, not the name.
  if (inbound.kind === "text" && asksInstead(turn, current, inbound.text)) {
    if (answeredOtherwise(turn, current, inbound)) return;
  }
  const advance = kind.accept ? kind.accept(turn, current, inbound) : { goto: current.ref };
  if ("retry" in advance && inbound.kind === "text" && answeredOtherwise(turn, current, inbound))
    return;
  follow(turn, current, advance);
}

/** At a typed question, a message that asks one of the questions answered anywhere. */
function asksInstead(turn: Turn, current: CompiledStep, text: string): boolean {
  if (current.def.kind !== "ask" || !text.includes("?")) return false;
  const intent = classified(turn.bundle, turn.read(text));
  return (
    intent !== undefined && turn.bundle.flows.global.understanding.answers[intent] !== undefined
  );
}

/**
 * New reasons, or where the person is, reach the operators of an open case at once, not
 * at the end of the flow (a place named in passing waits until it is confirmed).
 */
function updateOpenCase(turn: Turn): void {
  const { s } = turn;
  if (!s.caseRef || turn.escalated) return;
  const newReasons = s.reasons.length !== turn.reasonsBefore.length;
  const newPlace = placeKey(s) !== turn.placeBefore && s.place?.via !== "mention";
  if (newReasons || newPlace) turn.escalate();
}

/**
 * The person hid the chat (quick exit) with their case open: operators joining, leaving or
 * closing change the conversation, but nothing is written to the phone until they write.
 */
function hushed(turn: Turn): void {
  const kept = turn.effects.filter((e) => e.type !== "reply");
  turn.effects.length = 0;
  turn.effects.push(...kept);
}

/**
 * After a quick exit: the conversation is forgotten as after an erase, but an open case
 * stays linked (its operators see the person when they write again), with the takeover
 * paused until then, and nothing is sent meanwhile.
 */
function leftQuickly(s: Session, now: number): Session {
  const out = wiped(s, now);
  if (s.caseRef === undefined) return out;
  return {
    ...out,
    caseRef: s.caseRef,
    reasons: [...s.reasons],
    mode: s.mode,
    leftQuickly: true,
    ...(s.waiting ? { waiting: true, waitTold: true } : {}),
    ...(s.code !== undefined ? { code: s.code } : {}),
  };
}

/**
 * After an erase or a quick exit: nothing but the language, the safety settings, when
 * the person last wrote (so the answer to this very message may still be sent), and the
 * limits on floods and case-code tries.
 */
function wiped(s: Session, now: number): Session {
  return {
    ...newSession(now, s.lang),
    safety: { ...s.safety },
    turns: s.turns,
    ...(s.heard !== undefined ? { heard: s.heard } : {}),
    // Limits are not a person's data: a quick exit must not reset a flood or code guessing.
    ...(s.burst ? { burst: { ...s.burst } } : {}),
    ...(s.reattachTries !== undefined ? { reattachTries: s.reattachTries } : {}),
  };
}
