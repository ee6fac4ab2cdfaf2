/**
 * Reunite in the conversation (decision 0039): the question operators ask a person, whether
 * their family may be told they are in contact, and its answer; the short update a family
 * gets once the person said yes; and a family asking for news of their report.
 */
import type { Turn } from "./turn.js";
import type { Inbound } from "./types.js";

/** The ids of the consent question's buttons, and the question they answer (no flow's step). */
const YES = "consent_yes";
const NO = "consent_no";
export const CONSENT_REF = "reunite.consent";

/**
 * Operators ask (only while one holds the chat): neutral words, because the phone may be
 * read by someone else, and the person's answer is taken by a tap or a typed yes or no.
 */
export function askConsent(turn: Turn): void {
  turn.s.consentAsked = true;
  turn.reply(turn.t("common:reunite.consent_question"), {
    buttons: [
      { id: YES, label: turn.t("common:button.yes") },
      { id: NO, label: turn.t("common:button.no") },
    ],
    stepRef: CONSENT_REF,
    expects: "choice",
  });
}

/** The family's short update, in the family's register. */
export function familyUpdate(turn: Turn): void {
  turn.reply(turn.t("common:reunite.family_update"));
}

/**
 * While the question is open, a tap or a plain yes or no answers it (anything else is
 * relayed to the operator as usual). Returns whether the message was the answer.
 */
export function consentAnswered(turn: Turn, inbound: Inbound): boolean {
  const { s } = turn;
  if (!s.consentAsked || !s.caseRef) return false;
  const said =
    inbound.kind === "choice" && inbound.stepRef === CONSENT_REF
      ? inbound.option === YES
        ? "yes"
        : inbound.option === NO
          ? "no"
          : undefined
      : inbound.kind === "text"
        ? turn.read(inbound.text).yesNo
        : undefined;
  if (!said) return false;
  s.consentAsked = undefined;
  turn.effects.push({ type: "consent", caseRef: s.caseRef, yes: said === "yes" });
  turn.reply(
    turn.t(said === "yes" ? "common:reunite.consent_thanks" : "common:reunite.consent_declined"),
  );
  return true;
}

/** A family with a report asked for news: the runtime looks up its status. */
export function newsAsked(turn: Turn, intent: string | undefined): boolean {
  if (intent !== "news" || !turn.s.caseRef) return false;
  turn.effects.push({ type: "news", caseRef: turn.s.caseRef });
  return true;
}

/** The report's status came back: say it, or the general answer when there is none. */
export function reportStatus(
  turn: Turn,
  inbound: Extract<Inbound, { kind: "system"; event: "report_status" }>,
): void {
  turn.reply(turn.t(inbound.status ? `answers:news_status.${inbound.status}` : "answers:news"));
}
