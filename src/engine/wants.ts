/**
 * What a message wants, weighing the classifier's intent with the facts and danger the
 * message states. Pure, and free of the step kinds, so steps may ask it too.
 */
import type { Reading } from "../understanding/index.js";
import type { Bundle } from "./types.js";

/** The classifier's intent, when it is both clearly ahead and strongly like its training. */
export function classified(bundle: Bundle, reading: Reading): string | undefined {
  const { min_intent_score, min_intent_strength } = bundle.flows.global.understanding;
  const i = reading.intent;
  return i && i.score >= min_intent_score && i.strength >= min_intent_strength ? i.name : undefined;
}

/**
 * What a message opening a conversation wants, all signals weighed: speaking of a relative
 * is a family's report whatever else it says; danger, plain or hinted, wants help; having
 * got out (said in so many words) wants the way home; else the classifier's intent.
 *
 * @example wantedIntent(bundle, read("anak saya disekap di kamboja")) === "family"
 */
export function wantedIntent(bundle: Bundle, reading: Reading): string | undefined {
  const u = bundle.flows.global.understanding;
  const guess = classified(bundle, reading);
  const speaksOfRelative = reading.facts.some((f) => u.someone_else_when.includes(f));
  const guessedFamily = guess !== undefined && u.someone_else_when.includes(guess);
  // Danger told plainly is the writer's own, unless they name a relative.
  if (reading.danger === "yes" && !speaksOfRelative) return "help";
  const byFact = reading.facts.map((f) => u.facts_mean[f]).find((i) => i !== undefined);
  // A question (cost, arrest...) is answered, whoever asks it, unless the message says
  // where the person is (out of the compound): that opens the way home.
  if (guess !== undefined && u.answers[guess] !== undefined && !byFact) return guess;
  if (speaksOfRelative || guessedFamily) return guessedFamily ? guess : "family";
  if (reading.danger === "none") return byFact ?? guess;
  // Unsure of danger: a question asked is answered (the answer ends with how to say
  // SOS); anything else goes to the help questions, which start with safety.
  if (guess !== undefined && u.answers[guess] !== undefined) return guess;
  return byFact ?? "help";
}
