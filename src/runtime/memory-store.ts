/**
 * The in-memory twin of the Redis conversation store: for the local demo and tests.
 * Same contract, same tests; nothing survives a restart. Values are kept encoded through
 * the codec, exactly as Redis keeps them, so both stores hand back the same shapes.
 */
import { type KeyNames, plainNames } from "../crypto/pseudonym.js";
import type { Session } from "../engine/session.js";
import type { Scheduler } from "../schedule/scheduler.js";
import { type Codec, jsonCodec } from "../stores/codec.js";
import type { SessionStore, StorageAdapter } from "../stores/session-adapters.js";
import { storedDone, storedEffects } from "../stores/stored.js";
import { type ChatLog, DELETABLE_FOR_MS, jobPrefix, tidyJobId, tidySlot } from "./chat-log.js";
import {
  type AckByOptions,
  type AckOptions,
  type AckResult,
  type CommitOptions,
  type CommitResult,
  type ConversationKey,
  type ConversationStore,
  type ConversationStoreOptions,
  DEFAULT_DEDUPE_MAX,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_TTL_SECONDS,
  type DelivererTurn,
  decodeSession,
  type OutboxEntry,
  type SessionRecord,
} from "./ports.js";
import type { Reachability } from "./reachability.js";

interface Entry {
  /** The encoded session; absent after a framework `delete`. */
  session?: string;
  version: number;
  /** Message id -> when it was committed, oldest first. */
  seen: Map<string, number>;
  /** Outbox entry id -> encoded effects. */
  outbox: Map<number, string>;
  /** Outbox entry id -> encoded indices of its effects already carried out. */
  done: Map<number, string>;
  /** Outbox entries that could not be read, set aside. */
  bad: Map<number, string>;
  /** When the latest commit with effects was made, while something is pending. */
  pendingSince?: number;
  unreachable?: true;
  lastInbound?: number;
  /** Message ids in the chat -> when discreet mode deletes them. */
  messages: Map<string, number>;
  /** The deliverer whose turn it is, until when (a lease, as in Redis). */
  turn?: { id: string; until: number };
  expiresAt: number;
}

