/**
 * Safety for people on monitored phones: the quick exit, the duress word, check-ins they
 * asked for, finding their case again with a code, and discreet replies (deleted after a
 * while, silent, with a one-tap exit).
 */
import { caseCodeIn } from "../understanding/case-code.js";
import { ownWord } from "./own-word.js";
import { reportStatus } from "./reunite.js";
import { goTo, reask } from "./run.js";
import type { Session } from "./session.js";
import type { Turn } from "./turn.js";
import type { Inbound } from "./types.js";

/** The triage reason the duress word raises. */
export const DURESS_REASON = "duress";

/** Button id and command name of the quick exit. */
export const EXIT = "_exit";

/** Most times a conversation may try a case code before it is refused for good. */
const MAX_REATTACH_TRIES = 3;

/**
 * The quick exit: the person's own word, a default word, the command or the button.
 * Wipes the chat where the channel allows, forgets the conversation (keeping the language
 * and safety settings) and answers with a harmless line.
 */
export function quickExit(turn: Turn, inbound: Inbound): boolean {
  if (!isQuickExit(turn, inbound)) return false;
  turn.effects.length = 0;
  const caseRef = turn.s.caseRef;
  turn.effects.push({
    type: "wipe",
    ...(caseRef ? { caseRef } : {}),
    ...(inbound.origin ? { origin: inbound.origin } : {}),
  });
  turn.reply(turn.t("common:quick_exit.reply"));
  return true;
}

/** Whether the inbound is the quick exit: its button, its command, or a quick-exit word. */
export function isQuickExit(turn: Turn, inbound: Inbound): boolean {
  if (inbound.kind === "choice") return inbound.option === EXIT;
  if (inbound.kind === "command") return inbound.name === "exit";
  if (inbound.kind !== "text") return false;
  const own = turn.s.safety.exitWord;
  if (own !== undefined && ownWord(inbound.text) === own) return true;
  return turn.bundle.understanding.quickExit(turn.read(inbound.text));
}

/**
 * The duress word: someone is making the person write. Operators hear it as P1 at once;
 * the person gets the ordinary answer, so whoever watches sees nothing unusual.
 */
export function duress(turn: Turn, text: string): boolean {
  const word = turn.s.safety.duressWord;
  if (word === undefined || ownWord(text) !== word) return false;
  turn.flag(DURESS_REASON);
  turn.escalate();
  const current = turn.s.at ? turn.bundle.flows.steps.get(turn.s.at) : undefined;
  if (current) reask(turn, current);
  else goTo(turn, turn.bundle.flows.menuRef);
  return true;
}

/** Any message after a check-in was sent answers it: the alarm is called off. */
export function checkinAnswered(turn: Turn): void {
  if (!turn.s.checkin?.pinged) return;
  turn.s.checkin = undefined;
  turn.effects.push({ type: "cancel", job: "checkin_miss" });
  turn.reply(turn.t("common:checkin.thanks"));
}

/** Timers the person asked for, and the answer to a reattach check. */
export function systemEvent(turn: Turn, inbound: Extract<Inbound, { kind: "system" }>): void {
  const { s } = turn;
  switch (inbound.event) {
    case "checkin_due": {
      if (!s.checkin || s.checkin.pinged) return;
      s.checkin.pinged = true;
      turn.effects.push({
        type: "schedule",
        job: "checkin_miss",
        at: turn.ctx.now + s.checkin.windowMin * 60_000,
      });
      turn.reply(turn.t("common:checkin.ping"));
      return;
    }
    case "checkin_missed":
      if (!s.checkin?.pinged) return;
      s.checkin = undefined;
      turn.flag("missed_check_in");
      turn.escalate();
      return;
    case "reattach_pending":
      // Nothing of the case flows here until operators confirm it is the person.
      s.relinking = true;
      turn.reply(turn.t("common:reattach.pending"));
      return;
    case "reattach_failed":
      s.reattachTries = (s.reattachTries ?? 0) + 1;
      turn.reply(turn.t("common:reattach.failed"));
      return;
    case "relinked":
      relinked(turn, inbound.caseRef, inbound.claimed);
      return;
    case "relink_refused":
      if (!s.relinking) return;
      s.relinking = undefined;
      turn.reply(turn.t("common:reattach.refused"));
      return;
    case "unlinked":
      unlinked(turn, inbound.caseRef);
      return;
    case "report_status":
      reportStatus(turn, inbound);
      return;
    case "case_gone":
      caseGone(turn, inbound.caseRef);
  }
}

