/**
 * The conversation's memory between messages. Versioned: a stored session from an
 * older release is migrated on load. It stays small (about 2 KB at most): answers are
 * dropped once a flow ends, because the case or report has taken them.
 */
import { z } from "zod";

export const SESSION_VERSION = 2;

/** A value a person gave at a step (stored). */
export const answerValueSchema = z.union([z.string(), z.number(), z.boolean()]);
const answerValue = answerValueSchema;

/** Where a person is, as far as the bot knows (stored). */
export const placeSchema = z.object({
  id: z.string().optional(),
  country: z.string().optional(),
  lat: z.number().optional(),
  lon: z.number().optional(),
  text: z.string().optional(),
  via: z.enum(["pin", "answer", "mention"]).optional(),
});

/**
 * How discreet the helpline is with this person's phone. Discreet by default: messages are
 * deleted after a while, arrive silently, and start with words that reveal nothing.
 */
export const safetySchema = z.object({
  discreet: z.boolean(),
  /** Delete messages (ours and theirs, where the channel allows) after this many minutes. */
  deleteAfterMin: z.number().int().positive(),
  /** Send without a notification sound. */
  silent: z.boolean(),
  /** A word that wipes the chat at once (normalised); the defaults also work. */
  exitWord: z.string().optional(),
  /** A word meaning "I am being forced to write": answered normally, flagged P1 quietly. */
  duressWord: z.string().optional(),
  /** The person chose these settings; flows leave them alone. */
  chosen: z.boolean().optional(),
});

export type Safety = z.infer<typeof safetySchema>;

/** Discreet until the person says otherwise. */
export const DEFAULT_SAFETY: Safety = { discreet: true, deleteAfterMin: 30, silent: true };

export const sessionSchema = z.object({
  v: z.literal(SESSION_VERSION),
  lang: z.string().optional(),
  /** The question waiting for an answer (`flow.step`), if any. */
  at: z.string().optional(),
  /** Where to return after a detour (erase confirmation, language change). */
  resume: z.string().optional(),
  answers: z.record(z.string(), answerValue),
  place: placeSchema.optional(),
  /** Triage reasons learned so far; the priority follows from them. */
  reasons: z.array(z.string()),
  /**
   * Facts the person stated in their own words (`passport_held`, `got_out`): questions they
   * answer are not asked again. Cleared with the answers when a flow ends.
   */
  facts: z.array(z.string()).max(40).optional(),
  caseRef: z.string().optional(),
  mode: z.enum(["bot", "operator"]),
  /** Handed to operators and waiting for a human. */
  waiting: z.boolean().optional(),
  /**
   * The person has been told how long waiting takes and what to do meanwhile (a handoff's
   * `{{wait}}`, or the first message while waiting): later messages while waiting get a
   * short acknowledgement. Cleared when operators join, hand back or close.
   */
  waitTold: z.boolean().optional(),
  /** Unrecognised answers in a row at the current question. */
  misses: z.number().int().nonnegative(),
  /** Messages handled in this conversation. */
  turns: z.number().int().nonnegative(),
  /** Last update, ms since the epoch. */
  updated: z.number(),
  /** When the person last wrote (not operators or timers): the conversation window. */
  heard: z.number().optional(),
  /** The flow of the last step entered (for discretion rules and summaries). */
  flow: z.string().optional(),
  safety: safetySchema,
  /** The secret code that lets the person find their case again from another account. */
  code: z.string().optional(),
  /** A check-in the person asked for: when, how long to wait for an answer, and whether sent. */
  checkin: z
    .object({ at: z.number(), windowMin: z.number().int().positive(), pinged: z.boolean() })
    .optional(),
  /** A case code typed from a new account, waiting for the confirming answer. */
  pendingCode: z.string().optional(),
  /** Messages in the current minute, to slow a flood kindly. */
  burst: z.object({ start: z.number(), n: z.number().int().nonnegative() }).optional(),
  /**
   * A case code and word typed here wait for operators to confirm it is the person: until
   * then this account gets only neutral words, and nothing of the case.
   */
  relinking: z.boolean().optional(),
  /** Operators asked whether the person's family may be told they are in contact. */
  consentAsked: z.boolean().optional(),
  /**
   * The person left quickly (quick exit) while their case was open: nothing is sent to
   * them until they write again.
   */
  leftQuickly: z.boolean().optional(),
  /** Failed attempts to reattach to a case from this conversation. */
  reattachTries: z.number().int().nonnegative().optional(),
});

/** See {@link sessionSchema}. */
export type Session = z.infer<typeof sessionSchema>;

/** A session for someone writing for the first time. */
export function newSession(now: number, lang?: string): Session {
  return {
    v: SESSION_VERSION,
    ...(lang ? { lang } : {}),
    answers: {},
    reasons: [],
    mode: "bot",
    misses: 0,
    turns: 0,
    updated: now,
    safety: { ...DEFAULT_SAFETY },
  };
}

/** A copy the engine may change without touching the caller's session. */
export function copySession(s: Session): Session {
  return {
    ...s,
    answers: { ...s.answers },
    reasons: [...s.reasons],
    ...(s.facts ? { facts: [...s.facts] } : {}),
    ...(s.place ? { place: { ...s.place } } : {}),
    safety: { ...s.safety },
    ...(s.checkin ? { checkin: { ...s.checkin } } : {}),
    ...(s.burst ? { burst: { ...s.burst } } : {}),
  };
}

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/**
 * `MIGRATIONS[n]` turns a version-n session into version n+1. Add one whenever the
 * session's shape changes, and raise SESSION_VERSION.
 */
const MIGRATIONS: Record<number, Migration> = {
  // v2 added the person's safety settings: everyone starts discreet.
  1: (old) => ({ ...old, v: 2, safety: { ...DEFAULT_SAFETY } }),
};

/** Why a stored session could not be read. */
export class SessionFormatError extends Error {
  override readonly name = "SessionFormatError";
}

/**
 * Bring a stored session up to the current version and check its shape.
 *
 * @throws SessionFormatError when the data is not a session of any known version.
 */
export function migrateSession(stored: unknown): Session {
  if (typeof stored !== "object" || stored === null) {
    throw new SessionFormatError("stored session is not an object");
  }
  let data = stored as Record<string, unknown>;
  let version = typeof data.v === "number" ? data.v : 0;
  while (version < SESSION_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate) throw new SessionFormatError(`no migration from session version ${version}`);
    data = migrate(data);
    version += 1;
  }
  const parsed = sessionSchema.safeParse(data);
  if (!parsed.success) {
    throw new SessionFormatError(`stored session is malformed: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}
