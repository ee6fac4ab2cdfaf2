/**
 * What the runtime needs from the outside world, as small interfaces. Each has a Redis
 * implementation and an in-memory twin that pass the same contract tests.
 */

import type { KeyNames } from "../crypto/pseudonym.js";
import type { Session } from "../engine/session.js";
import type { Effect, Inbound, Priority } from "../engine/types.js";
import type { Scheduler } from "../schedule/scheduler.js";
import type { Codec } from "../stores/codec.js";
import type { WriteRefusal } from "./write-rule.js";

/** A conversation key: `tg:<chat id>`, `wa:<E.164 number>`, `sim:<id>`. */
export type ConversationKey = string;

/**
 * What the conversation store knows about the person besides the session, read in the same
 * round trip: what the write rule and the channels need, so they never read a store.
 */
export interface ConversationFacts {
  /** The platform said the person cannot be reached (they blocked the bot) since they last wrote. */
  unreachable?: true;
  /** When the person last wrote, by their platform's own clock (WhatsApp's window runs from it). */
  lastInbound?: number;
}

/** A stored session and the version it was read at (0 when there is none), with its facts. */
export interface SessionRecord extends ConversationFacts {
  session: unknown;
  version: number;
  /**
   * The stored session exists but could not be decoded (a data key that is gone, damaged
   * data). The runtime starts the person afresh rather than lock them out.
   */
  unreadable?: boolean;
}

/** Decode a stored session, reporting rather than throwing when it cannot be read. */
export function decodeSession(
  decode: () => unknown,
): Pick<SessionRecord, "session" | "unreadable"> {
  try {
    return { session: decode() };
  } catch {
    // The error may quote stored content: it is not kept.
    return { session: undefined, unreadable: true };
  }
}

/**
 * The result of trying to save a step. Without a `deliverer` every save is `ok`. With one,
 * a save with effects also says who carries them out (see {@link DelivererTurn}):
 * - `ok`: the deliverer now has the conversation's turn and nothing older is pending;
 * - `behind`: it has the turn, but older entries are pending (their deliverer gave up or
 *   died): those go out first;
 * - `held`: it had the turn already (it is delivering an older entry): it goes on with this;
 * - `queued`: another deliverer has the turn and goes on with this after the older ones.
 */
export type CommitResult = "ok" | "behind" | "held" | "queued" | "conflict" | "duplicate";

/**
 * Who is carrying out a conversation's outbox, so that its entries leave in order across
 * every process sharing the store: one deliverer at a time holds the conversation's turn,
 * goes on while entries are pending, and gives it back when none is. The turn is a lease:
 * a deliverer that dies loses it after `turnMs`, and whoever comes next takes it over.
 */
export interface DelivererTurn {
  /** The deliverer (a process's runtime), unique among everything sharing the store. */
  id: string;
  /** How long the turn holds without being renewed. */
  turnMs: number;
}

/**
 * What an acknowledgement leaves to its deliverer: `more` entries pending (with a
 * deliverer: its turn renewed, it goes on), `none` (its turn given back), or the turn
 * `taken` by another deliverer (its lease ran out): that one goes on, not this.
 */
export type AckResult = "more" | "none" | "taken";

/**
 * Effects saved together with the step that produced them, waiting to be carried out.
 * `id` is the version the commit created, so entries sort in the order of the steps.
 */
export interface OutboxEntry {
  id: number;
  effects: Effect[];
  /**
   * Which effects (by index) were already carried out: the entry's delivery ids are
   * `<id>.<index>`, and a retry carries out only the others.
   */
  done?: number[];
}

/** What a commit carries besides the session. */
export interface CommitOptions {
  /** The channel's message id: a message already committed under it is a `duplicate`. */
  dedupeId?: string;
  /** Effects of the step, kept as a pending outbox entry until acknowledged. */
  outbox?: readonly Effect[];
  /**
   * The person wrote this message (not an operator, not a timer): they are reachable again,
   * and `at`, their platform's time of the message, moves `lastInbound` forward.
   */
  personWrote?: { at?: number };
  /** Who would carry out `outbox`: the store decides whose turn it is (the result says). */
  deliverer?: DelivererTurn;
}

/** Messages now in the person's chat that discreet mode deletes at `deleteAt`. */
export interface ChatLogAddition {
  ids: readonly string[];
  deleteAt: number;
}

/** What an acknowledgement (or a partial one) carries besides the entry's id. */
export interface AckOptions {
  /** Messages the entry put in the chat, to delete on schedule (arms the deletion timer). */
  chatLog?: ChatLogAddition;
}

/** An acknowledgement by a deliverer: its turn is renewed while entries remain, else given back. */
export interface AckByOptions extends AckOptions {
  deliverer?: DelivererTurn;
}

/**
 * Sessions with optimistic concurrency and a transactional outbox: a commit succeeds only
 * if nobody saved the conversation since it was loaded, so two processes never overwrite
 * each other; and the step's effects are saved in the same atomic write, so a crash between
 * saving and sending loses nothing (a sweeper finds what was never acknowledged).
 */