/** Operators confirmed it is the person: this account holds the case from now on. */
function relinked(turn: Turn, caseRef: string, claimed: boolean): void {
  const { s } = turn;
  s.relinking = undefined;
  s.reattachTries = 0;
  s.caseRef = caseRef;
  s.waitTold = undefined;
  if (claimed) {
    // A human holds the case: the person talks to them, as before the phone was lost.
    if (s.mode === "bot" && s.at !== undefined) s.resume = s.at;
    s.mode = "operator";
    s.at = undefined;
    s.waiting = false;
  } else {
    s.waiting = true;
  }
  turn.reply(turn.t("common:reattach.done"));
}

/**
 * The case moved to the person's new account: this one (perhaps in other hands now) stops
 * relaying at once, and is told nothing, so whoever holds it learns nothing.
 */
function unlinked(turn: Turn, caseRef: string): void {
  const { s } = turn;
  if (s.caseRef !== caseRef) return;
  s.caseRef = undefined;
  s.code = undefined;
  s.mode = "bot";
  s.waiting = false;
  s.waitTold = undefined;
  s.resume = undefined;
}

/**
 * The case this conversation spoke to no longer exists (it was erased, perhaps by someone
 * else holding the person's old phone). What needed operators must still reach them: the
 * conversation opens a new case with what it knows, at the same priority.
 */
function caseGone(turn: Turn, caseRef: string): void {
  const { s } = turn;
  if (s.caseRef !== caseRef) return;
  s.caseRef = undefined;
  s.code = undefined;
  s.mode = "bot";
  if (s.reasons.length === 0) {
    s.waiting = false;
    return;
  }
  s.waiting = true;
  turn.escalate();
}

/**
 * A case code typed in a conversation that has no case: ask for the word the person chose
 * with it (never shown on the phone) before operators are asked to confirm.
 */
export function codeTyped(turn: Turn, text: string): boolean {
  const { s } = turn;
  if (s.caseRef !== undefined || (s.reattachTries ?? 0) >= MAX_REATTACH_TRIES) return false;
  const code = caseCodeIn(text);
  if (!code) return false;
  s.pendingCode = code;
  goTo(turn, turn.bundle.flows.reattachRef);
  return true;
}

/**
 * Discreet mode, on by default: replies arrive silently with a one-tap quick exit, and
 * this step's messages (ours and the person's) are deleted after the chosen delay.
 * Families reporting a relative (flows in `not_discreet_in`) keep their messages.
 */
export function decorateForDiscretion(turn: Turn, session: Session, inbound: Inbound): void {
  const { safety } = session;
  const keep =
    session.flow !== undefined &&
    turn.bundle.flows.global.safety.not_discreet_in.includes(session.flow);
  if (!safety.discreet || keep) return;
  // After a wipe or an erase nothing is kept about this chat, not even message ids to tidy.
  const wiping = turn.effects.some((e) => e.type === "wipe" || e.type === "erase");
  const label = turn.bundle.texts.t(session.lang ?? turn.lang, "common:quick_exit.label");
  for (const e of turn.effects) {
    if (e.type !== "reply") continue;
    if (safety.silent) e.silent = true;
    if (!wiping) e.quickExit = { label };
  }
  if (wiping) return;
  // A message that got no reply (relayed to an operator during a takeover) is deleted on
  // the same schedule as the replies.
  if (!turn.effects.some((e) => e.type === "reply") && !inbound.origin) return;
  turn.effects.push({
    type: "tidy",
    afterMs: safety.deleteAfterMin * 60_000,
    ...(inbound.origin ? { origin: inbound.origin } : {}),
  });
}
