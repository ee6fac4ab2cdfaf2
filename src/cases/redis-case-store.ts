/**
 * Cases in Redis, safe for any number of processes sharing one Redis (or a Cluster).
 *
 * Key layout (`P` = prefix, `ID` = case id):
 *
 * - `P case:{ID}`      hash: `d` = the whole case through the codec (so encryption at rest is
 *                      one change), `v` = version, and two plain, non-personal fields the
 *                      readers use without decoding: `s` = status, `o` = holder's operator id
 * - `P cases:open`     sorted set: id -> priority rank * 1e13 + createdAt (queued and claimed)
 * - `P cases:closed`   sorted set: id -> closedAt (retention purge, today's stats)
 * - `P cases:created`  sorted set: id -> createdAt (today's stats)
 * - `P cases:topic`    hash: operator-group thread id -> case id
 *
 * Every change is a compare-and-set on the one case key: read case and version, run the
 * pure transition (transitions.ts) in JavaScript, write back with a Lua script only if the
 * version is unchanged, else read again. The codec makes the case opaque to Lua, and the
 * version check covers every field at once: of 50 concurrent claims one writes, and the
 * 49 others re-read a claimed case and get `already_claimed`.
 *
 * The indexes live in other slots, so they are written after the case by separate,
 * idempotent commands and repaired lazily:
 *
 * - Queue scores only ever fall (priority only rises, createdAt never changes), so every
 *   writer uses `ZADD LT`: a slow writer of an older version can never undo a raise.
 * - Removing an id (closed, purged) is followed by a second look at the case: if another
 *   process reopened or recreated it in between, the id goes back in.
 * - Readers drop ids whose case is closed or gone (filing the closed ones under
 *   `cases:closed`, in case a crash came between the two writes), and lower stale scores.
 * - An upsert always rewrites the indexes, even when nothing changed: the outbox redelivers
 *   an escalation whose delivery crashed, and that redelivery repairs the queue.
 * - The topic entry is written before the case (a case that names a topic is always
 *   findable by it); `byTopic` ignores entries the case does not confirm.
 *
 * A case that cannot be read (undecryptable, or not a case any more) is skipped by every
 * listing (`open`, `queued`, `byOperator`, `stats`, the retention purge) and reported to
 * `onDamaged` listeners; it stays where it is, for someone to look at. Reading it by id
 * still fails loudly.
 *
 * Per-operator lists are derived from the open index and the plain `o` field (one HGET per
 * open case, no decoding) rather than kept in a third index that would need the same care:
 * an operator holds a handful of cases, and the open queue is thousands at the worst.
 */

import { ZodError } from "zod";
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";
import {
  type Actor,
  type Case,
  type CaseKind,
  type Channel,
  caseSchema,
  type Outcome,
  type PendingReattach,
} from "./model.js";
import { computeStats, STATS_LOOKBACK_MS } from "./stats.js";
import {
  type ActorOptions,
  type CaseError,
  type CaseResult,
  type CaseStats,
  type CaseStore,
  type CaseStoreOptions,
  type ConditionOptions,
  type DamagedCase,
  DEFAULT_STATS_TIME_ZONE,
  type EscalationInput,
  type ReleaseOptions,
  type UpsertResult,
} from "./store.js";
import * as t from "./transitions.js";

/** Options of the Redis case store. */
export interface RedisCaseStoreOptions extends CaseStoreOptions {
  /** Prepended to every key, e.g. `pulang:`; lets deployments and tests share a Redis. */
  prefix?: string;
}

/**
 * KEYS: case. ARGV: expected version (0 = must not exist), encoded case, status, operator
 * ('' = none). Writes only if the version is still the expected one; returns 1 or 0.
 */
