/**
 * The runtime: load the session, step the engine, save, then carry out the effects.
 * Written once for every channel; adapters only translate.
 */

import { errorSummary } from "../channels/errors.js";
import type { Session } from "../engine/session.js";
import { SessionFormatError } from "../engine/session.js";
import { loadSession, step } from "../engine/step.js";
import { priorityOf } from "../engine/triage.js";
import type { Bundle, Effect, Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type {
  ChatLogAddition,
  ConversationFacts,
  ConversationKey,
  ConversationStore,
  DeliveryMeta,
  EffectSink,
  OutboxEntry,
  SessionRecord,
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
}

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
  /** Deliveries under way in this process, by conversation. */
  readonly #inflight = new Map<ConversationKey, Promise<Delivery>>();

  constructor(deps: RuntimeDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
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
      });
      if (committed === "duplicate") {
        return {
          status: "duplicate",
          delivered: this.#track(key, () => this.#deliverPending(key)),
        };
      }
      if (committed === "ok") {
        await this.#d.replicated?.();
        this.#logErrors(key, result.effects);
        const id = record.version + 1;
        // Ours to deliver: a redelivery's pending sweep must not send it a second time.
        this.#own(key, id, true);
        const delivered = this.#track(key, () =>
          this.#deliver(key, id, result.effects, meta).finally(() => this.#own(key, id, false)),
        );
        return { status: "handled", effects: result.effects, delivered };
      }
    }
    throw new CommitConflictError(
      `could not save conversation after ${MAX_COMMIT_ATTEMPTS} attempts`,
    );
  }

  /**
   * Carry out what earlier processes saved but never delivered (they crashed or the
   * channel was down). Run periodically; skips conversations this process is busy with.
   */
  async recover(olderThanMs: number, limit = 100): Promise<number> {
    const keys = await this.#d.store.staleOutboxes(olderThanMs, this.#now(), limit);
    let delivered = 0;
    for (const key of keys) {
      if (this.#inflight.has(key)) continue;
      // One conversation that cannot be recovered now (Redis away) does not stop the others.
      if ((await this.#track(key, () => this.#deliverPending(key))) !== "kept") delivered += 1;
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

  /** Outbox entries this process committed and is about to deliver, by conversation. */
  readonly #owned = new Map<ConversationKey, Set<number>>();

  #own(key: ConversationKey, id: number, owned: boolean): void {
    const ids = this.#owned.get(key) ?? new Set<number>();
    if (owned) ids.add(id);
    else ids.delete(id);
    if (ids.size > 0) this.#owned.set(key, ids);
    else this.#owned.delete(key);
  }

  /** Chain deliveries per conversation, so one person's replies never overtake each other. */
  #track(key: ConversationKey, work: () => Promise<Delivery>): Promise<Delivery> {
    const before = this.#inflight.get(key) ?? Promise.resolve<Delivery>("done");
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
   * Carry out outbox entry `id` (but for the effects in `done`, carried out before) and
   * acknowledge it. When some effects fail, those that did not are remembered as done, so
   * recovery repeats only the failed ones.
   */
  async #deliver(
    key: ConversationKey,
    id: number,
    effects: readonly Effect[],
    meta: DeliveryMeta,
    done: readonly number[] = [],
  ): Promise<Delivery> {
    if (effects.length === 0) return "done";
    try {
      const report = await this.#d.sink.run(key, effects, meta, new Set(done));
      const now = report.done ?? [];
      const log = report.chatLog;
      if (report.failed !== undefined) {
        await this.#markDone(key, id, [...done, ...now], log);
        throw report.failed;
      }
      await this.#followUp(key, id, effects, [...done, ...now], report.next ?? [], log);
      // What the effects wrote (a case) is on a replica before the entry stops being pending.
      await this.#d.replicated?.();
      await this.#d.store.ackOutbox(key, id, log ? { chatLog: log } : {});
      return report.refused ?? "done";
    } catch (err) {
      // The effects stay in the outbox; recovery tries again later.
      this.#d.log.warn(
        { conversation: keyKind(key), err: errorSummary(err) },
        "delivery failed; kept for recovery",
      );
      return "kept";
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
    if (done.length > 0) await this.#d.store.markDone(key, id, done, log ? { chatLog: log } : {});
  }

  /**
   * A redelivered message: its step was saved before, but the process may have died before
   * (or while) carrying out the effects. Whatever is still pending goes out now, in order.
   * Never rejects: when the store cannot be read (Redis away), everything stays for later.
   */
  async #deliverPending(key: ConversationKey): Promise<Delivery> {
    const { store } = this.#d;
    let entries: OutboxEntry[];
    let record: SessionRecord;
    try {
      [entries, record] = await Promise.all([
        store.pendingOutbox(key, (ids) => this.#quarantined(key, ids)),
        store.load(key),
      ]);
    } catch (err) {
      this.#d.log.warn({ conversation: keyKind(key), err: errorSummary(err) }, "not recovered");
      return "kept";
    }
    if (entries.length === 0) return "done";
    const session = record.unreadable
      ? undefined
      : this.#readSession(key, record.session, this.#now());
    const meta = this.#meta(session, record);
    const owned = this.#owned.get(key);
    let last: Delivery = "done";
    for (const entry of entries) {
      if (owned?.has(entry.id)) continue; // queued here already: it goes out in its turn
      last = await this.#deliver(key, entry.id, entry.effects, meta, entry.done);
      if (last === "kept") return last;
    }
    return last;
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
