/**
 * Keeps the queue's promises with durable timers: every open case has one scheduler job,
 * `sla:<case id>`, due at its next deadline (sla.ts). When it fires, the case is read
 * again (it may have been claimed a second ago) and, if still overdue, an unclaimed case
 * is announced again, louder, and a claimed case whose holder never replied goes back to
 * the queue. Then the next deadline is scheduled: an unclaimed P1 is announced every two
 * minutes until someone takes it; it never waits silently. Timers live in the scheduler,
 * so they survive a restart.
 */
import { z } from "zod";
import type { Job, Scheduler } from "../schedule/scheduler.js";
import type { JobHandler } from "../schedule/worker.js";
import { type Case, SYSTEM } from "./model.js";
import {
  announcementLevel,
  DEFAULT_SLA_POLICY,
  isOverdue,
  nextDeadline,
  type SlaPolicy,
} from "./sla.js";
import type { CaseStore } from "./store.js";

/** Tells operators about a case that waited too long (the operator surface implements it). */
export interface Announcer {
  /** Announce an unclaimed case again; `level` 1, 2, 3+ says how loud. */
  overdue(c: Case, level: number): Promise<void>;
  /** A claimed case went back to the queue because its holder never replied. */
  returned(c: Case): Promise<void>;
}

/** What the SLA service works with; the clock is injected so tests control time. */
export interface SlaServiceOptions {
  store: CaseStore;
  scheduler: Scheduler;
  announcer: Announcer;
  /** The clock; tests pass their own. */
  now: () => number;
  policy?: SlaPolicy;
}

/** The `payload.kind` of SLA jobs. */
export const SLA_JOB_KIND = "sla";

const slaPayloadSchema = z.object({ kind: z.literal(SLA_JOB_KIND), caseId: z.string().min(1) });

/** The one scheduler job of a case. */
export function slaJobId(caseId: string): string {
  return `${SLA_JOB_KIND}:${caseId}`;
}

/** Turns SLA deadlines into scheduler jobs and acts when they fire (see the file comment). */
export class SlaService {
  readonly #store: CaseStore;
  readonly #scheduler: Scheduler;
  readonly #announcer: Announcer;
  readonly #now: () => number;
  readonly #policy: SlaPolicy;

  constructor(opts: SlaServiceOptions) {
    this.#store = opts.store;
    this.#scheduler = opts.scheduler;
    this.#announcer = opts.announcer;
    this.#now = opts.now;
    this.#policy = opts.policy ?? DEFAULT_SLA_POLICY;
  }

  /**
   * Call after every change to a case (created, claimed, replied, released, closed,
   * erased): (re)schedules its timer at the next deadline, or cancels it when there is none.
   *
   * A cancel is the one thing that could leave a queued case waiting silently (the caller's
   * copy may be stale: another process reopened it a moment ago), so before cancelling the
   * case is read again and the fresh copy decides. A timer that fires too early is harmless:
   * the handler re-reads the case and reschedules.
   */
  async onCaseChanged(c: Case): Promise<void> {
    if (nextDeadline(c, this.#policy)) return this.#schedule(c);
    const fresh = await this.#store.get(c.id);
    if (fresh && nextDeadline(fresh, this.#policy)) return this.#schedule(fresh);
    await this.#scheduler.cancel(slaJobId(c.id));
  }

  /**
   * Re-arm the timer of every open case, oldest most-urgent first; returns how many were
   * looked at. For start-up and an occasional sweep: it heals a timer lost to a crash
   * between a store write and {@link onCaseChanged}, or to a race between two processes.
   */
  async resync(limit = 10_000): Promise<number> {
    const open = await this.#store.open(limit);
    for (const c of open) await this.onCaseChanged(c);
    return open.length;
  }

  /** The worker's handlers: `{ sla }`. */
  get handlers(): Record<string, JobHandler> {
    return { [SLA_JOB_KIND]: (job) => this.handle(job) };
  }

  /**
   * Handle a fired SLA job. Announcements are made before they are recorded: if the
   * process dies in between, the job comes back and announces again (a repeated
   * announcement is better than a missed one).
   */
  async handle(job: Job): Promise<void> {
    const { caseId } = slaPayloadSchema.parse(job.payload);
    const c = await this.#store.get(caseId);
    if (!c) return;
    const now = this.#now();
    const deadline = nextDeadline(c, this.#policy);
    if (!deadline) return;
    if (deadline.at > now) return this.#schedule(c);
    const after =
      deadline.kind === "unclaimed" ? await this.#announce(c, now) : await this.#takeBack(c, now);
    if (after) await this.onCaseChanged(after);
  }

  async #schedule(c: Case): Promise<void> {
    const deadline = nextDeadline(c, this.#policy);
    if (!deadline) return;
    await this.#scheduler.schedule(slaJobId(c.id), deadline.at, {
      kind: SLA_JOB_KIND,
      caseId: c.id,
    });
  }

  async #announce(c: Case, now: number): Promise<Case | undefined> {
    await this.#announcer.overdue(c, announcementLevel(c));
    const result = await this.#store.recordAnnouncement(c.id, now, {
      onlyIf: (current) => isOverdue(current, now, "unclaimed", this.#policy),
    });
    return result.case;
  }

  async #takeBack(c: Case, now: number): Promise<Case | undefined> {
    const result = await this.#store.release(c.id, SYSTEM, now, "no operator reply", {
      onlyIf: (current) => isOverdue(current, now, "no_reply", this.#policy),
    });
    if (result.ok) await this.#announcer.returned(result.case);
    return result.case;
  }
}
