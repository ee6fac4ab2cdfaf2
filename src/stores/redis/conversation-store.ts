/**
 * Conversations in Redis: sessions with optimistic concurrency, message dedupe and a
 * transactional outbox, safe for any number of processes sharing one Redis (or Cluster).
 *
 * Key layout (`P` = prefix, `K` = conversation key; the `{K}` hash tag puts every key of a
 * conversation in one Cluster slot, so each script touches one slot):
 *
 * - `P c:{K}`           hash: `s` = encoded session, `v` = version (integer)
 * - `P c:{K}:seen`      sorted set: dedupe id -> commit time (48 h window, at most 32)
 * - `P c:{K}:out`       hash: version -> encoded effects (pending outbox entries), and
 *                       `<version>:done` -> encoded indices of its effects carried out
 * - `P outbox:pending`  sorted set: key name -> first pending time (another slot)
 * - `P outbox:keys`     hash: key name -> the encoded conversation key, for recovery
 *
 * `K` is the key's name: with `names` set (production), a keyed hash of the conversation
 * key, so no identifier (a phone number) appears in Redis key names.
 *
 * All conversation keys share one sliding TTL, refreshed on every load and commit.
 */
import type { Cluster, Redis } from "ioredis";
import { type KeyNames, plainNames } from "../../crypto/pseudonym.js";
import type { Session } from "../../engine/session.js";
import type { Effect } from "../../engine/types.js";
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
} from "../../runtime/ports.js";
import { type Codec, CodecError, jsonCodec, placeOf } from "../codec.js";
import type { SessionStore, StorageAdapter } from "../session-adapters.js";

/** A single Redis or a Cluster: every command here stays within one slot. */
export type RedisClient = Redis | Cluster;

export interface RedisConversationStoreOptions extends ConversationStoreOptions {
  /** How conversation keys are named in Redis (a keyed hash in production). */
  names?: KeyNames;
  /** Prepended to every key, e.g. `pulang:`; lets deployments and tests share a Redis. */
  prefix?: string;
}

/**
 * KEYS: conversation, seen, out. ARGV: ttl ms.
 * Refreshes the TTL of every key of the conversation and reads session and version.
 */
const LOAD = `
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return redis.call('HMGET', KEYS[1], 's', 'v')
`;

/**
 * KEYS: conversation, seen, out.
 * ARGV: expected, session, dedupe id ('' = none), now, dedupe window ms, dedupe max,
 * ttl ms, encoded outbox ('' = none).
 * Returns {status, first}: first = 1 when this commit made the outbox go from empty to
 * pending (so the caller can reset the index score to "now").
 */
const COMMIT = `
local dedupe = ARGV[3]
local now = tonumber(ARGV[4])
local cutoff = now - tonumber(ARGV[5])
if dedupe ~= '' then
  local at = redis.call('ZSCORE', KEYS[2], dedupe)
  if at and tonumber(at) > cutoff then return {'duplicate', 0} end
end
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return {'conflict', 0} end
local version = string.format('%d', current + 1)
redis.call('HSET', KEYS[1], 's', ARGV[2], 'v', version)
if dedupe ~= '' then
  redis.call('ZADD', KEYS[2], now, dedupe)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[6]) + 1))
end
local first = 0
if ARGV[8] ~= '' then
  if redis.call('HLEN', KEYS[3]) == 0 then first = 1 end
  redis.call('HSET', KEYS[3], version, ARGV[8])
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[7]) end
return {'ok', first}
`;

/**
 * KEYS: conversation, seen, out. ARGV: session, ttl ms.
 * Unconditional save for the framework adapters; bumps the version so optimistic writers
 * that loaded earlier get a conflict instead of overwriting it.
 */
const SAVE = `
redis.call('HSET', KEYS[1], 's', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'v', 1)
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1
`;

/**
 * KEYS: conversation. Forget the session but keep counting versions (outbox ids are
 * versions: restarting at 0 could overwrite an entry still pending).
 */
const DROP_SESSION = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HDEL', KEYS[1], 's')
  redis.call('HINCRBY', KEYS[1], 'v', 1)
