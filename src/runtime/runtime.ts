/**
 * The runtime: load the session, step the engine, save, then carry out the effects.
 * Written once for every channel; adapters only translate.
 */

import { randomUUID } from "node:crypto";
import { errorSummary } from "../channels/errors.js";
import type { Session } from "../engine/session.js";
import { SessionFormatError } from "../engine/session.js";
import { loadSession, step } from "../engine/step.js";
import { priorityOf } from "../engine/triage.js";
import type { Bundle, Effect, Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type {
  AckResult,
  ChatLogAddition,
  CommitResult,
  ConversationFacts,
  ConversationKey,
  ConversationStore,
  DelivererTurn,
  DeliveryMeta,
  EffectSink,
  OutboxEntry,
} from "./ports.js";
import type { WriteRefusal } from "./write-rule.js";

/** Tries before giving up on a conversation that keeps changing underneath us. */
const MAX_COMMIT_ATTEMPTS = 20;

export interface RuntimeDeps {
  bundle: Bundle;
  store: ConversationStore;
  sink: EffectSink;
  log: Logger;
  now?: () => number;
  ids: () => string;
  /** Secret case codes (defaults to `ids`). */
  codes?: () => string;
  /** Outbox entries that could not be read were set aside (for /metrics). */
  onQuarantined?: (count: number) => void;
  /**
   * Resolves once Redis's replicas hold every write made so far (the replica barrier):
   * passed before an update is acknowledged and before an outbox entry is, so a failover
   * loses nothing that was acknowledged. Absent: one Redis, or memory.
   */
  replicated?: () => Promise<void>;
  /**
   * This runtime as a deliverer: who has a conversation's turn to carry out its outbox
   * (unique per process; random by default). Tests name theirs.
   */
  deliverer?: string;
  /** How long a conversation's turn holds unless renewed (see {@link DelivererTurn}). */
  turnMs?: number;
}

/**
 * A turn lasts this long unless renewed: a delivery renews it every third of it while it
 * waits (pacing), so only a process that died loses it, and the next one takes over after.
 */
const TURN_MS = 15_000;
/** An entry another process delivers is looked at again after this, doubling up to a second. */
const HANDED_FIRST_LOOK_MS = 50;
const HANDED_LAST_LOOK_MS = 1_000;
/** Past this, the entry is left to whoever has the turn, and to recovery, unwatched. */
const HANDED_FOLLOW_MS = 5 * 60_000;

/**
 * Pauses before each retry of a write that records what was sent: about 10 s in all, the
 * longest a Cluster failover took under load here (a node times out after 1-15 s).
 */
const RECORD_PAUSES_MS = [250, 500, 1_000, 2_000, 2_000, 2_000, 2_000];

/** An entry saved and about to be carried out, with what its delivery needs. */
interface Saved {
  id: number;
  effects: readonly Effect[];
  meta: DeliveryMeta;
  done?: readonly number[];
}

/** Why a drain of a conversation's outbox stopped. */
type DrainEnd =
  /** Nothing is pending any more (the turn given back). */
  | "none"
  /** Another deliverer took the turn over (this one's lease had run out): it goes on. */
  | "taken"
  /** What is still pending failed here and waits for recovery (the turn given back). */
  | "kept";

/**
 * What became of a step's effects: all carried out (`done`), left in the outbox for
 * recovery (`kept`: a channel or store failed), or carried out except its replies, which
 * the write rule refused (the person cannot be reached, or the window is closed).
 */
export type Delivery = "done" | "kept" | WriteRefusal;

/** What became of one inbound message. */
export type HandleOutcome =
  | {
      status: "handled";
      effects: readonly Effect[];
      /** Settles once the effects were carried out, or left for recovery. */
      delivered: Promise<Delivery>;
    }
  | { status: "duplicate"; delivered: Promise<Delivery> }
  /**
   * Nothing was saved: the message exists only to reach the person (an operator's words),
   * and we may not write to them now.
   */
  | { status: "refused"; why: WriteRefusal };

/**
 * Inbounds whose only point is to reach the person: an operator's words and the embassy
 * steps an operator sends. When we may not write, they are refused before anything is
 * saved, so the operator hears why at once and can choose what to do instead.
 */
function mustReach(inbound: Inbound): boolean {
  return inbound.kind === "operator" && (inbound.event === "message" || inbound.event === "steps");
}

/** The person's own message: not an operator's, not a timer's or the system's. */
function fromPerson(inbound: Inbound): boolean {
  return inbound.kind !== "operator" && inbound.kind !== "system";
}

/** Saving kept conflicting with other writers; the message was not handled. */
export class CommitConflictError extends Error {
  override readonly name = "CommitConflictError";
}

export class Runtime {
  readonly #d: RuntimeDeps;
  readonly #now: () => number;
  readonly #turn: DelivererTurn;
  /** Work under way in this process (carrying out an outbox), by conversation, in order. */
  readonly #inflight = new Map<ConversationKey, Promise<unknown>>();
  /** Conversations whose outbox this process is carrying out right now. */
  readonly #carrying = new Set<ConversationKey>();
  /** Who waits to hear how an entry went, by conversation and entry id. */
  readonly #waiting = new Map<ConversationKey, Map<number, (d: Delivery) => void>>();

  constructor(deps: RuntimeDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#turn = { id: deps.deliverer ?? randomUUID(), turnMs: deps.turnMs ?? TURN_MS };
  }

  get bundle(): Bundle {
    return this.#d.bundle;
  }

  /**
   * Handle one message: step it and save the result with its effects. Returns once saved,
   * so a webhook can answer at once; the effects are then carried out in the background
   * (`delivered`), and if this process dies first, they are still in the store's outbox.
   * A conflicting save (another process stepped the same conversation) is retried from a
   * fresh load: the step is pure, so re-running it is safe.
   *
   * @param dedupeId the channel's message id: a redelivered message is handled once
   * @param at when the person wrote it, by their platform's clock (WhatsApp's window runs
   *   from it); only for the person's own messages
   * @throws CommitConflictError after too many conflicting saves; store errors (Redis
   *   down) propagate, so the channel can ask for the message again
   */
  async handle(
    key: ConversationKey,
    inbound: Inbound,
    dedupeId?: string,
    at?: number,
  ): Promise<HandleOutcome> {
    const { store, bundle, ids } = this.#d;
    // Only the person's own messages make them reachable and open the window again.
    const personWrote = fromPerson(inbound) ? { ...(at !== undefined ? { at } : {}) } : undefined;
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const record = await store.load(key);
      const now = this.#now();
      const session = record.unreadable
        ? this.#unreadable(key, "stored session cannot be decoded")
        : this.#readSession(key, record.session, now);
      const result = step(bundle, session, inbound, {
        now,
        ids,
        ...(this.#d.codes ? { codes: this.#d.codes } : {}),
      });
      const meta = this.#meta(result.session, afterWriting(record, personWrote), inbound);
      const refused = mustReach(inbound) ? this.#d.sink.refusal?.(key, meta) : undefined;
      if (refused) return { status: "refused", why: refused };
      const committed = await store.commit(key, record.version, result.session, {
        ...(dedupeId ? { dedupeId } : {}),
        outbox: result.effects,
        ...(personWrote ? { personWrote } : {}),
        deliverer: this.#turn,
      });
      if (committed === "duplicate") {
        const delivered = this.#track(key, () => this.#carryOutIfFree(key));
        return { status: "duplicate", delivered: delivered.then(asDelivery) };
      }
      if (committed !== "conflict") {
        await this.#d.replicated?.();
        this.#logErrors(key, result.effects);
        const saved = { id: record.version + 1, effects: result.effects, meta };
        return {
          status: "handled",
          effects: result.effects,
          delivered: this.#send(key, saved, committed),
        };
      }
    }
    throw new CommitConflictError(
      `could not save conversation after ${MAX_COMMIT_ATTEMPTS} attempts`,
    );
  }

  /**
   * Carry out what earlier processes saved but never delivered (they crashed or the
   * channel was down). Run periodically; skips conversations this process is busy with,
   * and those another process is carrying out (it has their turn).
   */
  async recover(olderThanMs: number, limit = 100): Promise<number> {
    const keys = await this.#d.store.staleOutboxes(olderThanMs, this.#now(), limit);
    let delivered = 0;
    for (const key of keys) {
      if (this.#inflight.has(key)) continue;
      // One conversation that cannot be recovered now (Redis away) does not stop the others.
      if ((await this.#track(key, () => this.#carryOutIfFree(key))) === "none") delivered += 1;
    }
    return delivered;
  }

  /**
   * Wait for deliveries under way (graceful shutdown), at most `graceMs`: what is still
   * queued behind rate limits then stays in the outbox for recovery by the next instance.
   * Returns whether everything was delivered.
   */
  async drain(graceMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = Date.now() + graceMs;
    while (this.#inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"late">((r) => {
        timer = setTimeout(() => r("late"), Math.min(left, 2 ** 31 - 1));
      });
      const done = await Promise.race([Promise.all([...this.#inflight.values()]), timeout]);
      clearTimeout(timer);
      if (done === "late") return false;
    }
    return true;
  }

  /**
   * Carry out a just-saved entry, in its turn: a conversation's entries leave in the order
   * they were saved, whichever process saved them, because one deliverer at a time has the
   * conversation's turn and goes on while anything is pending (see {@link DelivererTurn}).
   */
  #send(key: ConversationKey, saved: Saved, how: CommitResult): Promise<Delivery> {
    if (saved.effects.length === 0) return this.#track(key, async () => "done" as const);
    switch (how) {
      case "ok": {
        // Work of this process already queued for the conversation may carry this entry out
        // first (a follower that took the turn): then it is read back, not sent as saved.
        if (this.#inflight.has(key)) return this.#startCarrying(key, saved.id);
        const mine = this.#waitFor(key, saved.id);
        void this.#track(key, () => this.#carryOut(key, saved));
        return mine;
      }
      case "behind":
        return this.#startCarrying(key, saved.id);
      case "held":
        // This process is carrying the conversation's outbox: it goes on with this entry.
        return this.#carrying.has(key)
          ? this.#waitFor(key, saved.id)
          : this.#startCarrying(key, saved.id);
      default:
        return this.#handedOver(key, saved.id);
    }
  }

  /**
   * Carry out everything pending, and hear how `id` went. The turn is claimed again when the
   * work runs: work of this process queued before it may have given the turn back since.
   */
  #startCarrying(key: ConversationKey, id: number): Promise<Delivery> {
    const mine = this.#waitFor(key, id);
    void this.#track(key, () => this.#carryOutIfFree(key));
    return mine;
  }

  /**
   * Another process has the turn: the entry has gone out once it is no longer pending.
   * Looked at with a growing pause; if the turn comes free meanwhile (that process failed
   * or died and its lease ran out), it is taken here and the outbox carried out.
   */
  async #handedOver(key: ConversationKey, id: number): Promise<Delivery> {
    const { store } = this.#d;
    const until = Date.now() + HANDED_FOLLOW_MS;
    for (let pause = HANDED_FIRST_LOOK_MS; ; pause = Math.min(pause * 2, HANDED_LAST_LOOK_MS)) {
      if (Date.now() > until) return "kept";
      await new Promise((r) => setTimeout(r, pause));
      try {
        if (!(await store.isPending(key, id))) return "done";
        if (await store.claimTurn(key, this.#turn)) return this.#startCarrying(key, id);
      } catch (err) {
        this.#d.log.warn({ conversation: keyKind(key), err: errorSummary(err) }, "not followed");
        return "kept";
      }
    }
  }

  /**
   * Carry out what is pending, unless another process is (it has the turn): then whatever
   * this process awaits of the conversation is followed until it has gone out.
   */
  async #carryOutIfFree(key: ConversationKey): Promise<DrainEnd | "busy"> {
    try {
      if (!(await this.#d.store.claimTurn(key, this.#turn))) {
        this.#followLeftovers(key);
        return "busy";
      }
    } catch (err) {
      this.#d.log.warn({ conversation: keyKind(key), err: errorSummary(err) }, "not recovered");
      this.#followLeftovers(key);
      return "kept";
    }
    return this.#carryOut(key);
  }

  /**
   * Carry out the conversation's pending entries in order while this process has its turn,
   * starting with `first` (just saved, nothing older pending) when given. Goes on while an
   * acknowledgement says more is pending (another process may have saved it), and stops
   * when nothing is (the turn given back), when another deliverer took the turn over, or
   * when only entries that failed here are left (the turn given back; recovery tries them
   * again). A failed entry does not hold back the ones after it: a reply that cannot go out
   * must not silence the conversation.
   */
  async #carryOut(key: ConversationKey, first?: Saved): Promise<DrainEnd> {
    this.#carrying.add(key);
    const renew = setInterval(
      () => void this.#d.store.renewTurn(key, this.#turn).catch(() => undefined),
      this.#turn.turnMs / 3,
    );
    renew.unref();
    const failed = new Set<number>();
    let end: DrainEnd | "empty" = "kept";
    try {
      end = await this.#carryOutEntries(key, failed, first);
      return end === "empty" ? "none" : end;
    } finally {
      clearInterval(renew);
      this.#carrying.delete(key);
      // An acknowledgement that left nothing pending gave the turn back already.
      if (end !== "none") await this.#giveBack(key);
      for (const id of failed) this.#settle(key, id, "kept");
      this.#followLeftovers(key);
    }
  }

  async #carryOutEntries(
    key: ConversationKey,
    failed: Set<number>,
    first: Saved | undefined,
  ): Promise<DrainEnd | "empty"> {
    if (first) {
      const next = await this.#carryOutOne(key, first, failed);
      if (next !== "more") return next;
    }
    for (;;) {
      const pending = await this.#pending(key);
      if (!pending) return "kept";
      const todo = pending.entries.filter((e) => !failed.has(e.id));
      if (todo.length === 0) return failed.size > 0 ? "kept" : "empty";
      for (const entry of todo) {
        const next = await this.#carryOutOne(key, { ...entry, meta: pending.meta }, failed);
        if (next !== "more") return next;
      }
    }
  }

  /** One entry: carried out and acknowledged, or left pending (`failed`) for recovery. */
  async #carryOutOne(key: ConversationKey, saved: Saved, failed: Set<number>): Promise<AckResult> {
    const { delivery, next } = await this.#deliver(key, saved);
    // A failure is told once the turn is given back, so whoever hears it can try again.
    if (delivery === "kept") {
      failed.add(saved.id);
      return "more";
    }
    this.#settle(key, saved.id, delivery);
    return next;
  }

  /** The pending entries and what their delivery needs, or undefined when Redis is away. */
  async #pending(
    key: ConversationKey,
  ): Promise<{ entries: OutboxEntry[]; meta: DeliveryMeta } | undefined> {
    const { store } = this.#d;
    try {
      const [entries, record] = await Promise.all([
        store.pendingOutbox(key, (ids) => this.#quarantined(key, ids)),
        store.load(key),
      ]);
      const session = record.unreadable
        ? undefined
        : this.#readSession(key, record.session, this.#now());
      return { entries, meta: this.#meta(session, record) };
    } catch (err) {
      this.#d.log.warn({ conversation: keyKind(key), err: errorSummary(err) }, "not recovered");
      return undefined;
    }
  }

  /** Give the turn back (best effort: if Redis is away, the lease runs out by itself). */
  async #giveBack(key: ConversationKey): Promise<void> {
    await this.#d.store.releaseTurn(key, this.#turn).catch(() => undefined);
  }

  #waitFor(key: ConversationKey, id: number): Promise<Delivery> {
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(key) ?? new Map<number, (d: Delivery) => void>();
      waiting.set(id, resolve);
      this.#waiting.set(key, waiting);
    });
  }

  #settle(key: ConversationKey, id: number, delivery: Delivery): void {
    const waiting = this.#waiting.get(key);
    waiting?.get(id)?.(delivery);
    waiting?.delete(id);
    if (waiting?.size === 0) this.#waiting.delete(key);
  }

  /**
   * Entries still awaited when this process stopped carrying the outbox (the turn was
   * taken over, or one was saved just as it was given back): followed until they go out.
   */
  #followLeftovers(key: ConversationKey): void {
    const waiting = this.#waiting.get(key);
    if (!waiting) return;
    this.#waiting.delete(key);
    for (const [id, resolve] of waiting) void this.#handedOver(key, id).then(resolve);
  }

  /** Chain work per conversation, so one process never carries out an outbox twice at once. */
  #track<T>(key: ConversationKey, work: () => Promise<T>): Promise<T> {
    const before = this.#inflight.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    this.#inflight.set(key, mine);
    // Both outcomes handled here: a rejection is the caller's to see, never unhandled.
    const forget = () => {
      if (this.#inflight.get(key) === mine) this.#inflight.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  }

  /**
   * Carry out one entry (but for the effects in `done`, carried out before) and acknowledge
   * it. When some effects fail, those that did not are remembered as done, so recovery
   * repeats only the failed ones.
   */
  async #deliver(
    key: ConversationKey,
    { id, effects, meta, done = [] }: Saved,
  ): Promise<{ delivery: Delivery; next: AckResult }> {
    // Where it failed, for the log: after `sending`, a message may go out twice.
    let stage: "sending" | "following up" | "recording" = "sending";
    try {
      const report = await this.#d.sink.run(key, effects, meta, new Set(done));
      const now = report.done ?? [];
      const log = report.chatLog;
      if (report.failed !== undefined) {
        await this.#markDone(key, id, [...done, ...now], log);
        throw report.failed;
      }
      stage = "following up";
      await this.#followUp(key, id, effects, [...done, ...now], report.next ?? [], log);
      stage = "recording";
      await this.#effectsReplicated(key, { id, effects, meta, done }, now, log);
      const next = await this.#afterSending(async () => {
        const next = await this.#d.store.ackOutbox(key, id, {
          ...(log ? { chatLog: log } : {}),
          deliverer: this.#turn,
        });
        // The acknowledgement on a replica too: a failover that lost it would send again.
        await this.#d.replicated?.();
        return next;
      });
      return { delivery: report.refused ?? "done", next };
    } catch (err) {
      // The effects stay in the outbox; recovery tries again later.
      this.#d.log.warn(
        { conversation: keyKind(key), stage, err: errorSummary(err) },
        "delivery failed; kept for recovery",
      );
      return { delivery: "kept", next: "more" };
    }
  }

  /**
   * What the effects wrote (a case) is on a replica before the entry stops being pending.
   * If that cannot be known (a primary failed), the effects run again later, but for the
   * replies: the person has them already.
   */
  async #effectsReplicated(
    key: ConversationKey,
    { id, effects, done = [] }: Saved,
    now: readonly number[],
    log: ChatLogAddition | undefined,
  ): Promise<void> {
    try {
      await this.#d.replicated?.();
    } catch (err) {
      const sent = now.filter((i) => effects[i]?.type === "reply" || effects[i]?.type === "tidy");
      await this.#markDone(key, id, [...done, ...sent], log);
      throw err;
    }
  }

  /**
   * What the effects' outcomes tell the engine (a case code checked) is stepped and saved
   * before the entry is let go. If that fails, the effects that produced it are tried again
   * later, and nothing else.
   */
  async #followUp(
    key: ConversationKey,
    id: number,
    effects: readonly Effect[],
    done: readonly number[],
    next: readonly Inbound[],
    log: ChatLogAddition | undefined,
  ): Promise<void> {
    try {
      for (const inbound of next) await this.handle(key, inbound);
    } catch (err) {
      const kept = done.filter((i) => effects[i]?.type !== "reattach");
      await this.#markDone(key, id, kept, log);
      throw err;
    }
  }

  async #markDone(
    key: ConversationKey,
    id: number,
    done: readonly number[],
    log: ChatLogAddition | undefined,
  ): Promise<void> {
    if (done.length === 0) return;
    await this.#afterSending(() =>
      this.#d.store.markDone(key, id, done, log ? { chatLog: log } : {}),
    );
  }

  /**
   * A write that records what already reached the person (an acknowledgement, done marks).
   * If it is lost, recovery sends those messages again; so a Redis blip (a failover) is
   * waited out for a few seconds before giving up.
   */
  async #afterSending<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        const pause = RECORD_PAUSES_MS[attempt];
        if (pause === undefined) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  /**
   * Damaged entries were set aside, never delivered: said in the log (ids only) and counted,
   * so an operator can look; the conversation's other entries go out as usual.
   */
  #quarantined(key: ConversationKey, ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.#d.log.error(
      { conversation: keyKind(key), entries: ids },
      "outbox entry cannot be read; quarantined, not delivered",
    );
    this.#d.onQuarantined?.(ids.length);
  }

  /**
   * What a delivery needs: the conversation's priority and language, when the person last
   * wrote, whether they asked for this, and what the store knows (reachable, last inbound).
   */
  #meta(session: Session | undefined, facts: ConversationFacts, inbound?: Inbound): DeliveryMeta {
    const triage = this.#d.bundle.flows.global.triage;
    return {
      // A session that cannot be read: no priority to go by, and no time the person wrote.
      priority: session ? priorityOf(session.reasons, triage.reasons, triage.default) : "P3",
      ...(session?.lang ? { lang: session.lang } : {}),
      ...(session?.heard !== undefined ? { heard: session.heard } : {}),
      ...(inbound?.kind === "system" && inbound.event === "checkin_due" ? { solicited: true } : {}),
      ...(facts.unreachable ? { unreachable: true as const } : {}),
      ...(facts.lastInbound !== undefined ? { lastInbound: facts.lastInbound } : {}),
    };
  }

  #readSession(key: ConversationKey, stored: unknown, now: number) {
    try {
      return loadSession(stored, now);
    } catch (err) {
      if (!(err instanceof SessionFormatError)) throw err;
      return this.#unreadable(key, err.message);
    }
  }

  /** Unreadable data must not lock a person out: start them afresh, and say so in the log. */
  #unreadable(key: ConversationKey, why: string): undefined {
    this.#d.log.warn(
      { conversation: keyKind(key), err: why },
      "session unreadable; starting afresh",
    );
    return undefined;
  }

  #logErrors(key: ConversationKey, effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.type === "error")
        this.#d.log.error(
          { conversation: keyKind(key), code: e.code, detail: e.detail },
          "flow error",
        );
    }
  }
}

/** An error's kind and code for the log (one shared classifier; never its message). */
export { errorSummary };

/** The channel part of a key (`tg`, `wa`, `sim`): enough for logs, never the id. */
export function keyKind(key: ConversationKey): string {
  return key.split(":")[0] ?? "unknown";
}

/** The store's facts once the person's own message is saved: reachable, and heard at `at`. */
function afterWriting(
  facts: ConversationFacts,
  wrote: { at?: number } | undefined,
): ConversationFacts {
  if (!wrote) return facts;
  const at = Math.max(facts.lastInbound ?? 0, wrote.at ?? 0);
  return at > 0 ? { lastInbound: at } : {};
}

/** What a redelivery's carrying out came to, for whoever waits on it. */
function asDelivery(end: DrainEnd | "busy"): Delivery {
  return end === "kept" ? "kept" : "done";
}
