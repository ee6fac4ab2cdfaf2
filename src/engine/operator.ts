/**
 * What operators do to a conversation, as the engine hears it: a human joined, left,
 * closed the case, asked for the embassy steps to be sent, or wrote to the person.
 */
import { askConsent, familyUpdate } from "./reunite.js";
import { goTo } from "./run.js";
import { DURESS_REASON } from "./safety.js";
import type { Turn } from "./turn.js";
import type { Inbound } from "./types.js";

/**
 * Operators taking over, handing back or closing. While a human holds the case the bot
 * stays silent (the runtime relays), keeping the open question to come back to.
 */
export function operatorEvent(turn: Turn, inbound: Extract<Inbound, { kind: "operator" }>): void {
  const { s, bundle } = turn;
  const { event } = inbound;
  if (event === "message") {
    // The operator's words, as written: a reply like any other, so it is discreet when
    // the person is, and goes out only when the bot itself could write.
    turn.reply(inbound.text);
    return;
  }
  if (event === "steps") {
    turn.replyAll(missionSteps(turn));
    return;
  }
  if (event === "consent_ask") {
    askConsent(turn);
    return;
  }
  if (event === "family_update") {
    familyUpdate(turn);
    return;
  }
  // A human joined, handed back or closed: a later wait is explained afresh.
  s.waitTold = undefined;
  // Someone is making the person write (their duress word): whoever holds the phone must
  // not read that a team joined or closed a case. The operator writes, in their own words.
  const watched = s.reasons.includes(DURESS_REASON);
  if (event === "joined") {
    if (s.mode === "bot" && s.at !== undefined) s.resume = s.at;
    s.mode = "operator";
    s.at = undefined;
    s.waiting = false;
    if (!watched) turn.reply(turn.t("common:operator.joined"));
    return;
  }
  const wasOperator = s.mode === "operator";
  s.mode = "bot";
  s.waiting = false;
  if (event === "closed") {
    s.resume = undefined;
    if (wasOperator && !watched) turn.reply(turn.t("common:operator.closed"));
    return;
  }
  turn.reply(turn.t("common:operator.left"));
  goTo(turn, s.resume ?? bundle.flows.menuRef);
  s.resume = undefined;
}

/**
 * The mission's contacts for where the person is (the national channels when unknown), as
 * the parts of as few messages as fit.
 */
export function missionSteps(turn: Turn): string[] {
  // A family in Indonesia has no use for the local emergency numbers abroad.
  const local = turn.family ? [] : ["local_emergency"];
  const blocks = turn.s.place?.country ? ["mission", "mission_address", ...local] : ["national"];
  return [turn.t("common:operator.steps"), ...turn.facts(blocks)];
}