export class MemoryConversationStore
  implements
    ConversationStore,
    Reachability,
    ChatLog,
    StorageAdapter<Session>,
    SessionStore<Session>
{
  readonly #entries = new Map<ConversationKey, Entry>();
  readonly #codec: Codec;
  readonly #ttlMs: number;
  readonly #dedupeWindowMs: number;
  readonly #dedupeMax: number;
  readonly #now: () => number;
  readonly #timers: Scheduler | undefined;
  readonly #names: KeyNames;

  constructor(opts: ConversationStoreOptions = {}) {
    this.#codec = opts.codec ?? jsonCodec;
    this.#ttlMs = (opts.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    this.#dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    this.#dedupeMax = opts.dedupeMax ?? DEFAULT_DEDUPE_MAX;
    this.#now = opts.now ?? Date.now;
    this.#timers = opts.timers;
    this.#names = opts.names ?? plainNames;
  }

  async load(key: ConversationKey): Promise<SessionRecord> {
    const e = this.#live(key);
    if (!e) return { session: undefined, version: 0 };
    const stored = e.session;
    return {
      ...(stored === undefined
        ? { session: undefined }
        : decodeSession(() => this.#codec.decode(stored))),
      version: e.version,
      ...(e.unreachable ? { unreachable: true as const } : {}),
      ...(e.lastInbound !== undefined ? { lastInbound: e.lastInbound } : {}),
    };
  }

  async commit(
    key: ConversationKey,
    expected: number,
    session: Session,
    opts: CommitOptions = {},
  ): Promise<CommitResult> {
    const now = this.#now();
    const e = this.#live(key);
    if (opts.dedupeId !== undefined && this.#seenRecently(e, opts.dedupeId, now)) {
      return "duplicate";
    }
    if ((e?.version ?? 0) !== expected) return "conflict";
    // Encode first: a codec that throws must leave the stored state untouched.
    const encoded = this.#codec.encode(session);
    const effects = opts.outbox?.length ? this.#codec.encode([...opts.outbox]) : undefined;
    const entry = e ?? this.#create(key);
    entry.session = encoded;
    entry.version = expected + 1;
    if (opts.dedupeId !== undefined) this.#remember(entry, opts.dedupeId, now);
    const older = entry.outbox.size > 0;
    if (effects !== undefined) {
      entry.pendingSince = now;
      entry.outbox.set(entry.version, effects);
    }
    const wrote = opts.personWrote;
    if (wrote) entry.unreachable = undefined;
    if (wrote?.at !== undefined && wrote.at > (entry.lastInbound ?? 0))
      entry.lastInbound = wrote.at;
    this.#touch(entry);
    if (effects === undefined || !opts.deliverer) return "ok";
    const holder = this.#holder(entry, now);
    if (holder !== undefined && holder !== opts.deliverer.id) return "queued";
    entry.turn = { id: opts.deliverer.id, until: now + opts.deliverer.turnMs };
    return holder !== undefined ? "held" : older ? "behind" : "ok";
  }

  async pendingOutbox(
    key: ConversationKey,
    onQuarantined?: (ids: number[]) => void,
  ): Promise<OutboxEntry[]> {
    const e = this.#live(key);
    if (!e) return [];
    const entries: OutboxEntry[] = [];
    const quarantined: number[] = [];
    for (const [id, text] of e.outbox) {
      try {
        const effects = storedEffects(this.#codec.decode(text));
        const done = this.#done(e.done.get(id));
        entries.push({ id, effects, ...(done ? { done } : {}) });
      } catch {
        quarantined.push(id);
        e.bad.set(id, text);
        e.outbox.delete(id);
        e.done.delete(id);
      }
    }
    if (e.outbox.size === 0) e.pendingSince = undefined;
    if (quarantined.length > 0) onQuarantined?.(quarantined);
    return entries.sort((a, b) => a.id - b.id);
  }

  async ackOutbox(key: ConversationKey, id: number, opts: AckByOptions = {}): Promise<AckResult> {
    const e = this.#live(key);
    if (e) {
      e.outbox.delete(id);
      e.done.delete(id);
      if (e.outbox.size === 0) e.pendingSince = undefined;
    }
    await this.#log(key, opts);
    const left = e?.outbox.size ?? 0;
    const by = opts.deliverer;
    if (!by || !e) return left > 0 ? "more" : "none";
    const holder = this.#holder(e, this.#now());
    if (holder !== undefined && holder !== by.id) return "taken";
    e.turn = left > 0 ? { id: by.id, until: this.#now() + by.turnMs } : undefined;
    return left > 0 ? "more" : "none";
  }

  async claimTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<boolean> {
    const e = this.#live(key) ?? this.#create(key);
    const now = this.#now();
    const holder = this.#holder(e, now);
    if (holder !== undefined && holder !== deliverer.id) return false;
    e.turn = { id: deliverer.id, until: now + deliverer.turnMs };
    return true;
  }

  async renewTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<boolean> {
    const e = this.#live(key);
    const now = this.#now();
    if (!e || this.#holder(e, now) !== deliverer.id) return false;
    e.turn = { id: deliverer.id, until: now + deliverer.turnMs };
    return true;
  }

  async releaseTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<void> {
    const e = this.#live(key);
    if (e?.turn?.id === deliverer.id) e.turn = undefined;
  }

  async isPending(key: ConversationKey, id: number): Promise<boolean> {
    return this.#live(key)?.outbox.has(id) === true;
  }

  async markDone(
    key: ConversationKey,
    id: number,
    indices: readonly number[],
    opts: AckOptions = {},
  ): Promise<void> {
    const e = this.#live(key);
    if (e?.outbox.has(id)) e.done.set(id, this.#codec.encode([...indices]));
    await this.#log(key, opts);
  }

  async staleOutboxes(olderThanMs: number, now: number, limit: number): Promise<ConversationKey[]> {
    const cutoff = now - olderThanMs;
    const stale: [ConversationKey, number][] = [];
    for (const key of this.#entries.keys()) {
      const since = this.#live(key)?.pendingSince;
      if (since !== undefined && since <= cutoff) stale.push([key, since]);
    }
    return stale
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([key]) => key);
  }

  async remove(key: ConversationKey): Promise<void> {
    this.#entries.delete(key);
    await this.#timers?.cancelPrefix(jobPrefix(this.#names(key)));
  }

  async markUnreachable(key: ConversationKey): Promise<void> {
    const e = this.#live(key) ?? this.#create(key);
    e.unreachable = true;
    this.#touch(e);
  }

  async markReachable(key: ConversationKey): Promise<void> {
    const e = this.#live(key);
    if (e) e.unreachable = undefined;
  }

  async isUnreachable(key: ConversationKey): Promise<boolean> {
    return this.#live(key)?.unreachable === true;
  }

  async all(key: ConversationKey, now: number): Promise<string[]> {
    const m = this.#live(key)?.messages;
    return m ? [...m].filter(([, at]) => at > now - DELETABLE_FOR_MS).map(([id]) => id) : [];
  }

  async due(key: ConversationKey, now: number): Promise<string[]> {
    const m = this.#live(key)?.messages;
    return m ? [...m].filter(([, at]) => at <= now).map(([id]) => id) : [];
  }

  async forget(key: ConversationKey, ids: readonly string[]): Promise<void> {
    const m = this.#live(key)?.messages;
    if (!m || ids.length === 0) return;
    for (const id of ids) m.delete(id);
    const next = Math.min(...m.values());
    if (Number.isFinite(next)) await this.#arm(key, next);
  }

  async clear(key: ConversationKey): Promise<void> {
    this.#live(key)?.messages.clear();
    await this.#timers?.cancel(tidyJobId(this.#names(key)));
  }

  /** grammY: the stored session, or undefined. */
  async read(key: string): Promise<Session | undefined> {
    return (await this.load(key)).session as Session | undefined;
  }

  /** grammY: save unconditionally (bumps the version, so optimistic writers notice). */
  async write(key: string, value: Session): Promise<void> {
    const encoded = this.#codec.encode(value);
    const entry = this.#live(key) ?? this.#create(key);
    entry.session = encoded;
    entry.version += 1;
    this.#touch(entry);
  }

  /**
   * grammY and Telegraf: forget the session. The version keeps counting and the outbox and
   * dedupe ids stay, so undelivered effects are not lost; erase with {@link remove}.
   */
  async delete(key: string): Promise<void> {
    const e = this.#live(key);
    if (!e) return;
    e.session = undefined;
    e.version += 1;
  }

  /** Telegraf: see {@link read}. */
  get(name: string): Promise<Session | undefined> {
    return this.read(name);
  }

  /** Telegraf: see {@link write}. */
  set(name: string, value: Session): Promise<void> {
    return this.write(name, value);
  }

  /** Log the messages an entry put in the chat, and arm the deletion timer. */
  async #log(key: ConversationKey, opts: AckOptions): Promise<void> {
    const log = opts.chatLog;
    if (!log || log.ids.length === 0) return;
    const e = this.#live(key) ?? this.#create(key);
    const now = this.#now();
    for (const id of log.ids) e.messages.set(id, log.deleteAt);
    for (const [id, at] of e.messages) if (at <= now - DELETABLE_FOR_MS) e.messages.delete(id);
    await this.#arm(key, log.deleteAt);
  }

  async #arm(key: ConversationKey, deleteAt: number): Promise<void> {
    await this.#timers?.schedule(
      tidyJobId(this.#names(key)),
      tidySlot(deleteAt),
      { kind: "tidy", conversation: key },
      { keepEarlier: true },
    );
  }

  #done(text: string | undefined): number[] | undefined {
    if (text === undefined) return undefined;
    try {
      return storedDone(this.#codec.decode(text));
    } catch {
      return undefined;
    }
  }

  /** The entry, unless its TTL has run out (then it is dropped, as Redis would). */
  #live(key: ConversationKey): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && e.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  #create(key: ConversationKey): Entry {
    const e: Entry = {
      version: 0,
      seen: new Map(),
      outbox: new Map(),
      done: new Map(),
      bad: new Map(),
      messages: new Map(),
      expiresAt: this.#now() + this.#ttlMs,
    };
    this.#entries.set(key, e);
    return e;
  }

  /** Whose turn it is now, if anyone's (a lapsed lease is nobody's). */
  #holder(e: Entry, now: number): string | undefined {
    return e.turn && e.turn.until > now ? e.turn.id : undefined;
  }

  #touch(e: Entry): void {
    e.expiresAt = this.#now() + this.#ttlMs;
  }

  #seenRecently(e: Entry | undefined, id: string, now: number): boolean {
    const at = e?.seen.get(id);
    return at !== undefined && at > now - this.#dedupeWindowMs;
  }

  /** Remember `id`, dropping ids older than the window and beyond the cap. */
  #remember(e: Entry, id: string, now: number): void {
    e.seen.delete(id);
    e.seen.set(id, now);
    for (const [old, at] of e.seen) {
      if (at > now - this.#dedupeWindowMs && e.seen.size <= this.#dedupeMax) break;
      e.seen.delete(old);
    }
  }
}
