/**
 * A message read (see {@link Reading}): what it plainly says is worked out at once, what
 * only some steps ask (intent, place, number, language) on first use, then kept.
 *
 * A class rather than an object literal with getters: a literal's getters are closures
 * made anew for every message, and they kept each message's words alive until the next
 * full garbage collection, which made reading a long message several times slower.
 */
import type { IntentGuess } from "./classifier.js";
import type { Found } from "./found.js";
import type { DangerLevel, PlaceMention, Reading } from "./reading.js";
import type { Token, Tokens } from "./tokens.js";

/** What is worked out only when a step asks for it; built once per `Understanding`. */
export interface OnDemand {
  intent(tokens: readonly Token[]): IntentGuess | undefined;
  place(tokens: readonly Token[], cleaned: string): PlaceMention | undefined;
  number(found: Found, tokens: readonly Token[]): number | undefined;
  lang(tokens: readonly Token[]): string | undefined;
}

/** What a message plainly says, worked out as it is read. */
export interface Said {
  empty: boolean;
  facts: readonly string[];
  danger: DangerLevel;
  reasons: readonly string[];
  plea: boolean;
  calls: boolean;
  alarm: boolean;
  dontKnow: boolean;
  skip: boolean;
  yesNo: "yes" | "no" | undefined;
  onlyPlea: boolean;
}

/** Marks a value not worked out yet (undefined is a valid answer). */
const UNKNOWN = Symbol("unknown");

export class MessageReading implements Reading {
  readonly empty: boolean;
  readonly facts: readonly string[];
  readonly danger: DangerLevel;
  readonly reasons: readonly string[];
  readonly plea: boolean;
  readonly calls: boolean;
  readonly alarm: boolean;
  readonly dontKnow: boolean;
  readonly skip: boolean;
  readonly yesNo: "yes" | "no" | undefined;
  readonly onlyPlea: boolean;

  #intent: IntentGuess | undefined | typeof UNKNOWN = UNKNOWN;
  #place: PlaceMention | undefined | typeof UNKNOWN = UNKNOWN;
  #number: number | undefined | typeof UNKNOWN = UNKNOWN;
  #lang: string | undefined | typeof UNKNOWN = UNKNOWN;

  readonly tokens: readonly Token[];
  readonly clauses: readonly number[];

  constructor(
    words: Tokens,
    /** Every phrase of the vocabulary the message holds (for the questions asked later). */
    readonly found: Found,
    private readonly cleaned: string,
    private readonly onDemand: OnDemand,
    said: Said,
  ) {
    this.tokens = words.tokens;
    this.clauses = words.clauses;
    this.empty = said.empty;
    this.facts = said.facts;
    this.danger = said.danger;
    this.reasons = said.reasons;
    this.plea = said.plea;
    this.calls = said.calls;
    this.alarm = said.alarm;
    this.dontKnow = said.dontKnow;
    this.skip = said.skip;
    this.yesNo = said.yesNo;
    this.onlyPlea = said.onlyPlea;
  }

  get intent(): IntentGuess | undefined {
    if (this.#intent === UNKNOWN) this.#intent = this.onDemand.intent(this.tokens);
    return this.#intent;
  }

  get place(): PlaceMention | undefined {
    if (this.#place === UNKNOWN) this.#place = this.onDemand.place(this.tokens, this.cleaned);
    return this.#place;
  }

  get number(): number | undefined {
    if (this.#number === UNKNOWN) this.#number = this.onDemand.number(this.found, this.tokens);
    return this.#number;
  }

  get lang(): string | undefined {
    if (this.#lang === UNKNOWN) this.#lang = this.onDemand.lang(this.tokens);
    return this.#lang;
  }
}
