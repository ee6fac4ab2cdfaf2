/**
 * Words that work at any step: emergency, talk to a human, change language, menu,
 * erase my data, stop. The vocabulary lives in `locales/<lng>/keywords.json`; what each
 * does next is set in `flows/global.yaml`.
 */
import type { IntentName } from "./flow-model.js";
import { clearFlow, goTo, reask } from "./run.js";
import { chosenOption } from "./steps/choice.js";
import type { Turn } from "./turn.js";
import type { Inbound } from "./types.js";

/** Intents are short messages; longer ones are answers, not commands. */
const MAX_INTENT_TEXT = 80;

/** Cheap pre-check before reading the words. */
export function isIntentText(text: string): boolean {
  return text.length <= MAX_INTENT_TEXT;
}

const FREE_TEXT: ReadonlySet<string> = new Set(["ask", "place", "secret_word"]);

/** While an operator has the chat, only these still reach the bot. */
const DURING_TAKEOVER: ReadonlySet<IntentName> = new Set(["emergency", "erase", "stop"]);

/**
 * Run the always-working word the text is, if any ("menu", "hapus data saya", "tolong
 * saya"). Returns whether it was handled. An answer to the open question wins over a
 * look-alike word, except for emergencies.
 */
export function runIntent(
  turn: Turn,
  inbound: Extract<Inbound, { kind: "text" }>,
  except?: IntentName,
): boolean {
  const { s, bundle } = turn;
  const u = bundle.understanding;
  const reading = turn.read(inbound.text);
  const intent = u.command(reading);
  if (!intent || intent === except) return false;
  // "ya tolong", "tolong pak": "tolong" is not always a call for help; reading decides.
  if (intent === "emergency" && reading.danger !== "yes") return false;
  const current = s.at ? bundle.flows.steps.get(s.at) : undefined;
  if (intent !== "emergency" && current) {
    if (chosenOption(turn, current, inbound) !== undefined) return false;
    // In a typed answer ("end of March", "5 orang") only the bare word is a command.
    if (FREE_TEXT.has(current.def.kind) && u.command(reading, 0) !== intent) return false;
  }
  if (s.mode === "operator" && s.at === undefined && !DURING_TAKEOVER.has(intent)) return false;
  HANDLERS[intent](turn, inbound);
  return true;
}

/**
 * A channel command (`/human`, `/language`, `/erase`, `/help`...). Commands name their
 * intent, so no word matching is needed. Returns whether the command was known.
 */
export function runCommand(turn: Turn, command: Extract<Inbound, { kind: "command" }>): boolean {
  const name = command.name.toLowerCase();
  if (name === "help") {
    if (turn.s.mode === "operator" && turn.s.at === undefined) return false;
    clearFlow(turn.s);
    goTo(turn, turn.bundle.flows.aboutRef);
    return true;
  }
  const flow = turn.bundle.flows.commandRefs.get(name);
  if (flow && !(turn.s.mode === "operator" && turn.s.at === undefined)) {
    if (turn.s.at !== undefined) turn.s.resume = turn.s.at;
    goTo(turn, flow);
    return true;
  }
  if (!(name in HANDLERS)) return false;
  const intent = name as IntentName;
  if (turn.s.mode === "operator" && turn.s.at === undefined && !DURING_TAKEOVER.has(intent))
    return false;
  HANDLERS[intent](turn, command);
  return true;
}

/** Whether an intent is one of the always-working words. */
export function isCommand(intent: string): intent is IntentName {
  return intent in HANDLERS;
}

/** Do what an always-working word asks, when the person asked for it in a sentence. */
export function runCommandIntent(turn: Turn, intent: IntentName, inbound: Inbound): void {
  HANDLERS[intent](turn, inbound);
}

const HANDLERS: Record<IntentName, (turn: Turn, inbound: Inbound) => void> = {
  emergency(turn, inbound) {
    raiseEmergency(turn, inbound, [turn.bundle.flows.global.intents.emergency.flag]);
  },

  human: askForHuman,

  language(turn) {
    turn.s.resume = turn.s.at ?? turn.bundle.flows.menuRef;
    goTo(turn, turn.bundle.flows.languageRef);
  },

  menu(turn) {
    clearFlow(turn.s);
    goTo(turn, turn.bundle.flows.menuRef);
  },

  erase(turn) {
    // Come back to the same question if the person changes their mind.
    const back = turn.s.at;
    goTo(turn, turn.bundle.flows.eraseRef);
    if (back) turn.s.resume = back;
  },

  stop(turn, inbound) {
    const { s } = turn;
    if (s.mode === "operator" && s.caseRef) {
      turn.effects.push({ type: "relay", caseRef: s.caseRef, inbound });
    }
    clearFlow(s);
    turn.reply(turn.t("common:intent.stop"));
    turn.effects.push({ type: "end" });
  },
};

/** The person asked for a human: the case goes to operators, the open question stays. */
export function askForHuman(turn: Turn): void {
  const { s, bundle } = turn;
  turn.flag(bundle.flows.global.intents.human.flag);
  turn.escalate();
  s.waiting = true;
  turn.reply(turn.t("common:intent.human"));
  const current = s.at ? bundle.flows.steps.get(s.at) : undefined;
  if (current) reask(turn, current);
}

/**
 * The person is in danger now: operators hear it at once (P1, with its reasons), the person
 * gets the hotline for where they are (when known), and the questions go on where they
 * were in the help flow, or start at the place question.
 */
export function raiseEmergency(turn: Turn, inbound: Inbound, reasons: readonly string[]): void {
  const { s, bundle } = turn;
  const config = bundle.flows.global.intents.emergency;
  for (const r of reasons) turn.flag(r);
  turn.record(config.set);
  turn.escalate();
  if (s.mode === "operator") {
    turn.effects.push({ type: "relay", caseRef: turn.caseRef(), inbound });
    return;
  }
  turn.replyAll(emergencyText(turn));
  s.waiting = true;
  const current = s.at ? bundle.flows.steps.get(s.at) : undefined;
  if (current && resumesHere(turn, current.flow, current.ref)) reask(turn, current);
  else goTo(turn, bundle.flows.emergencyRef);
}

/** Whether an emergency keeps the person at this question (inside the help questions). */
export function resumesHere(turn: Turn, flow: string, ref: string): boolean {
  const flows = turn.bundle.flows;
  return (
    flows.global.intents.emergency.resume_in.includes(flow) && flows.flowStarts.get(flow) !== ref
  );
}

/**
 * What to do right now, with the mission's hotline and local numbers when we know where:
 * the parts of one message, or of two when the contacts would not fit in one.
 */
export function emergencyText(turn: Turn): string[] {
  const known = turn.s.place?.country !== undefined && turn.s.place.via !== "mention";
  const facts = known ? turn.facts(["mission", "local_emergency"]) : [];
  return [turn.t("common:intent.emergency"), ...facts];
}
