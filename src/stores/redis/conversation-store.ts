/**
 * Conversations in Redis: everything that belongs to one conversation, kept beside its
 * session and read or written in one round trip per step of an update, safe for any number
 * of processes sharing one Redis (or Cluster). See docs/decisions/0024.
 *
 * Key layout (`P` = prefix, `K` = the conversation's name; the `{K}` hash tag puts every
 * key of a conversation in one Cluster slot, so each script touches one slot):
 *
 * - `P c:{K}`           hash: `s` = encoded session, `v` = version, `k` = the encoded
 *                       conversation key (for recovery, while something is pending), `g` = unreachable (the platform
 *                       said so), `h` = when the person last wrote, by their platform's clock
 * - `P c:{K}:seen`      sorted set: dedupe id -> commit time (48 h window, at most 32)
 * - `P c:{K}:out`       hash: version -> encoded effects (pending outbox entries), and
 *                       `<version>:done` -> encoded indices of its effects carried out
 * - `P c:{K}:bad`       hash: version -> an outbox entry that could not be read (quarantined)
 * - `P c:{K}:msgs`      sorted set: message id in the chat -> when discreet mode deletes it
 * - `P c:{K}:turn`      string: the deliverer whose turn it is to carry out the outbox (a
 *                       lease: it expires unless renewed; see {@link DelivererTurn})
 *
 * And two queue-wide keys (other slots), written in the same round trip as the
 * conversation's own script (commands issued together go out as one write):
 *
 * - `P outbox:pending`  sorted set: name -> time of its latest commit with effects (names
 *                       with nothing pending stay until the recovery sweeper drops them)
 * - the scheduler's `{sched}` keys: one deletion timer per conversation with messages to delete
 *
 * `K` is the key's name: with `names` set (production), a keyed hash of the conversation
 * key, so no identifier (a phone number) appears in Redis key names.
 */
import type { Cluster, Redis } from "ioredis";
import { type KeyNames, plainNames } from "../../crypto/pseudonym.js";
import type { Session } from "../../engine/session.js";
import {
  type ChatLog,
  DELETABLE_FOR_MS,
  jobPrefix,
  tidyJobId,
  tidySlot,
} from "../../runtime/chat-log.js";
import {
  type AckByOptions,
  type AckOptions,
  type AckResult,
  type ChatLogAddition,
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
} from "../../runtime/ports.js";
import type { Reachability } from "../../runtime/reachability.js";
import type { Scheduler } from "../../schedule/scheduler.js";
import { type Codec, jsonCodec, placeOf } from "../codec.js";
import type { SessionStore, StorageAdapter } from "../session-adapters.js";
import { storedDone, storedEffects, storedKey } from "../stored.js";

/** A single Redis or a Cluster: every script here stays within one slot. */
export type RedisClient = Redis | Cluster;

export interface RedisConversationStoreOptions extends ConversationStoreOptions {
  /** Prepended to every key, e.g. `pulang:`; lets deployments and tests share a Redis. */
  prefix?: string;
}

/**
 * KEYS: conversation, seen, out, turn.
 * ARGV: expected, session, dedupe id ('' = none), now, dedupe window ms, dedupe max,
 * ttl ms, encoded outbox ('' = none), person wrote ('1' or ''), their time ('' = none),
 * encoded key ('' = none), deliverer ('' = none), turn ms.
 */
const COMMIT = `
local dedupe = ARGV[3]
local now = tonumber(ARGV[4])
local cutoff = now - tonumber(ARGV[5])
if dedupe ~= '' then
  local at = redis.call('ZSCORE', KEYS[2], dedupe)
  if at and tonumber(at) > cutoff then return 'duplicate' end
end
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 'conflict' end
local version = string.format('%d', current + 1)
redis.call('HSET', KEYS[1], 's', ARGV[2], 'v', version)
if ARGV[9] == '1' then redis.call('HDEL', KEYS[1], 'g') end
if ARGV[10] ~= '' and tonumber(ARGV[10]) > tonumber(redis.call('HGET', KEYS[1], 'h') or '0') then
  redis.call('HSET', KEYS[1], 'h', ARGV[10])
end
if ARGV[11] ~= '' then redis.call('HSETNX', KEYS[1], 'k', ARGV[11]) end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
if dedupe ~= '' then
  redis.call('ZADD', KEYS[2], now, dedupe)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[6]) + 1))
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
local older = redis.call('HLEN', KEYS[3]) > 0
if ARGV[8] ~= '' then redis.call('HSET', KEYS[3], version, ARGV[8]) end
redis.call('PEXPIRE', KEYS[3], ARGV[7])
if ARGV[8] == '' or ARGV[12] == '' then return 'ok' end
local holder = redis.call('GET', KEYS[4])
if holder and holder ~= ARGV[12] then return 'queued' end
redis.call('SET', KEYS[4], ARGV[12], 'PX', ARGV[13])
if holder then return 'held' end
if older then return 'behind' end
return 'ok'
`;