end
return 1
`;

/**
 * KEYS: out. ARGV: entry id. Deletes the entry and its done marks; returns how many fields
 * are left (0: nothing pending, since marks never outlive their entry).
 */
const ACK = `
redis.call('HDEL', KEYS[1], ARGV[1], ARGV[1] .. ':done')
return redis.call('HLEN', KEYS[1])
`;

/**
 * KEYS: out. ARGV: entry id, encoded indices. Only while the entry is pending: a mark
 * written after another process acked it would keep the hash, and the index, alive.
 */
const MARK_DONE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1] .. ':done', ARGV[2])
end
return 1
`;

/** The scripts, as ioredis methods once {@link defineScripts} ran on a client. */
interface Scripts {
  pulangConvLoad(c: string, s: string, o: string, ttlMs: number): Promise<(string | null)[]>;
  pulangConvCommit(
    c: string,
    s: string,
    o: string,
    ...argv: (string | number)[]
  ): Promise<[CommitResult, number]>;
  pulangConvSave(c: string, s: string, o: string, session: string, ttlMs: number): Promise<number>;
  pulangConvDropSession(c: string): Promise<number>;
  pulangConvAck(o: string, id: number): Promise<number>;
  pulangConvMarkDone(o: string, id: number, indices: string): Promise<number>;
}

const SCRIPTS: Record<keyof Scripts, { numberOfKeys: number; lua: string }> = {
  pulangConvLoad: { numberOfKeys: 3, lua: LOAD },
  pulangConvCommit: { numberOfKeys: 3, lua: COMMIT },
  pulangConvSave: { numberOfKeys: 3, lua: SAVE },
  pulangConvDropSession: { numberOfKeys: 1, lua: DROP_SESSION },
  pulangConvAck: { numberOfKeys: 1, lua: ACK },
  pulangConvMarkDone: { numberOfKeys: 1, lua: MARK_DONE },
};

/** Register the scripts on `client` (EVALSHA with EVAL fallback, handled by ioredis). */
function defineScripts(client: RedisClient): RedisClient & Scripts {
  for (const [name, def] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, def);
  }
  return client as RedisClient & Scripts;
}

/** The outbox hash field of an entry's done marks: `<entry id>:done`. */
const DONE = ":done";

/** How many index entries staleOutboxes examines per round trip. */
const STALE_BATCH = 100;

/**
 * The Redis {@link ConversationStore}, also usable as grammY's `StorageAdapter` and
 * Telegraf's `SessionStore` over the same keys.
 */
