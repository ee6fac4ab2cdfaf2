/**
 * The in-memory twin of the Redis conversation store: for the local demo and tests.
 * Same contract, same tests; nothing survives a restart. Values are kept encoded through
 * the codec, exactly as Redis keeps them, so both stores hand back the same shapes.
 */
import type { Session } from "../engine/session.js";
import type { Effect } from "../engine/types.js";
import { type Codec, jsonCodec } from "../stores/codec.js";
import type { SessionStore, StorageAdapter } from "../stores/session-adapters.js";
import {
  type CommitOptions,
  type CommitResult,
  type ConversationKey,
  type ConversationStore,
  type ConversationStoreOptions,
  DEFAULT_DEDUPE_MAX,
  DEFAULT_DEDUPE_WINDOW_MS,
  DEFAULT_TTL_SECONDS,
  decodeSession,
  type OutboxEntry,
  type SessionRecord,
} from "./ports.js";

interface Entry {
  /** The encoded session; absent after a framework `delete`. */
  session?: string;
  version: number;
  /** Message id -> when it was committed, oldest first. */
  seen: Map<string, number>;
  /** Outbox entry id -> encoded effects. */
  outbox: Map<number, string>;
  /** Outbox entry id -> indices of its effects already carried out. */
  done: Map<number, number[]>;
  /** When the outbox last went from empty to pending. */
  pendingSince?: number;
  expiresAt: number;
}

export class MemoryConversationStore
  implements ConversationStore, StorageAdapter<Session>, SessionStore<Session>
{
  readonly #entries = new Map<ConversationKey, Entry>();
  readonly #codec: Codec;
  readonly #ttlMs: number;
  readonly #dedupeWindowMs: number;
  readonly #dedupeMax: number;
  readonly #now: () => number;

  constructor(opts: ConversationStoreOptions = {}) {
    this.#codec = opts.codec ?? jsonCodec;
    this.#ttlMs = (opts.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    this.#dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    this.#dedupeMax = opts.dedupeMax ?? DEFAULT_DEDUPE_MAX;
    this.#now = opts.now ?? Date.now;
  }

  async load(key: ConversationKey): Promise<SessionRecord> {
    const e = this.#live(key);
    if (!e) return { session: undefined, version: 0 };
    this.#touch(e);
    const stored = e.session;
    return {
      ...(stored === undefined
        ? { session: undefined }
        : decodeSession(() => this.#codec.decode(stored))),
      version: e.version,
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
    if (effects !== undefined) {
      if (entry.outbox.size === 0) entry.pendingSince = now;
      entry.outbox.set(entry.version, effects);
    }
    this.#touch(entry);
    return "ok";
  }

  async pendingOutbox(key: ConversationKey): Promise<OutboxEntry[]> {
    const e = this.#live(key);
    if (!e) return [];
    return [...e.outbox.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, text]) => {
        const done = e.done.get(id);
        return { id, effects: this.#codec.decode(text) as Effect[], ...(done ? { done } : {}) };
      });
  }

  async ackOutbox(key: ConversationKey, id: number): Promise<void> {
    const e = this.#live(key);
    if (!e) return;
    e.outbox.delete(id);
    e.done.delete(id);
    if (e.outbox.size === 0) e.pendingSince = undefined;
  }

  async markDone(key: ConversationKey, id: number, indices: readonly number[]): Promise<void> {
    const e = this.#live(key);
    if (e?.outbox.has(id)) e.done.set(id, [...indices]);
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
      expiresAt: 0,
    };
    this.#entries.set(key, e);
    return e;
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