/**
 * KEYS: out, msgs, conversation, turn. ARGV: entry id, encoded done marks ('' = acknowledge:
 * delete the entry), now, how long messages can be deleted, deletion time ('' = no
 * messages), deliverer ('' = none), turn ms, message ids... Returns how many outbox fields
 * are left (0: nothing pending, marks never outlive entries), or -1 when another deliverer
 * has the turn; with nothing pending, the key kept for recovery goes too, and the
 * deliverer's turn with it.
 */
const SETTLE = `
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1], ARGV[1] .. ':done')
elseif redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1] .. ':done', ARGV[2])
end
if ARGV[5] ~= '' then
  local now = tonumber(ARGV[3])
  local keep = tonumber(ARGV[4])
  for i = 8, #ARGV do redis.call('ZADD', KEYS[2], ARGV[5], ARGV[i]) end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
  redis.call('PEXPIRE', KEYS[2], math.max(tonumber(ARGV[5]) - now, 0) + keep)
end
local left = redis.call('HLEN', KEYS[1])
if left == 0 then redis.call('HDEL', KEYS[3], 'k') end
if ARGV[6] == '' then return left end
local holder = redis.call('GET', KEYS[4])
if holder and holder ~= ARGV[6] then return -1 end
if left == 0 then
  redis.call('DEL', KEYS[4])
else
  redis.call('SET', KEYS[4], ARGV[6], 'PX', ARGV[7])
end
return left
`;

/** KEYS: turn. ARGV: deliverer, turn ms. Takes a free turn or renews one's own: 1, else 0. */
const CLAIM_TURN = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS: turn. ARGV: deliverer, turn ms. Renews the deliverer's turn: 1, else 0 (not taken). */
const RENEW_TURN = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: turn. ARGV: deliverer. Gives the turn back if it is the deliverer's. */
const RELEASE_TURN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/** KEYS: msgs. ARGV: ids. Forgets them; returns the earliest deletion time left, if any. */
const FORGET_MESSAGES = `
for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return next[2]
`;

/** KEYS: out, bad. ARGV: ttl ms, entry ids. Moves unreadable entries aside, marks and all. */
const QUARANTINE = `
for i = 2, #ARGV do
  local text = redis.call('HGET', KEYS[1], ARGV[i])
  if text then redis.call('HSET', KEYS[2], ARGV[i], text) end
  redis.call('HDEL', KEYS[1], ARGV[i], ARGV[i] .. ':done')
end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`;

/**
 * KEYS: the recovery index. ARGV: name, score, name, score... Drops each name whose score
 * is still the one given; returns how many were dropped.
 */
const PRUNE_INDEX = `
local dropped = 0
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    dropped = dropped + 1
  end
end
return dropped
`;

/** KEYS: conversation. ARGV: unreachable ('1' or ''), ttl ms. */
const REACH = `
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'g', '1')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  redis.call('HDEL', KEYS[1], 'g')
end
return 1
`;

/**
 * KEYS: conversation. ARGV: session, ttl ms. Unconditional save for the framework
 * adapters; bumps the version so optimistic writers that loaded earlier get a conflict.
 */