const WRITE = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[2], 's', ARGV[3], 'v', string.format('%d', v + 1))
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'o') else redis.call('HSET', KEYS[1], 'o', ARGV[4]) end
return 1
`;

/** KEYS: case. ARGV: expected version. Deletes the case only if unchanged; returns 1 or 0. */
const DELETE = `
if tonumber(redis.call('HGET', KEYS[1], 'v') or '0') ~= tonumber(ARGV[1]) then return 0 end
return redis.call('DEL', KEYS[1])
`;

/** KEYS: topic index. ARGV: thread, case id. Removes the entry only if it names this case. */
const UNSET_TOPIC = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

interface Scripts {
  pulangCaseWrite(
    key: string,
    expected: number,
    encoded: string,
    status: string,
    operator: string,
  ): Promise<number>;
  pulangCaseDelete(key: string, expected: number): Promise<number>;
  pulangCaseUnsetTopic(key: string, thread: number, id: string): Promise<number>;
}

const SCRIPTS: Record<keyof Scripts, { numberOfKeys: number; lua: string }> = {
  pulangCaseWrite: { numberOfKeys: 1, lua: WRITE },
  pulangCaseDelete: { numberOfKeys: 1, lua: DELETE },
  pulangCaseUnsetTopic: { numberOfKeys: 1, lua: UNSET_TOPIC },
};

function defineScripts(client: RedisClient): RedisClient & Scripts {
  for (const [name, def] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, def);
  }
  return client as RedisClient & Scripts;
}

/** Compare-and-set rounds before giving up: each round, some writer succeeds. */
const MAX_ATTEMPTS = 200;
/** Index entries read per round trip. */
const BATCH = 200;

interface Stored {
  case: Case;
  version: number;
}

/** The Redis {@link CaseStore}. */
export class RedisCaseStore implements CaseStore {
  readonly #redis: RedisClient & Scripts;
  readonly #prefix: string;
  readonly #codec: Codec;
  readonly #damagedListeners: ((damaged: DamagedCase) => void)[] = [];

  constructor(redis: RedisClient, opts: RedisCaseStoreOptions = {}) {
    this.#redis = defineScripts(redis);
    this.#prefix = opts.prefix ?? "";
    this.#codec = opts.codec ?? jsonCodec;
  }

  async upsert(input: EscalationInput): Promise<UpsertResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.#read(input.caseRef);
      if (!stored) {
        const created = t.createCase(input);
        if (!(await this.#cas(0, created))) continue;
        await this.#index(created, false);
        return { case: created, change: "created" };
      }
      const merged = t.mergeEscalation(stored.case, input);
      if (merged.changed && !(await this.#cas(stored.version, merged.case))) continue;
      if (merged.change !== "erased") await this.#index(merged.case, merged.change === "reopened");
      return { case: merged.case, change: merged.change, before: stored.case };
    }
    throw new Error(`case ${input.caseRef}: too many concurrent writes`);
  }

  async get(id: string): Promise<Case | undefined> {
    return (await this.#read(id))?.case;
  }

  onDamaged(listener: (damaged: DamagedCase) => void): void {
    this.#damagedListeners.push(listener);
  }

  claim(id: string, operator: Actor, now: number) {
    return this.#apply(id, (c) => t.claim(c, operator, now));
  }

  release(id: string, by: Actor, now: number, reason: string, opts?: ReleaseOptions) {
    return this.#apply(id, (c) => t.release(c, by, now, reason, opts));
  }

  close(id: string, by: Actor, outcome: Outcome, now: number, opts?: ActorOptions) {
    return this.#apply(id, (c) => t.close(c, by, outcome, now, opts));
  }

  reassign(id: string, by: Actor, to: Actor, now: number, opts?: ActorOptions) {
    return this.#apply(id, (c) => t.reassign(c, by, to, now, opts));
  }

  addNote(id: string, by: Actor, text: string, now: number) {
    return this.#apply(id, (c) => t.addNote(c, by, text, now));
  }

  recordOperatorReply(id: string, operator: Actor, now: number) {
    return this.#apply(id, (c) => t.recordOperatorReply(c, operator, now));
  }

  reattach(id: string, conversation: string, channel: Channel, now: number, by?: Actor) {
    return this.#apply(id, (c) => t.reattach(c, conversation, channel, now, by));
  }

  requestReattach(id: string, pending: PendingReattach) {
    return this.#apply(id, (c) => t.requestReattach(c, pending));
  }

  refuseReattach(id: string, by: Actor, now: number) {
    return this.#apply(id, (c) => t.refuseReattach(c, by, now));
  }

  markLeftQuickly(id: string, now: number) {
    return this.#apply(id, (c) => t.markLeftQuickly(c, now));
  }

  recordPersonMessage(id: string, now: number) {
    return this.#apply(id, (c) => t.recordPersonMessage(c, now));
  }

  /** Index first, then the case; afterwards the old thread's entry (if any) is dropped. */
  async setTopic(id: string, threadId: number): Promise<CaseResult<"not_found">> {
    await this.#redis.hset(this.#topicKey(), String(threadId), id);
    const before = await this.get(id);
    const result = await this.#apply(id, (c) => t.setTopic(c, threadId));
    if (!result.ok) await this.#unsetTopic(threadId, id);
    const old = before?.topic;
    if (result.ok && old !== undefined && old !== threadId) await this.#unsetTopic(old, id);
    return result;
  }

  async byTopic(threadId: number): Promise<Case | undefined> {
    const id = await this.#redis.hget(this.#topicKey(), String(threadId));
    const c = id === null ? undefined : await this.get(id);
    return c?.topic === threadId ? c : undefined;
  }

  audit(id: string, by: Actor, action: string, now: number, detail?: string) {
    return this.#apply(id, (c) => t.appendAudit(c, by, action, now, detail));
  }

  recordAnnouncement(id: string, now: number, opts?: ConditionOptions) {
    return this.#apply(id, (c) => t.recordAnnouncement(c, now, opts));
  }

  async open(limit: number): Promise<Case[]> {
    return this.#collect(limit, () => true);
  }

  async queued(limit: number): Promise<Case[]> {
    return this.#collect(limit, (c) => c.status === "queued");
  }

  /** Derived from the open index: one plain HGET per open case, decoding only matches. */
  async byOperator(operator: Actor): Promise<Case[]> {
    const ids = await this.#redis.zrange(this.#openKey(), 0, -1);
    const holders = await Promise.all(ids.map((id) => this.#redis.hget(this.#caseKey(id), "o")));
    const mine = ids.filter((_, i) => holders[i] === operator);
    const cases = await Promise.all(mine.map((id) => this.#listed(id)));
    return cases
      .filter((c): c is Case => isCase(c) && c.status === "claimed" && c.operator === operator)
      .sort(t.byQueueOrder);
  }

  /**
   * Only cases that can have happened today are read: created or closed in the last 48
   * hours, or open now (a case claimed today is still open or was closed today).
   */
  async stats(now: number, timeZone = DEFAULT_STATS_TIME_ZONE): Promise<CaseStats> {
    const since = now - STATS_LOOKBACK_MS;
    const [created, closed, open] = await Promise.all([
      this.#redis.zrangebyscore(this.#createdKey(), since, "+inf"),
      this.#redis.zrangebyscore(this.#closedKey(), since, "+inf"),
      this.#redis.zrange(this.#openKey(), 0, -1),
    ]);
    const ids = [...new Set([...created, ...closed, ...open])];
    const cases = await Promise.all(ids.map((id) => this.#listed(id)));
    return computeStats(
      cases.filter((c): c is Case => isCase(c)),
      now,
      timeZone,
    );
  }

  erase(id: string, now: number) {
    return this.#apply(id, (c) => t.erase(c, now));
  }

  async purgeClosedBefore(
    cutoff: number,
    limit: number,
    kind?: CaseKind,
    onPurged?: (id: string) => Promise<void>,
  ): Promise<number> {
    let purged = 0;
    let offset = 0;
    while (purged < limit) {
      const ids = await this.#redis.zrangebyscore(
        this.#closedKey(),
        "-inf",
        `(${cutoff}`,
        "LIMIT",
        offset,
        BATCH,
      );
      if (ids.length === 0) break;
      for (const id of ids) {
        if (purged >= limit) break;
        const result = await this.#purgeOne(id, cutoff, kind);
        if (result === "purged") {
          purged += 1;
          await onPurged?.(id);
        }
        if (result === "kept") offset += 1;
      }
    }
    return purged;
  }

  /**
   * Delete one case if it is still closed before `cutoff`. `gone`: it was not (its index
   * entry is corrected, so it leaves the range); `kept`: it changed meanwhile, still listed.
   */
  async #purgeOne(
    id: string,
    cutoff: number,
    kind?: CaseKind,
  ): Promise<"purged" | "gone" | "kept"> {
    const stored = await this.#tryRead(id);
    // Which retention applies is written inside it: leave it, reported, for a person.
    if (stored === DAMAGED) return "kept";
    if (!stored) {
      await this.#forget(id, undefined);
      return "gone";
    }
    const c = stored.case;
    if (c.status !== "closed" || c.closedAt === undefined || c.closedAt >= cutoff) {
      await this.#index(c, c.status !== "closed");
      return "gone";
    }
    // Another kind keeps longer: skip it, it stays listed for its own turn.
    if (kind !== undefined && c.kind !== kind) return "kept";
    if (!(await this.#redis.pulangCaseDelete(this.#caseKey(id), stored.version))) return "kept";
    await this.#forget(id, c.topic);
    return "purged";
  }

  /** Remove a deleted case from every index. */
  async #forget(id: string, topic: number | undefined): Promise<void> {
    await Promise.all([
      this.#redis.zrem(this.#closedKey(), id),
      this.#redis.zrem(this.#createdKey(), id),
      this.#redis.zrem(this.#openKey(), id),
      topic === undefined ? Promise.resolve(0) : this.#unsetTopic(topic, id),
    ]);
  }

  /** Read-transform-write with compare-and-set; see the file comment. */
  async #apply<E extends CaseError>(
    id: string,
    change: (c: Case) => t.Step<E>,
  ): Promise<CaseResult<E | "not_found">> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.#read(id);
      if (!stored) return { ok: false, error: "not_found" };
      const step = change(stored.case);
      if (!step.ok) return { ok: false, error: step.error, case: step.case };
      if (!step.changed) return { ok: true, case: step.case };
      if (!(await this.#cas(stored.version, step.case))) continue;
      await this.#index(step.case, false);
      return { ok: true, case: step.case };
    }
    throw new Error(`case ${id}: too many concurrent writes`);
  }

  /** Open cases in queue order, repairing the index on the way, until `limit` match. */
  async #collect(limit: number, keep: (c: Case) => boolean): Promise<Case[]> {
    const found = new Map<string, Case>();
    let offset = 0;
    while (found.size < limit) {
      const flat = await this.#redis.zrange(
        this.#openKey(),
        offset,
        offset + BATCH - 1,
        "WITHSCORES",
      );
      if (flat.length === 0) break;
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        const c = await this.#listed(id);
        if (c === DAMAGED) {
          offset += 1; // stays in the index, skipped
          continue;
        }
        if (!c || !t.isOpen(c.status)) {
          await this.#repairGone(id, c);
          continue; // left the index: the offset stays
        }
        offset += 1;
        if (t.queueScore(c) < Number(flat[i + 1])) await this.#queue(c);
        if (keep(c) && found.size < limit) found.set(id, c);
      }
    }
    return [...found.values()].sort(t.byQueueOrder);
  }

  /** An open-index entry whose case is closed or gone: file it correctly, drop it. */
  async #repairGone(id: string, c: Case | undefined): Promise<void> {
    if (c?.closedAt !== undefined) await this.#redis.zadd(this.#closedKey(), c.closedAt, id);
    await this.#unqueue(id);
  }

  /** Bring the indexes in step with a case just written (see the file comment). */
  async #index(c: Case, reopened: boolean): Promise<void> {
    const created = this.#redis.zadd(this.#createdKey(), "NX", c.createdAt, c.id);
    if (!t.isOpen(c.status)) {
      await created;
      await this.#redis.zadd(this.#closedKey(), c.closedAt ?? c.createdAt, c.id);
      await this.#unqueue(c.id);
      return;
    }
    // Issued together, written together, in this order (one round trip).
    await Promise.all([created, this.#queue(c)]);
    if (reopened) await this.#unclose(c.id);
  }

  #queue(c: Case): Promise<number | string | null> {
    return this.#redis.zadd(this.#openKey(), "LT", t.queueScore(c), c.id);
  }

  /** Drop `id` from the queue, then look again: it may have been reopened meanwhile. */
  async #unqueue(id: string): Promise<void> {
    await this.#redis.zrem(this.#openKey(), id);
    const status = await this.#redis.hget(this.#caseKey(id), "s");
    if (status === null || status === "closed") return;
    const c = await this.get(id);
    if (c && t.isOpen(c.status)) await this.#queue(c);
  }

  /** Drop `id` from the closed index, then look again: it may have been closed meanwhile. */
  async #unclose(id: string): Promise<void> {
    await this.#redis.zrem(this.#closedKey(), id);
    if ((await this.#redis.hget(this.#caseKey(id), "s")) !== "closed") return;
    const c = await this.get(id);
    if (c?.closedAt !== undefined) await this.#redis.zadd(this.#closedKey(), c.closedAt, id);
  }

  #unsetTopic(thread: number, id: string): Promise<number> {
    return this.#redis.pulangCaseUnsetTopic(this.#topicKey(), thread, id);
  }

  async #read(id: string): Promise<Stored | undefined> {
    const [d, v] = await this.#redis.hmget(this.#caseKey(id), "d", "v");
    if (d == null) return undefined;
    const decoded = this.#codec.decode(d, this.#place(id));
    return { case: caseSchema.parse(decoded), version: Number(v ?? 0) };
  }

  /** Like `#read`, but a record that cannot be decoded is reported and comes back DAMAGED. */
  async #tryRead(id: string): Promise<Stored | undefined | typeof DAMAGED> {
    const [d, v] = await this.#redis.hmget(this.#caseKey(id), "d", "v");
    if (d == null) return undefined;
    try {
      const decoded = this.#codec.decode(d, this.#place(id));
      return { case: caseSchema.parse(decoded), version: Number(v ?? 0) };
    } catch (err) {
      const damaged = { id, problem: problemOf(err) };
      for (const listener of this.#damagedListeners) listener(damaged);
      return DAMAGED;
    }
  }

  /** A case as listings read it: damaged records are reported and come back DAMAGED. */
  async #listed(id: string): Promise<Case | undefined | typeof DAMAGED> {
    const stored = await this.#tryRead(id);
    return stored === DAMAGED ? DAMAGED : stored?.case;
  }

  async #cas(expected: number, c: Case): Promise<boolean> {
    const written = await this.#redis.pulangCaseWrite(
      this.#caseKey(c.id),
      expected,
      this.#codec.encode(c, this.#place(c.id)),
      c.status,
      c.status === "claimed" ? (c.operator ?? "") : "",
    );
    return written === 1;
  }

  /** Where a case is stored, for binding it there (the codec's `place`). */
  #place(id: string): string {
    return placeOf(this.#caseKey(id).slice(this.#prefix.length), "d");
  }

  #caseKey(id: string): string {
    // An empty hash tag `{}` would hash the whole key; ids are never empty.
    if (id.length === 0) throw new Error("case id must not be empty");
    return `${this.#prefix}case:{${id}}`;
  }

  #openKey(): string {
    return `${this.#prefix}cases:open`;
  }

  #closedKey(): string {
    return `${this.#prefix}cases:closed`;
  }

  #createdKey(): string {
    return `${this.#prefix}cases:created`;
  }

  #topicKey(): string {
    return `${this.#prefix}cases:topic`;
  }
}

/** What a listing got for an id whose record cannot be read. */
const DAMAGED = Symbol("damaged case");

function isCase(c: Case | undefined | typeof DAMAGED): c is Case {
  return c !== undefined && c !== DAMAGED;
}

/** Why a record could not be read: a schema path and code, or the error's kind; no values. */
function problemOf(err: unknown): string {
  if (err instanceof ZodError) {
    const first = err.issues[0];
    return first ? `${first.path.join(".") || "(case)"}: ${first.code}` : "not a case";
  }
  return `undecodable (${err instanceof Error ? err.name : typeof err})`;
}
