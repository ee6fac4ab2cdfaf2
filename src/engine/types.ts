/**
 * The engine's vocabulary: what comes in (Inbound), what goes out (Effect), and the
 * data the engine is given (Bundle). Plain data only: no I/O lives behind these types.
 */
import type { Understanding } from "../understanding/index.js";
import type { CompiledFlows } from "./flow-model.js";
import type { Session } from "./session.js";

/** A language the helpline speaks, e.g. `"id"` or `"en"`. */
export type Lang = string;

/** Case priority: P1 is the most urgent. */
export type Priority = "P1" | "P2" | "P3";

/**
 * A normalised message from a person, whatever channel it came through.
 *
 * `langHint` is what the channel knows about the person's language (Telegram's
 * `language_code`, a +62 WhatsApp number); the engine only uses it while the session
 * has no language yet.
 */
export type Inbound = (
  | { kind: "text"; text: string }
  /** A tap on a button. `stepRef` names the question the button belonged to. */
  | { kind: "choice"; stepRef: string; option: string }
  | { kind: "location"; lat: number; lon: number }
  | { kind: "contact"; phone: string }
  /** A new conversation or a deep link (`/start family`). */
  | { kind: "start"; payload?: string }
  /** A channel command other than start: `/help`, `/language`, `/human`, `/erase`... */
  | { kind: "command"; name: string }
  /** Something the helpline cannot read: photo, voice, sticker, document... */
  | { kind: "media"; media: string }
  /**
   * What operators did to this conversation: a human `joined` (claimed the case), `left`
   * (handed back to the bot), `closed` the case, or asked the bot to send the embassy
   * `steps` for where the person is.
   */
  | {
      kind: "operator";
      event: "joined" | "left" | "closed" | "steps" | "consent_ask" | "family_update";
    }
  /**
   * An operator's own words to the person. They go out as an ordinary reply, so discreet
   * mode, never writing first, the outbox and dedupe apply to humans as to the bot.
   */
  | { kind: "operator"; event: "message"; text: string }
  /**
   * Timers the person asked for, and what became of a case code typed from a new account:
   * refused (`reattach_failed`), or waiting for operators to confirm it is the person
   * (`reattach_pending`), then confirmed (`relinked`) or not (`relink_refused`).
   */
  | {
      kind: "system";
      event:
        | "checkin_due"
        | "checkin_missed"
        | "reattach_failed"
        | "reattach_pending"
        | "relink_refused";
    }
  /** Operators confirmed it is the person: this account now holds the case. */
  | { kind: "system"; event: "relinked"; caseRef: string; claimed: boolean }
  /**
   * The case left this conversation: it was relinked to the person's new account
   * (`unlinked`), or it no longer exists (`case_gone`: erased, so what needs operators
   * opens a new case).
   */
  | { kind: "system"; event: "unlinked" | "case_gone"; caseRef: string }
  /**
   * A family asked for news: their report's status, as far as they may know it (none:
   * the conversation has no report).
   */
  | {
      kind: "system";
      event: "report_status";
      status?: "received" | "following" | "in_contact" | "closed";
    }
) & {
  langHint?: string;
  /** The message's id at its channel, so operators can be shown a copy of it. */
  origin?: string;
};

/** One button under a message. `id` is what comes back in a `choice` inbound. */
export interface Button {
  id: string;
  label: string;
}

/** What the bot learned, handed to operators with an escalation. */
export interface CaseSummary {
  flow: string | null;
  lang: Lang;
  answers: Record<string, AnswerValue>;
  place?: PlaceAnswer;
  country?: string;
  mission?: string;
}

/** A value a person gave at a step. */
export type AnswerValue = string | number | boolean;

/** Where a person is, as far as the bot knows. */
export interface PlaceAnswer {
  /** Gazetteer id of the nearest known place, when one matched. */
  id?: string;
  /** ISO 3166-1 alpha-2 country code. */
  country?: string;
  lat?: number;
  lon?: number;
  /** What the person typed, when they typed a place. */
  text?: string;
  /**
   * How we learned it: a shared `pin`, an `answer` to a place question, or a `mention` in
   * passing ("skrg di hotel di poipet"), which is confirmed before it is relied on.
   */
  via?: "pin" | "answer" | "mention";
}

/**
 * Effects are what the runtime must do after a step. They are data: tests read them,
 * the runtime executes them.
 */