const SAVE = `
redis.call('HSET', KEYS[1], 's', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
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

/** The scripts, as ioredis methods once {@link defineScripts} ran on a client. */
interface Scripts {
  pulangConvCommit(
    ...args: [string, string, string, ...(string | number)[]]
  ): Promise<CommitResult>;
  pulangConvSettle(
    out: string,
    msgs: string,
    c: string,
    turn: string,
    ...argv: (string | number)[]
  ): Promise<number>;
  pulangConvClaimTurn(turn: string, deliverer: string, turnMs: number): Promise<number>;
  pulangConvRenewTurn(turn: string, deliverer: string, turnMs: number): Promise<number>;
  pulangConvReleaseTurn(turn: string, deliverer: string): Promise<number>;
  pulangConvForgetMessages(msgs: string, ...ids: string[]): Promise<string | null>;
  pulangConvQuarantine(out: string, bad: string, ttlMs: number, ...ids: string[]): Promise<number>;
  pulangConvReach(c: string, flag: string, ttlMs: number): Promise<number>;
  pulangConvSave(c: string, session: string, ttlMs: number): Promise<number>;
  pulangConvDropSession(c: string): Promise<number>;
  pulangIndexPrune(index: string, ...namesAndScores: string[]): Promise<number>;
}

const SCRIPTS: Record<keyof Scripts, { numberOfKeys: number; lua: string }> = {
  pulangConvCommit: { numberOfKeys: 4, lua: COMMIT },
  pulangConvSettle: { numberOfKeys: 4, lua: SETTLE },
  pulangConvClaimTurn: { numberOfKeys: 1, lua: CLAIM_TURN },
  pulangConvRenewTurn: { numberOfKeys: 1, lua: RENEW_TURN },
  pulangConvReleaseTurn: { numberOfKeys: 1, lua: RELEASE_TURN },
  pulangConvForgetMessages: { numberOfKeys: 1, lua: FORGET_MESSAGES },
  pulangConvQuarantine: { numberOfKeys: 2, lua: QUARANTINE },
  pulangConvReach: { numberOfKeys: 1, lua: REACH },
  pulangConvSave: { numberOfKeys: 1, lua: SAVE },
  pulangConvDropSession: { numberOfKeys: 1, lua: DROP_SESSION },
  pulangIndexPrune: { numberOfKeys: 1, lua: PRUNE_INDEX },
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

/** Added to a commit's second index mark (ms), to tell it from the first. */
const RESCORED = 0.5;

/** How many index entries staleOutboxes examines per round trip. */
const STALE_BATCH = 100;

/** Encoded conversation keys remembered, so a busy conversation's key is encrypted once. */
const ENCODED_KEYS_KEPT = 10_000;

/**
 * The Redis {@link ConversationStore}, also its conversations' {@link Reachability} and
 * {@link ChatLog}, and usable as grammY's `StorageAdapter` and Telegraf's `SessionStore`
 * over the same keys.
 */
export class RedisConversationStore
  implements
    ConversationStore,
    Reachability,
    ChatLog,
    StorageAdapter<Session>,
    SessionStore<Session>
{
  readonly #redis: RedisClient & Scripts;
  readonly #prefix: string;
  readonly #codec: Codec;
  readonly #ttlMs: number;
  readonly #dedupeWindowMs: number;
  readonly #dedupeMax: number;
  readonly #now: () => number;
  readonly #names: KeyNames;
  readonly #timers: Scheduler | undefined;
  readonly #encodedKeys = new Map<string, string>();

  constructor(redis: RedisClient, opts: RedisConversationStoreOptions = {}) {
    this.#names = opts.names ?? plainNames;
    this.#redis = defineScripts(redis);
    this.#prefix = opts.prefix ?? "";
    this.#codec = opts.codec ?? jsonCodec;
    this.#ttlMs = (opts.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    this.#dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    this.#dedupeMax = opts.dedupeMax ?? DEFAULT_DEDUPE_MAX;
    this.#now = opts.now ?? Date.now;
    this.#timers = opts.timers;
  }

  /** One command: session, version and the facts the write rule needs. */
  async load(key: ConversationKey): Promise<SessionRecord> {
    const c = this.#convKey(key);
    const [s, v, g, h] = await this.#redis.hmget(c, "s", "v", "g", "h");
    const place = this.#place(c, "s");
    return {
      ...(s == null ? { session: undefined } : decodeSession(() => this.#codec.decode(s, place))),
      version: v == null ? 0 : Number(v),
      ...(g != null ? { unreachable: true as const } : {}),
      ...(h != null ? { lastInbound: Number(h) } : {}),
    };
  }

  /**
   * See {@link ConversationStore.commit}. One round trip: with an outbox, the conversation
   * is marked in the queue-wide recovery index (another slot) in the same write, before
   * the script (if the process dies right after, the sweeper finds it) and again after it
   * (a sweeper may have dropped the name in between, having found nothing pending yet).
   */
  async commit(
    key: ConversationKey,
    expected: number,
    session: Session,
    opts: CommitOptions = {},
  ): Promise<CommitResult> {
    const name = this.#nameOf(key);
    const [c, seen, out] = this.#keysOf(name);
    const encoded = this.#codec.encode(session, this.#place(c, "s"));
    // The entry's id is the version this commit makes (the script checks `expected`).
    const entry = this.#place(out, String(expected + 1));
    const outbox = opts.outbox?.length ? this.#codec.encode([...opts.outbox], entry) : "";
    const wrote = opts.personWrote;
    const now = this.#now();
    const index = this.#indexKey();
    const marks = outbox ? [this.#redis.zadd(index, now, name)] : [];
    const committed = this.#redis.pulangConvCommit(
      c,
      seen,
      out,
      turnKeyOf(c),
      expected,
      encoded,
      opts.dedupeId ?? "",
      now,
      this.#dedupeWindowMs,
      this.#dedupeMax,
      this.#ttlMs,
      outbox,
      wrote ? "1" : "",
      wrote?.at ?? "",
      outbox ? this.#encodedKey(key, c) : "",
      opts.deliverer?.id ?? "",
      opts.deliverer?.turnMs ?? 0,
    );
    // Scored apart from the first mark, so a sweeper that read the name between the two
    // (and found nothing pending yet) cannot drop it: its score no longer matches.
    if (outbox) marks.push(this.#redis.zadd(index, now + RESCORED, name));
    const [status] = await Promise.all([committed, ...marks]);
    return status;
  }

  async pendingOutbox(
    key: ConversationKey,
    onQuarantined?: (ids: number[]) => void,
  ): Promise<OutboxEntry[]> {
    const [c, , out] = this.#keys(key);
    const raw = await this.#redis.hgetall(out);
    const entries: OutboxEntry[] = [];
    const quarantined: number[] = [];
    for (const [field, text] of Object.entries(raw)) {
      if (field.endsWith(DONE)) continue;
      const id = Number(field);
      try {
        const effects = storedEffects(this.#codec.decode(text, this.#place(out, field)));
        const done = this.#decodeDone(raw[`${field}${DONE}`], out, field);
        entries.push({ id, effects, ...(done ? { done } : {}) });
      } catch {
        quarantined.push(id);
      }
    }
    if (quarantined.length > 0) {
      await this.#redis.pulangConvQuarantine(
        out,
        badKeyOf(c),
        this.#ttlMs,
        ...quarantined.map(String),
      );
    }
    if (quarantined.length > 0) onQuarantined?.(quarantined);
    return entries.sort((a, b) => a.id - b.id);
  }

  /**
   * One round trip: the conversation's script (delete the entry, log the messages) and the
   * deletion timer, written together. The recovery index is left alone: the sweeper drops
   * names with nothing pending (see {@link staleOutboxes}); an acknowledgement that
   * unmarked the name could die before marking it again for an entry still pending.
   */
  async ackOutbox(key: ConversationKey, id: number, opts: AckByOptions = {}): Promise<AckResult> {
    const left = await this.#settle(key, id, undefined, opts.chatLog, opts.deliverer);
    return left < 0 ? "taken" : left > 0 ? "more" : "none";
  }

  async claimTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<boolean> {
    const turn = this.#turnKey(key);
    return (await this.#redis.pulangConvClaimTurn(turn, deliverer.id, deliverer.turnMs)) === 1;
  }

  async renewTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<boolean> {
    const turn = this.#turnKey(key);
    return (await this.#redis.pulangConvRenewTurn(turn, deliverer.id, deliverer.turnMs)) === 1;
  }

  async releaseTurn(key: ConversationKey, deliverer: DelivererTurn): Promise<void> {
    await this.#redis.pulangConvReleaseTurn(this.#turnKey(key), deliverer.id);
  }

  async isPending(key: ConversationKey, id: number): Promise<boolean> {
    return (await this.#redis.hexists(this.#keys(key)[2], String(id))) === 1;
  }

  async markDone(
    key: ConversationKey,
    id: number,
    indices: readonly number[],
    opts: AckOptions = {},
  ): Promise<void> {
    await this.#settle(key, id, indices, opts.chatLog);
  }

  async #settle(
    key: ConversationKey,
    id: number,
    done: readonly number[] | undefined,
    log: ChatLogAddition | undefined,
    deliverer?: DelivererTurn,
  ): Promise<number> {
    const name = this.#nameOf(key);
    const [c, , out, msgs] = this.#keysOf(name);
    const marks = done ? this.#codec.encode([...done], this.#place(out, `${id}${DONE}`)) : "";
    const ids = log?.ids ?? [];
    const timer = ids.length > 0 && log ? [this.#arm(key, name, log.deleteAt)] : [];
    const settled = this.#redis.pulangConvSettle(
      out,
      msgs,
      c,
      turnKeyOf(c),
      id,
      marks,
      this.#now(),
      DELETABLE_FOR_MS,
      ids.length > 0 && log ? log.deleteAt : "",
      deliverer?.id ?? "",
      deliverer?.turnMs ?? 0,
      ...ids,
    );
    const [left] = await Promise.all([settled, ...timer]);
    return left;
  }

  /**
   * See {@link ConversationStore.staleOutboxes}. Index names whose conversation has nothing
   * pending (acknowledged, removed, expired, or a commit that conflicted) are dropped here,
   * and only if their score did not move since they were read: a commit in between
   * re-scores its name (see {@link commit}), so a name with an entry is never dropped.
   */
  async staleOutboxes(olderThanMs: number, now: number, limit: number): Promise<ConversationKey[]> {
    const found = new Map<string, ConversationKey>();
    const cutoff = now - olderThanMs;
    let offset = 0;
    while (found.size < limit) {
      const scored = await this.#redis.zrangebyscore(
        this.#indexKey(),
        "-inf",
        cutoff,
        "WITHSCORES",
        "LIMIT",
        offset,
        STALE_BATCH,
      );
      if (scored.length === 0) break;
      const batch = scored.filter((_, i) => i % 2 === 0);
      const [pending, keys] = await Promise.all([
        Promise.all(batch.map((n) => this.#redis.hlen(this.#keysOf(n)[2]))),
        Promise.all(batch.map((n) => this.#redis.hget(this.#keysOf(n)[0], "k"))),
      ]);
      const idle: string[] = [];
      for (const [i, name] of batch.entries()) {
        const key = this.#decodeKey(keys[i], name);
        if ((pending[i] ?? 0) > 0 && key !== undefined) found.set(name, key);
        else idle.push(name, scored[2 * i + 1] as string);
      }
      const dropped =
        idle.length > 0 ? await this.#redis.pulangIndexPrune(this.#indexKey(), ...idle) : 0;
      // Dropped names left the range; the rest (found, or re-scored) are stepped over.
      offset += batch.length - dropped;
    }
    return [...found.values()].slice(0, limit);
  }

  /** Erase: every key of the conversation, its index entry and its deletion timer. */
  async remove(key: ConversationKey): Promise<void> {
    const name = this.#nameOf(key);
    const [c, seen, out, msgs] = this.#keysOf(name);
    await Promise.all([
      this.#redis.del(c, seen, out, msgs, badKeyOf(c), turnKeyOf(c)),
      this.#redis.zrem(this.#indexKey(), name),
      this.#timers?.cancelPrefix(jobPrefix(name)),
    ]);
  }

  async markUnreachable(key: ConversationKey): Promise<void> {
    await this.#redis.pulangConvReach(this.#convKey(key), "1", this.#ttlMs);
  }

  async markReachable(key: ConversationKey): Promise<void> {
    await this.#redis.pulangConvReach(this.#convKey(key), "", this.#ttlMs);
  }

  async isUnreachable(key: ConversationKey): Promise<boolean> {
    return (await this.#redis.hexists(this.#convKey(key), "g")) === 1;
  }

  async all(key: ConversationKey, now: number): Promise<string[]> {
    return this.#redis.zrangebyscore(this.#keys(key)[3], now - DELETABLE_FOR_MS + 1, "+inf");
  }

  async due(key: ConversationKey, now: number): Promise<string[]> {
    return this.#redis.zrangebyscore(this.#keys(key)[3], "-inf", now);
  }

  async forget(key: ConversationKey, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const name = this.#nameOf(key);
    const next = await this.#redis.pulangConvForgetMessages(this.#keysOf(name)[3], ...ids);
    if (next != null) await this.#arm(key, name, Number(next));
  }

  async clear(key: ConversationKey): Promise<void> {
    const name = this.#nameOf(key);
    await Promise.all([
      this.#redis.del(this.#keysOf(name)[3]),
      this.#timers?.cancel(tidyJobId(name)),
    ]);
  }

  /** grammY: the stored session, or undefined. */
  async read(key: string): Promise<Session | undefined> {
    // Not validated here: the runtime migrates and checks sessions when it steps them.
    return (await this.load(key)).session as Session | undefined;
  }

  /** grammY: save unconditionally (bumps the version, so optimistic writers notice). */
  async write(key: string, value: Session): Promise<void> {
    const c = this.#convKey(key);
    const encoded = this.#codec.encode(value, this.#place(c, "s"));
    await this.#redis.pulangConvSave(c, encoded, this.#ttlMs);
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

  /** Arm the deletion timer for `deleteAt`, unless it fires earlier already. */
  #arm(key: ConversationKey, name: string, deleteAt: number): Promise<void> {
    if (!this.#timers) return Promise.resolve();
    const payload = { kind: "tidy", conversation: key };
    return this.#timers.schedule(tidyJobId(name), tidySlot(deleteAt), payload, {
      keepEarlier: true,
    });
  }

  /** The conversation key as stored for recovery: encrypted once per process and key. */
  #encodedKey(key: ConversationKey, c: string): string {
    let encoded = this.#encodedKeys.get(key);
    if (encoded === undefined) {
      encoded = this.#codec.encode(key, this.#place(c, "k"));
      if (this.#encodedKeys.size >= ENCODED_KEYS_KEPT) this.#encodedKeys.clear();
      this.#encodedKeys.set(key, encoded);
    }
    return encoded;
  }

  #decodeKey(stored: string | null | undefined, name: string): ConversationKey | undefined {
    if (stored == null) return undefined;
    try {
      return storedKey(this.#codec.decode(stored, this.#place(this.#keysOf(name)[0], "k")));
    } catch {
      return undefined;
    }
  }

  /** Done marks that cannot be read count as none: at worst an effect is repeated. */
  #decodeDone(text: string | undefined, out: string, id: string): number[] | undefined {
    if (text === undefined) return undefined;
    try {
      return storedDone(this.#codec.decode(text, this.#place(out, `${id}${DONE}`)));
    } catch {
      return undefined;
    }
  }

  /** Where a value is stored, for binding it there (the codec's `place`). */
  #place(key: string, field: string): string {
    return placeOf(key.slice(this.#prefix.length), field);
  }

  #nameOf(key: ConversationKey): string {
    // An empty hash tag `{}` would hash the whole key: the conversation would span slots.
    if (key.length === 0) throw new Error("conversation key must not be empty");
    return this.#names(key);
  }

  #keys(key: ConversationKey): [string, string, string, string] {
    return this.#keysOf(this.#nameOf(key));
  }

  /** conversation, seen, out, msgs. */
  #keysOf(name: string): [string, string, string, string] {
    const c = `${this.#prefix}c:{${name}}`;
    return [c, `${c}:seen`, `${c}:out`, `${c}:msgs`];
  }

  #convKey(key: ConversationKey): string {
    return this.#keys(key)[0];
  }

  #turnKey(key: ConversationKey): string {
    return turnKeyOf(this.#convKey(key));
  }

  #indexKey(): string {
    return `${this.#prefix}outbox:pending`;
  }
}

/** A conversation's turn to carry out its outbox (`c:{K}:turn`, see the keys above). */
function turnKeyOf(conversation: string): string {
  return `${conversation}:turn`;
}

/** A conversation's quarantined outbox entries (`c:{K}:bad`). */
function badKeyOf(conversation: string): string {
  return `${conversation}:bad`;
}
