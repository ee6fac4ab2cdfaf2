/**
 * The in-memory twin of the Redis scheduler: same contract, same tests, nothing survives
 * a restart. Payloads are kept encoded through the codec, as Redis keeps them.
 */
import { type Codec, jsonCodec } from "../stores/codec.js";
import {
  type Job,
  type JobPayload,
  parseStoredJob,
  type Scheduler,
  type SchedulerOptions,
} from "./scheduler.js";

interface Entry {
  encoded: string;
  /** Set while waiting to run. */
  dueAt?: number;
  /** Set while leased to a worker. */
  leaseUntil?: number;
  attempts: number;
}

/** The in-memory {@link Scheduler}: for the local demo and tests. */
export class MemoryScheduler implements Scheduler {
  readonly #jobs = new Map<string, Entry>();
  readonly #codec: Codec;

  constructor(opts: SchedulerOptions = {}) {
    this.#codec = opts.codec ?? jsonCodec;
  }

  async schedule(
    id: string,
    dueAt: number,
    payload: JobPayload,
    opts: { keepEarlier?: boolean } = {},
  ): Promise<void> {
    const waiting = this.#jobs.get(id)?.dueAt;
    if (opts.keepEarlier && waiting !== undefined && waiting <= dueAt) return;
    this.#jobs.set(id, { encoded: this.#codec.encode({ dueAt, payload }), dueAt, attempts: 0 });
  }

  async cancel(id: string): Promise<void> {
    this.#jobs.delete(id);
  }

  async cancelPrefix(prefix: string): Promise<number> {
    const ids = [...this.#jobs.keys()].filter((id) => id.startsWith(prefix));
    for (const id of ids) this.#jobs.delete(id);
    return ids.length;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    const expired = this.#sorted((e) => e.leaseUntil, now);
    const due = this.#sorted((e) => e.dueAt, now);
    const ids = [...expired, ...due].slice(0, Math.max(0, limit));
    const leaseUntil = now + leaseMs;
    return ids.map((id) => this.#lease(id, leaseUntil));
  }

  async ack(id: string, leaseUntil?: number): Promise<void> {
    const e = this.#jobs.get(id);
    if (e?.leaseUntil === undefined) return;
    if (leaseUntil !== undefined && e.leaseUntil !== leaseUntil) return;
    this.#jobs.delete(id);
  }

  /** Ids whose `score` is at or before `now`, by score then id (a sorted set's order). */
  #sorted(score: (e: Entry) => number | undefined, now: number): string[] {
    const hits: [string, number][] = [];
    for (const [id, e] of this.#jobs) {
      const s = score(e);
      if (s !== undefined && s <= now) hits.push([id, s]);
    }
    hits.sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0));
    return hits.map(([id]) => id);
  }

  #lease(id: string, leaseUntil: number): Job {
    const e = this.#jobs.get(id) as Entry;
    e.dueAt = undefined;
    e.leaseUntil = leaseUntil;
    e.attempts += 1;
    const stored = parseStoredJob(this.#codec.decode(e.encoded));
    return { id, dueAt: stored.dueAt, payload: stored.payload, attempt: e.attempts, leaseUntil };
  }
}
