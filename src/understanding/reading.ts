/**
 * What a message says, as the engine needs it. Plain data: the understanding layer
 * produces it, the engine decides what to do with it.
 */
import type { IntentGuess } from "./classifier.js";
import type { Token } from "./tokens.js";

/** How sure we are that the message says someone is in danger now. */
export type DangerLevel = "yes" | "maybe" | "none";

/** A place named in the message, resolved through the directory's gazetteer. */
export interface PlaceMention {
  country: string;
  id?: string;
}

export interface Reading {
  /** The message's words, cleaned and expanded. */
  readonly tokens: readonly Token[];
  /** Each token's clause: split by punctuation and words such as "tapi" (negation stays inside one). */
  readonly clauses: readonly number[];
  /** No letter or digit at all: only emoji, punctuation or invisible characters. */
  readonly empty: boolean;
  /** The language the message is written in, when its words make that clear. */
  readonly lang?: string;
  /** Facts the message states, by name (`beaten`, `passport_held`, `got_out`), not negated. */
  readonly facts: readonly string[];
  /** Whether someone is in danger now, by the message's own words. */
  readonly danger: DangerLevel;
  /** The danger facts behind `danger` (a subset of `facts`), for triage. */
  readonly reasons: readonly string[];
  /** A plain call for help ("tolong", "help me"), not a polite "tolong jelaskan". */
  readonly plea: boolean;
  /** A call for help anywhere in the message, short or long, that is not a polite request. */
  readonly calls: boolean;
  /** A word that says danger on its own ("SOS", "bahaya", "darurat"), not negated. */
  readonly alarm: boolean;
  /** What the message wants, when the classifier is sure enough to act on it. */
  readonly intent?: IntentGuess;
  /** A place it names. */
  readonly place?: PlaceMention;
  /** A number it states ("sendiri" = 1, "kami ber 5" = 5, "umurnya 25"). */
  readonly number?: number;
  /** The person says they do not know ("gak tau", "no idea"). */
  readonly dontKnow: boolean;
  /** The person declines to answer ("lewati", "ga perlu", "skip"). */
  readonly skip: boolean;
  /** A short yes or no ("iya betul", "bukan"), for confirming questions. */
  readonly yesNo?: "yes" | "no";
  /** Nothing but a call for help, an alarm and forms of address ("tolong pak", "SOS"). */
  readonly onlyPlea: boolean;
}