export type Effect =
  | {
      type: "reply";
      text: string;
      buttons?: Button[];
      /** Ask the channel to offer a "share my location" or "share my number" button. */
      request?: { kind: "location" | "contact"; label: string };
      /** The question these buttons answer (`flow.step`); taps carry it back. */
      stepRef?: string;
      /** What answers the question: a button (`choice`), typing (`text`), or a place. */
      expects?: "choice" | "text" | "place";
      /** Discreet mode: offer the one-tap quick exit with this label. */
      quickExit?: { label: string };
      /** Send without a notification sound. */
      silent?: boolean;
    }
  | {
      type: "escalate";
      caseRef: string;
      priority: Priority;
      reasons: string[];
      summary: CaseSummary;
      /** The person's secret code for finding this case again (help cases). */
      code?: string;
      /**
       * The word the person chose to confirm the code from another account (normalised).
       * Hashed before it is kept, and never passed on with the case.
       */
      word?: string;
    }
  | {
      type: "report";
      caseRef: string;
      /** From the triage table, like an escalation: a relative in danger now is P1. */
      priority: Priority;
      reasons: string[];
      report: Record<string, AnswerValue>;
      summary: CaseSummary;
    }
  /** Forward what the person wrote to the operator of their case. */
  | { type: "relay"; caseRef: string; inbound: Inbound }
  /** Delete everything held about this conversation (after the person confirmed). */
  | { type: "erase"; caseRef?: string }
  /** The person said stop: the conversation is over until they write again. */
  | { type: "end" }
  /**
   * Discreet mode: delete this step's replies and the person's message (`origin`) from the
   * chat after `afterMs`, where the channel allows it.
   */
  | { type: "tidy"; afterMs: number; origin?: string }
  /**
   * Quick exit: delete everything the channel can from the chat, now, and the message that
   * asked for it (`origin`). `caseRef`: the person left while their case was open; its
   * operators are told not to write.
   */
  | { type: "wipe"; caseRef?: string; origin?: string }
  /** A timer the person asked for (check-ins). */
  | { type: "schedule"; job: "checkin" | "checkin_miss"; at: number }
  | { type: "cancel"; job: "checkin" | "checkin_miss" }
  /**
   * Someone typed a case code from a new account: check `answer` against the word the
   * person chose, then ask operators to confirm it is them.
   */
  | { type: "reattach"; code: string; answer: string }
  /** Flow content misbehaved (e.g. a loop); the person got a kind reply. */
  | { type: "error"; code: string; detail: string }
  /** The person answered whether their family may be told they are in contact (reunite). */
  | { type: "consent"; caseRef: string; yes: boolean }
  /** A family asked for news of their report: the runtime answers with `report_status`. */
  | { type: "news"; caseRef: string };

/** Counters and clocks handed to the engine so it stays deterministic. */
export interface StepContext {
  /** Milliseconds since the epoch. */
  now: number;
  /** Returns a fresh, unguessable id (case references). */
  ids: () => string;
  /** Returns a fresh secret case code (`XXXX-XXXX-XXC`); defaults to `ids`. */
  codes?: () => string;
}

/** Text lookup: every word a person reads comes from here. */
export interface Texts {
  readonly languages: readonly Lang[];
  /** Translate `key` (`namespace:path`) into `lng`, interpolating `vars`. */
  t(lng: Lang, key: string, vars?: Record<string, string | number>): string;
  /** A list of strings (synonyms, keywords) under `key`; empty when absent. */
  list(lng: Lang, key: string): readonly string[];
  /** Whether `key` exists in `lng` without falling back to another language. */
  has(lng: Lang, key: string): boolean;
}

/** Result of looking up a place typed as text or shared as a pin. */
export type PlaceMatch =
  /** `exact`: the name was typed as the gazetteer writes it, not forgiven a typo. */
  | { found: true; id?: string; country: string; exact?: boolean }
  | { found: false; reason: "unknown" | "at_sea" };

/** The offline directory: places, missions and contacts, as the engine needs them. */
export interface DirectoryView {
  /** Resolve a typed place name ("Poipet", "KK Park", "kamboja"). */
  placeFromText(text: string): PlaceMatch;
  /** Resolve a shared pin to a country and the nearest known place. */
  placeFromPoint(lat: number, lon: number): PlaceMatch;
  /** The mission that serves a person in `country` (optionally at a known place). */
  missionFor(country: string | undefined, placeId?: string): string | undefined;
  /** Readable lines for a block (`mission`, `local_emergency`, `contact:<id>`). */
  render(lng: Lang, block: string, place: PlaceAnswer | undefined): string | undefined;
  /** Whether a block or contact reference names something that exists. */
  hasBlock(block: string): boolean;
  /** Whether `code` is a country the directory knows. */
  hasCountry(code: string): boolean;
  /** The name people know a place by ("Poipet"), in any language, if the id is known. */
  placeName?(id: string): string | undefined;
}

/** Everything the engine needs, loaded and validated once at start-up. */
export interface Bundle {
  flows: CompiledFlows;
  texts: Texts;
  directory: DirectoryView;
  /** What people's words say (pure; built from `locales/<lng>/understanding.json`). */
  understanding: Understanding;
  /**
   * How soon operators aim to answer a case of each priority, in minutes (the SLA the
   * desk re-announces unclaimed cases after: `SLA_P*_MINUTES`), so a person waiting can be
   * told honestly how long it usually takes.
   */
  waitMinutes: Readonly<Record<Priority, number>>;
}

/** What `step` returns. */
export interface StepResult {
  session: Session;
  effects: Effect[];
}
