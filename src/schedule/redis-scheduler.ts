/**
 * Durable timers in Redis, for any number of processes.
 *
 * Key layout (`P` = prefix). All four keys share the hash tag `{sched}`, so each script
 * below touches one Cluster slot:
 *
 * - `P {sched}:due`    sorted set: job id -> due time (waiting to run)
 * - `P {sched}:lease`  sorted set: job id -> lease end (handed to a worker, not acked yet)
 * - `P {sched}:jobs`   hash: job id -> encoded {dueAt, payload} (through the codec)
 * - `P {sched}:tries`  hash: job id -> how many times it was handed out
 *
 * A job is in at most one of `due` and `lease`. `claimDue` moves jobs from `due` (and
 * expired ones from `lease`) into `lease` in one script, so no two workers get one job.
 * A lease end is also the lease's token: a second lease of the same job can only start
 * after the first ran out, so it always ends later.
 */
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";
import {
  type Job,
  type JobPayload,
  parseStoredJob,
  type Scheduler,
  type SchedulerOptions,
} from "./scheduler.js";

/** Options of the Redis scheduler. */
export interface RedisSchedulerOptions extends SchedulerOptions {
  /** Prepended to every key, e.g. `pulang:`. Must not contain `{` (it would move the tag). */
  prefix?: string;
}

/**
 * KEYS: due, lease, jobs, tries. ARGV: id, due time, encoded job, keep earlier ('1' or '').
 * With keep earlier, a job waiting at or before the due time stays as it is.
 */
const SCHEDULE = `
if ARGV[4] == '1' then
  local at = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if at and tonumber(at) <= tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
`;

/** KEYS: due, lease, jobs, tries. ARGV: ids. Returns how many existed. */
const CANCEL = `
local n = 0
for _, id in ipairs(ARGV) do
  n = n + redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[4], id)
end
return n
`;

/**
 * KEYS: due, lease, jobs, tries. ARGV: now, limit, lease end.
 * Expired leases first (they waited longest), then due jobs by due time. Returns a flat
 * list: id, encoded job, attempt, ...
 */
const CLAIM = `
local limit = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
if #ids < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit - #ids)
  for _, id in ipairs(due) do ids[#ids + 1] = id end
end
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local encoded = redis.call('HGET', KEYS[3], id)
  if encoded then
    redis.call('ZADD', KEYS[2], ARGV[3], id)
    local attempt = redis.call('HINCRBY', KEYS[4], id, 1)
    out[#out + 1] = id
    out[#out + 1] = encoded
    out[#out + 1] = tostring(attempt)
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out
`;

/**
 * KEYS: due, lease, jobs, tries. ARGV: id, lease end ('' = any).
 * Forgets a leased job; a job rescheduled meanwhile is in 'due', not 'lease', and stays.
 */
const ACK = `
local lease = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not lease then return 0 end
if ARGV[2] ~= '' and tonumber(lease) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
`;

type Keys = [string, string, string, string];

interface Scripts {
  pulangSchedSchedule(...args: [...Keys, string, number, string, string]): Promise<number>;
  pulangSchedCancel(...args: [...Keys, ...string[]]): Promise<number>;
  pulangSchedClaim(...args: [...Keys, number, number, number]): Promise<string[]>;
  pulangSchedAck(...args: [...Keys, string, string]): Promise<number>;
}

const SCRIPTS: Record<keyof Scripts, { numberOfKeys: number; lua: string }> = {
  pulangSchedSchedule: { numberOfKeys: 4, lua: SCHEDULE },
  pulangSchedCancel: { numberOfKeys: 4, lua: CANCEL },
  pulangSchedClaim: { numberOfKeys: 4, lua: CLAIM },
  pulangSchedAck: { numberOfKeys: 4, lua: ACK },
};

function defineScripts(client: RedisClient): RedisClient & Scripts {
  for (const [name, def] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, def);
  }
  return client as RedisClient & Scripts;
}

/** Ids cancelled per script call by cancelPrefix. */
const CANCEL_BATCH = 500;

/** The Redis {@link Scheduler}. */
export class RedisScheduler implements Scheduler {
  readonly #redis: RedisClient & Scripts;
  readonly #keys: Keys;
  readonly #codec: Codec;
  readonly #prefix: string;

  constructor(redis: RedisClient, opts: RedisSchedulerOptions = {}) {
    const prefix = opts.prefix ?? "";
    this.#prefix = prefix;
    if (prefix.includes("{")) throw new Error("scheduler prefix must not contain '{'");
    this.#redis = defineScripts(redis);
    this.#codec = opts.codec ?? jsonCodec;
    const base = `${prefix}{sched}`;
    this.#keys = [`${base}:due`, `${base}:lease`, `${base}:jobs`, `${base}:tries`];
  }

  async schedule(
    id: string,
    dueAt: number,
    payload: JobPayload,
    opts: { keepEarlier?: boolean } = {},
  ): Promise<void> {
    const encoded = this.#codec.encode({ dueAt, payload }, this.#place(id));
    const keep = opts.keepEarlier ? "1" : "";
    await this.#redis.pulangSchedSchedule(...this.#keys, id, dueAt, encoded, keep);
  }

  async cancel(id: string): Promise<void> {
    await this.#redis.pulangSchedCancel(...this.#keys, id);
  }

  async cancelPrefix(prefix: string): Promise<number> {
    const ids = await this.#idsStartingWith(prefix);
    let cancelled = 0;
    for (let i = 0; i < ids.length; i += CANCEL_BATCH) {
      cancelled += await this.#redis.pulangSchedCancel(
        ...this.#keys,
        ...ids.slice(i, i + CANCEL_BATCH),
      );
    }
    return cancelled;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    if (limit <= 0) return [];
    const leaseUntil = now + leaseMs;
    const flat = await this.#redis.pulangSchedClaim(...this.#keys, now, limit, leaseUntil);
    const jobs: Job[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      const id = flat[i] as string;
      const stored = parseStoredJob(this.#codec.decode(flat[i + 1] as string, this.#place(id)));
      jobs.push({
        id,
        dueAt: stored.dueAt,
        payload: stored.payload,
        attempt: Number(flat[i + 2]),
        leaseUntil,
      });
    }
    return jobs;
  }

  async ack(id: string, leaseUntil?: number): Promise<void> {
    await this.#redis.pulangSchedAck(
      ...this.#keys,
      id,
      leaseUntil === undefined ? "" : String(leaseUntil),
    );
  }

  /** Where a job is stored, for binding it there (the codec's `place`). */
  #place(id: string): string {
    return placeOf(this.#keys[2].slice(this.#prefix.length), id);
  }

  /** HSCAN with the prefix as a literal (glob characters escaped), re-checked in JS. */
  async #idsStartingWith(prefix: string): Promise<string[]> {
    const pattern = `${prefix.replace(/[\\*?[\]]/g, "\\$&")}*`;
    const found = new Set<string>();
    let cursor = "0";
    do {
      const [next, flat] = await this.#redis.hscan(
        this.#keys[2],
        cursor,
        "MATCH",
        pattern,
        "COUNT",
        500,
      );
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] as string;
        if (id.startsWith(prefix)) found.add(id);
      }
      cursor = next;
    } while (cursor !== "0");
    return [...found];
  }
}