export interface ConversationStore {
  /**
   * The session, its version (0 and `undefined` for a new conversation) and the facts
   * (reachability, last inbound time), in one round trip.
   */
  load(key: ConversationKey): Promise<SessionRecord>;
  /**
   * Atomically: if `dedupeId` was already seen, `duplicate` (nothing written); else if the
   * stored version is not `expected`, `conflict` (nothing written); else save `session`
   * as version `expected + 1`, remember `dedupeId`, and keep `outbox` (when non-empty) as a
   * pending entry whose id is the new version; with `personWrote`, clear the unreachable
   * mark and move the last inbound time forward; with `deliverer` and an outbox, take the
   * conversation's turn if it is free (see {@link CommitResult}). Refreshes the sliding
   * TTL. One round trip.
   */
  commit(
    key: ConversationKey,
    expected: number,
    session: Session,
    opts?: CommitOptions,
  ): Promise<CommitResult>;
  /**
   * Pending outbox entries of a conversation, oldest first. An entry that cannot be read
   * (damaged, or written under a data key that is gone) is quarantined: moved aside under
   * the conversation, never delivered, never blocking the others, and its id passed to
   * `onQuarantined`; it never makes this reject.
   */
  pendingOutbox(
    key: ConversationKey,
    onQuarantined?: (ids: number[]) => void,
  ): Promise<OutboxEntry[]>;
  /**
   * Mark an entry delivered (delete it), and log what it put in the chat (arming the
   * deletion timer), in one round trip. Unknown ids are ignored. With a `deliverer`, its turn
   * is renewed while entries remain (taken, if it lapsed and nobody else has it) and given
   * back when none does.
   */
  ackOutbox(key: ConversationKey, id: number, opts?: AckByOptions): Promise<AckResult>;
  /** Take the conversation's turn if it is free, or renew it if `deliverer` has it. */
  claimTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<boolean>;
  /**
   * Renew the turn if `deliverer` has it, never taking a free one: a renewal that arrives
   * after the turn was given back must not hold it for a deliverer that stopped.
   */
  renewTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<boolean>;
  /** Give the turn back, if `deliverer` has it (what is pending waits for the next one). */
  releaseTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<void>;
  /** Whether entry `id` is still pending (not acknowledged, quarantined or erased). */
  isPending(key: ConversationKey, id: number): Promise<boolean>;
  /**
   * Remember that the effects at `indices` of entry `id` were carried out (some others were
   * not), so a retry does not repeat them. Replaces what was remembered; ignored when the
   * entry is gone (acked meanwhile). Logs `chatLog` like {@link ackOutbox}.
   */
  markDone(
    key: ConversationKey,
    id: number,
    indices: readonly number[],
    opts?: AckOptions,
  ): Promise<void>;
  /**
   * Conversations that have had pending entries for at least `olderThanMs` at time `now`,
   * longest-waiting first, at most `limit`: what a recovery sweeper re-delivers after a crash.
   */
  staleOutboxes(olderThanMs: number, now: number, limit: number): Promise<ConversationKey[]>;
  /**
   * Forget the conversation entirely: session, dedupe ids, outbox and its turn,
   * reachability, last inbound time, chat log and its deletion timer (erase).
   */
  remove(key: ConversationKey): Promise<void>;
}

/**
 * Tuning shared by every ConversationStore, so the memory twin and Redis behave alike.
 * All optional; the defaults below apply.
 */
export interface ConversationStoreOptions {
  /** How every stored value (session, outbox entry) becomes text: JSON, later encrypted. */
  codec?: Codec;
  /** Idle conversations vanish after this long; every load and commit restarts the clock. */
  ttlSeconds?: number;
  /** How long a message id is remembered to drop redeliveries. */
  dedupeWindowMs?: number;
  /** At most this many message ids are remembered per conversation. */
  dedupeMax?: number;
  /** The clock (ms since the epoch), for dedupe times and outbox ages; tests pass their own. */
  now?: () => number;
  /**
   * Where discreet mode's deletion timers are armed (one job per conversation, due at its
   * earliest deletion). Without one, ids are logged but nothing deletes them on schedule.
   */
  timers?: Scheduler;
  /** Conversation key -> the pseudonymous name used in job ids (plain by default). */
  names?: KeyNames;
}

/** Idle sessions are purged after 30 days (DESIGN: idle sessions purged on schedule). */
export const DEFAULT_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Redeliveries come within hours (Telegram keeps pending updates 24 h); 48 h is the margin. */
export const DEFAULT_DEDUPE_WINDOW_MS = 48 * 60 * 60 * 1000;
/** Bounds the dedupe memory of a very chatty conversation. */
export const DEFAULT_DEDUPE_MAX = 32;

/** What a delivery needs to know about the conversation: the runtime hands it over. */
export interface DeliveryMeta extends ConversationFacts {
  /** The conversation's priority, for pacing (P1 first). */
  priority: Priority;
  /** The person's language, for the words a channel adds (WhatsApp's "Choose"). */
  lang?: string;
  /** When the person last wrote: we only write within the window after that. */
  heard?: number;
  /** The person asked for this message (a check-in): it may go out whenever it is due. */
  solicited?: boolean;
}

/** What carrying out a step's effects came to. */
export interface RunReport {
  /** The replies were not sent, on purpose: we may not write to the person now. */
  refused?: WriteRefusal;
  /** With `failed`: the effects (by index) that were carried out nonetheless. */
  done?: number[];
  /** Why some effects could not be carried out: they stay in the outbox for a retry. */
  failed?: unknown;
  /**
   * What the engine must hear next in this conversation, as an effect's outcome (a case
   * code checked): the runtime steps it like any message once these effects are settled.
   */
  next?: Inbound[];
  /** Messages the replies put in the chat, for discreet mode to delete on schedule. */
  chatLog?: ChatLogAddition;
}

/** Carries out effects for one conversation, after its session was saved. */
export interface EffectSink {
  /**
   * Carry out `effects` for one conversation, except those at the indices in `done`
   * (carried out by an earlier try). Reports which it carried out when others `failed`;
   * rejecting means none was, and all stay in the outbox.
   */
  run(
    key: ConversationKey,
    effects: readonly Effect[],
    meta: DeliveryMeta,
    done?: ReadonlySet<number>,
  ): Promise<RunReport>;
  /** Why we may not write to the person now (the one rule), if we may not. */
  refusal?(key: ConversationKey, meta: DeliveryMeta): WriteRefusal | undefined;
}
