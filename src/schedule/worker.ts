/**
 * Runs due jobs: polls the scheduler every `intervalMs`, hands each job to the handler for
 * its `payload.kind`, and acks it when the handler succeeded. A failed (or unknown) job is
 * left leased, so it comes back when the lease runs out: at least once, never lost. Any
 * number of workers may share one scheduler; leases keep them from running one job twice.
 */
import type { Job, Scheduler } from "./scheduler.js";

/** Does the work of one job kind. Throwing means "try again after the lease". */
export type JobHandler = (job: Job) => Promise<void>;

/** Something went wrong with a job; safe to log (ids and kinds, no payload). */
export interface WorkerProblem {
  jobId?: string;
  kind?: string;
  error: unknown;
}

/** What a worker runs on; only `scheduler` and `handlers` are required. */
export interface SchedulerWorkerOptions {
  scheduler: Scheduler;
  /** Handler per `payload.kind`. */
  handlers: Readonly<Record<string, JobHandler>>;
  /** The clock that decides what is due; tests pass their own. */
  now?: () => number;
  /** How often to poll (real time). */
  intervalMs?: number;
  /** How long a worker may take over a job before another may try it. */
  leaseMs?: number;
  /** Jobs claimed per poll. */
  batchSize?: number;
  onError?: (problem: WorkerProblem) => void;
}

/** A timer fires at most this late: fine for minute-scale SLAs, cheap for Redis. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Far longer than any handler should take; a crashed worker's jobs wait this long. */
export const DEFAULT_LEASE_MS = 60_000;
/** Jobs claimed per poll: bounds the work one poll starts at once. */
export const DEFAULT_BATCH_SIZE = 100;

/** Polls a scheduler and runs due jobs (see the file comment). */
export class SchedulerWorker {
  readonly #opts: Required<Omit<SchedulerWorkerOptions, "onError">> &
    Pick<SchedulerWorkerOptions, "onError">;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #inflight: Promise<unknown> = Promise.resolve();

  constructor(opts: SchedulerWorkerOptions) {
    this.#opts = {
      now: Date.now,
      intervalMs: DEFAULT_POLL_INTERVAL_MS,
      leaseMs: DEFAULT_LEASE_MS,
      batchSize: DEFAULT_BATCH_SIZE,
      ...opts,
    };
  }

  /** Start polling (the first poll runs at once). Calling it twice does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#poll();
  }

  /** Stop polling and wait for the jobs being handled right now to finish. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inflight;
  }

  /**
   * One poll: claim what is due now and run it. Returns how many jobs succeeded. Public so
   * tests (and a one-shot command) can drive the worker without timers.
   */
  async tick(): Promise<number> {
    const { scheduler, now, batchSize, leaseMs } = this.#opts;
    const jobs = await scheduler.claimDue(now(), batchSize, leaseMs);
    const results = await Promise.all(jobs.map((job) => this.#run(job)));
    return results.filter(Boolean).length;
  }

  #poll(): void {
    const run = this.tick().catch((error: unknown) => this.#opts.onError?.({ error }));
    this.#inflight = run;
    void run.finally(() => {
      if (this.#running) this.#timer = setTimeout(() => this.#poll(), this.#opts.intervalMs);
    });
  }

  /** Run one job; ack on success, leave it leased on failure. */
  async #run(job: Job): Promise<boolean> {
    const kind = job.payload.kind;
    const handler = Object.hasOwn(this.#opts.handlers, kind)
      ? this.#opts.handlers[kind]
      : undefined;
    try {
      // A kind this version does not know may be handled by a newer process: leave it.
      if (!handler) throw new Error(`no handler for job kind "${kind}"`);
      await handler(job);
      await this.#opts.scheduler.ack(job.id, job.leaseUntil);
      return true;
    } catch (error) {
      this.#opts.onError?.({ jobId: job.id, kind, error });
      return false;
    }
  }
}
