/**
 * Durable timers: "do this at that time", kept in Redis so they survive a restart and are
 * run once by whichever process claims them first. Time is always passed in (no wall
 * clock inside), so SLA tests run on a controllable clock. See
 * docs/decisions/0005-own-scheduler-not-bullmq.md for why this is not BullMQ.
 */
import { z } from "zod";
import { type Codec, CodecError } from "../stores/codec.js";

/**
 * What a job carries: small JSON with the `kind` that picks its handler. Callers validate
 * the rest of it with their own zod schema when the job runs.
 */
export interface JobPayload {
  kind: string;
  [field: string]: unknown;
}

/** A job handed to a worker by {@link Scheduler.claimDue}. */
export interface Job {
  id: string;
  /** When it was due (it may run later, never earlier). */
  dueAt: number;
  payload: JobPayload;
  /** 1 the first time it is handed out, 2 after one lease ran out, and so on. */
  attempt: number;
  /** When this lease ends; pass it to {@link Scheduler.ack} so a stale ack is ignored. */
  leaseUntil: number;
}

/**
 * Jobs by id. At least once: a claimed job is leased, not removed, and comes back from
 * `claimDue` when its lease runs out without an ack (a crashed worker loses nothing).
 */
export interface Scheduler {
  /**
   * Run `payload` at `dueAt`. Upsert: the same id replaces an earlier due time and payload,
   * also while the job is leased (the running worker's ack then leaves the new one alone).
   * With `keepEarlier`, a job already waiting to run at or before `dueAt` is left as it is.
   */
  schedule(
    id: string,
    dueAt: number,
    payload: JobPayload,
    opts?: { keepEarlier?: boolean },
  ): Promise<void>;
  /** Forget a job, leased or not. Unknown ids are ignored. */
  cancel(id: string): Promise<void>;
  /**
   * Forget every job whose id starts with `prefix` (e.g. all jobs of one conversation, on
   * erase); returns how many. End the prefix with a separator: `tg:12` also matches `tg:123`.
   */
  cancelPrefix(prefix: string): Promise<number>;
  /**
   * Up to `limit` jobs due at or before `now` (and jobs whose lease ran out), each leased
   * until `now + leaseMs` in the same atomic step, so two processes never get the same one.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<Job[]>;
  /**
   * The job is done: forget it, unless it was rescheduled or cancelled since it was
   * claimed. With `leaseUntil`, only if that lease is still the current one.
   */
  ack(id: string, leaseUntil?: number): Promise<void>;
}

/** Options every Scheduler takes. */
export interface SchedulerOptions {
  /** How a job (due time and payload) becomes text: JSON today, encrypted later. */
  codec?: Codec;
}

/** Where a due time and payload are kept: one value through the codec. */
export const storedJobSchema = z.object({
  dueAt: z.number(),
  payload: z.looseObject({ kind: z.string().min(1) }),
});

/** A job as stored: when it is due, and what it carries. */
export type StoredJob = z.infer<typeof storedJobSchema>;

/** Validate what a codec gave back. */
export function parseStoredJob(value: unknown): StoredJob {
  const parsed = storedJobSchema.safeParse(value);
  if (!parsed.success) throw new CodecError(`stored job is malformed: ${parsed.error.message}`);
  return parsed.data;
}