export class RedisConversationStore
  implements ConversationStore, StorageAdapter<Session>, SessionStore<Session>
{
  readonly #redis: RedisClient & Scripts;
  readonly #prefix: string;
  readonly #codec: Codec;
  readonly #ttlMs: number;
  readonly #dedupeWindowMs: number;
  readonly #dedupeMax: number;
  readonly #now: () => number;
  readonly #names: KeyNames;

  constructor(redis: RedisClient, opts: RedisConversationStoreOptions = {}) {
    this.#names = opts.names ?? plainNames;
    this.#redis = defineScripts(redis);
    this.#prefix = opts.prefix ?? "";
    this.#codec = opts.codec ?? jsonCodec;
    this.#ttlMs = (opts.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    this.#dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    this.#dedupeMax = opts.dedupeMax ?? DEFAULT_DEDUPE_MAX;
    this.#now = opts.now ?? Date.now;
  }

  async load(key: ConversationKey): Promise<SessionRecord> {
    const keys = this.#keys(key);
    const [s, v] = await this.#redis.pulangConvLoad(...keys, this.#ttlMs);
    const place = this.#place(keys[0], "s");
    return {
      ...(s == null ? { session: undefined } : decodeSession(() => this.#codec.decode(s, place))),
      version: v == null ? 0 : Number(v),
    };
  }

  /**
   * See {@link ConversationStore.commit}. With an outbox, the conversation is first marked
   * "maybe pending" in the global index (another slot, so a separate command): if the
   * process dies right after the commit, the sweeper still finds it. The mark is repeated
   * after the commit, closing the gap where a concurrent ack unmarked it in between.
   */
  async commit(
    key: ConversationKey,
    expected: number,
    session: Session,
    opts: CommitOptions = {},
  ): Promise<CommitResult> {
    const keys = this.#keys(key);
    const encoded = this.#codec.encode(session, this.#place(keys[0], "s"));
    // The entry's id is the version this commit makes (the script checks `expected`).
    const entry = this.#place(keys[2], String(expected + 1));
    const outbox = opts.outbox?.length ? this.#codec.encode([...opts.outbox], entry) : "";
    if (outbox) await this.#mark(key, false);
    const [status, first] = await this.#redis.pulangConvCommit(
      ...keys,
      expected,
      encoded,
      opts.dedupeId ?? "",
      this.#now(),
      this.#dedupeWindowMs,
      this.#dedupeMax,
      this.#ttlMs,
      outbox,
    );
    // First pending entry: its time is now, whatever an older leftover mark said.
    if (status === "ok" && outbox) await this.#mark(key, first === 1);
    return status;
  }

  async pendingOutbox(key: ConversationKey): Promise<OutboxEntry[]> {
    const out = this.#outKeyOf(this.#names(key));
    const raw = await this.#redis.hgetall(out);
    return Object.entries(raw)
      .filter(([field]) => !field.endsWith(DONE))
      .map(([id, text]) => {
        const marks = raw[`${id}${DONE}`];
        const done = marks === undefined ? undefined : this.#decodeDone(marks, out, id);
        return {
          id: Number(id),
          effects: this.#decodeEffects(text, this.#place(out, id)),
          ...(done ? { done } : {}),
        };
      })
      .sort((a, b) => a.id - b.id);
  }

  async ackOutbox(key: ConversationKey, id: number): Promise<void> {
    const name = this.#names(key);
    const left = await this.#redis.pulangConvAck(this.#outKeyOf(name), id);
    if (left === 0) await this.#unmarkIfEmpty(name);
  }

  async markDone(key: ConversationKey, id: number, indices: readonly number[]): Promise<void> {
    const out = this.#outKeyOf(this.#names(key));
    const encoded = this.#codec.encode([...indices], this.#place(out, `${id}${DONE}`));
    await this.#redis.pulangConvMarkDone(out, id, encoded);
  }

  /**
   * See {@link ConversationStore.staleOutboxes}. Index entries whose conversation has
   * nothing pending (acked, removed, expired, or a commit that conflicted) are dropped here.
   */
  async staleOutboxes(olderThanMs: number, now: number, limit: number): Promise<ConversationKey[]> {
    const found = new Map<string, ConversationKey>();
    const cutoff = now - olderThanMs;
    let offset = 0;
    while (found.size < limit) {
      const batch = await this.#redis.zrangebyscore(
        this.#indexKey(),
        "-inf",
        cutoff,
        "LIMIT",
        offset,
        STALE_BATCH,
      );
      if (batch.length === 0) break;
      const pending = await Promise.all(batch.map((n) => this.#redis.hlen(this.#outKeyOf(n))));
      const keys = await this.#redis.hmget(this.#keysKey(), ...batch);
      for (const [i, name] of batch.entries()) {
        const key = this.#decodeKey(keys[i], name);
        if ((pending[i] ?? 0) > 0 && key !== undefined) {
          found.set(name, key);
          offset += 1;
        } else {
          await this.#unmarkIfEmpty(name); // gone from the range: the offset stays
        }
      }
    }
    return [...found.values()].slice(0, limit);
  }

  /** Erase: every key of the conversation, then its index entry. */
  async remove(key: ConversationKey): Promise<void> {
    await this.#redis.del(...this.#keys(key));
    await this.#unmarkIfEmpty(this.#names(key));
  }

  /** grammY: the stored session, or undefined. Refreshes the TTL like {@link load}. */
  async read(key: string): Promise<Session | undefined> {
    // Not validated here: the runtime migrates and checks sessions when it steps them.
    return (await this.load(key)).session as Session | undefined;
  }

  /** grammY: save unconditionally (bumps the version, so optimistic writers notice). */
  async write(key: string, value: Session): Promise<void> {
    const keys = this.#keys(key);
    const encoded = this.#codec.encode(value, this.#place(keys[0], "s"));
    await this.#redis.pulangConvSave(...keys, encoded, this.#ttlMs);
  }

  /**
   * grammY and Telegraf: forget the session. Outbox and dedupe ids stay so undelivered
   * effects are not lost; erasing everything is {@link remove}.
   */
  async delete(key: string): Promise<void> {
    await this.#redis.pulangConvDropSession(this.#convKey(key));
  }

  /** Telegraf: see {@link read}. */
  get(name: string): Promise<Session | undefined> {
    return this.read(name);
  }

  /** Telegraf: see {@link write}. */
  set(name: string, value: Session): Promise<void> {
    return this.write(name, value);
  }

  /**
   * Put `key` in the stale-outbox index. `reset` moves its time to now (this commit made
   * the first pending entry); otherwise an existing time is kept (NX), so the score stays
   * the time since which the conversation has had something pending.
   */
  async #mark(key: ConversationKey, reset: boolean): Promise<void> {
    const name = this.#names(key);
    const now = this.#now();
    // The real key is written first (one pipeline keeps the order), so the index never
    // names a conversation recovery cannot find; once there, it need not be written again.
    const encoded = this.#codec.encode(key, this.#place(this.#keysKey(), name));
    const pipe = this.#redis.pipeline();
    if (!reset) pipe.hsetnx(this.#keysKey(), name, encoded);
    else pipe.hset(this.#keysKey(), name, encoded);
    if (reset) pipe.zadd(this.#indexKey(), now, name);
    else pipe.zadd(this.#indexKey(), "NX", now, name);
    await pipe.exec();
  }

  /**
   * Drop a name from the index, then look again: a commit in another process may have
   * added an entry between our check and the removal, and must stay findable.
   */
  async #unmarkIfEmpty(name: string): Promise<void> {
    await this.#redis.zrem(this.#indexKey(), name);
    if ((await this.#redis.hlen(this.#outKeyOf(name))) > 0) {
      await this.#redis.zadd(this.#indexKey(), "NX", this.#now(), name);
    } else {
      await this.#redis.hdel(this.#keysKey(), name);
    }
  }

  #decodeKey(stored: string | null | undefined, name: string): ConversationKey | undefined {
    if (stored == null) return undefined;
    try {
      const key = this.#codec.decode(stored, this.#place(this.#keysKey(), name));
      return typeof key === "string" ? key : undefined;
    } catch {
      return undefined;
    }
  }

  /** Done marks that cannot be read count as none: at worst an effect is repeated. */
  #decodeDone(text: string, out: string, id: string): number[] | undefined {
    try {
      const done = this.#codec.decode(text, this.#place(out, `${id}${DONE}`));
      return Array.isArray(done) ? done.filter((i) => Number.isInteger(i)) : undefined;
    } catch {
      return undefined;
    }
  }

  #decodeEffects(text: string, place: string): Effect[] {
    const effects = this.#codec.decode(text, place);
    if (!Array.isArray(effects)) throw new CodecError("outbox entry is not a list of effects");
    return effects as Effect[];
  }

  /** Where a value is stored, for binding it there (the codec's `place`). */
  #place(key: string, field: string): string {
    return placeOf(key.slice(this.#prefix.length), field);
  }

  /** conversation, seen, out: always in this order, as the scripts expect. */
  #keys(key: ConversationKey): [string, string, string] {
    const c = this.#convKey(key);
    return [c, `${c}:seen`, `${c}:out`];
  }

  #convKey(key: ConversationKey): string {
    // An empty hash tag `{}` would hash the whole key: the conversation would span slots.
    if (key.length === 0) throw new Error("conversation key must not be empty");
    return this.#convKeyOf(this.#names(key));
  }

  #convKeyOf(name: string): string {
    return `${this.#prefix}c:{${name}}`;
  }

  #outKeyOf(name: string): string {
    return `${this.#convKeyOf(name)}:out`;
  }

  #indexKey(): string {
    return `${this.#prefix}outbox:pending`;
  }

  #keysKey(): string {
    return `${this.#prefix}outbox:keys`;
  }
}
