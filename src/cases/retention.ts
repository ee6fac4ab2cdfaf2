/**
 * Retention: open cases nobody has written in for `idleCaseMs` are closed as "no response"
 * (so a case a person walked away from does not stay open, and personal, for ever), and
 * closed help cases and missing-person reports are deleted after their time (idle
 * conversations expire on their own in the store). Runs as a durable timer that schedules
 * its next run, so exactly one instance does it, whatever restarts.
 *
 * Closing an idle case writes nothing to the person: they have not written for that long,
 * and we never write first. Operators see the case closed in its topic.
 */
import { errorSummary } from "../channels/errors.js";
import type { Logger } from "../log.js";
import type { Scheduler } from "../schedule/scheduler.js";
import { type Case, SYSTEM } from "./model.js";
import type { CaseStore } from "./store.js";

export interface RetentionPolicy {
  /** Closed help cases are deleted this long after closing. */
  closedCaseMs: number;
  /** Closed missing-person reports (family cases) are deleted this long after closing. */
  reportMs: number;
  /** An open case with no activity for this long is closed as "no response" (unset: never). */
  idleCaseMs?: number;
}

/** How often the purge runs, and the job that carries it. */
export const PURGE_EVERY_MS = 60 * 60 * 1000;
export const PURGE_JOB_ID = "retention:purge";
const BATCH = 500;
/** Open cases looked at per run for idleness (the open queue, most urgent first). */
const IDLE_SCAN = 10_000;

/**
 * When anyone last did something on the case: the person wrote, an operator claimed,
 * replied or noted, or it (re-)entered the queue. The helpline's own re-announcements and
 * timers are not activity: a case only they touch is a case nobody is working.
 */
export function lastActivity(c: Case): number {
  let last = Math.max(
    c.createdAt,
    c.queuedAt,
    c.claimedAt ?? 0,
    c.firstReplyAt ?? 0,
    c.lastOperatorReplyAt ?? 0,
    c.lastPersonMessageAt ?? 0,
  );
  for (const a of c.audit) if (a.by !== SYSTEM && a.at > last) last = a.at;
  return last;
}

/**
 * Close, as "no response", every open case idle for longer than `idleMs`; returns those
 * closed. Each is read again just before closing: one that came back to life meanwhile
 * is left open.
 */
export async function closeIdle(cases: CaseStore, now: number, idleMs: number): Promise<Case[]> {
  const closed: Case[] = [];
  for (const listed of await cases.open(IDLE_SCAN)) {
    if (now - lastActivity(listed) <= idleMs) continue;
    const fresh = await cases.get(listed.id);
    if (!fresh || fresh.status === "closed" || now - lastActivity(fresh) <= idleMs) continue;
    const r = await cases.close(fresh.id, SYSTEM, "no_response", now);
    if (r.ok) closed.push(r.case);
  }
  return closed;
}

/** Delete what is past its time; returns the counts, for the log and the coordinator. */
export async function purgeExpired(
  cases: CaseStore,
  now: number,
  policy: RetentionPolicy,
  onPurged?: (id: string) => Promise<void>,
): Promise<{ help: number; family: number }> {
  const drain = async (cutoff: number, kind: "help" | "family") => {
    let total = 0;
    for (let n = BATCH; n === BATCH; total += n)
      n = await cases.purgeClosedBefore(cutoff, BATCH, kind, onPurged);
    return total;
  };
  return {
    help: await drain(now - policy.closedCaseMs, "help"),
    family: await drain(now - policy.reportMs, "family"),
  };
}

/** The scheduled purge: run, report counts, and schedule the next run. */
export function purgeHandler(deps: {
  cases: CaseStore;
  scheduler: Scheduler;
  policy: RetentionPolicy;
  log: Logger;
  now: () => number;
  /** A case was just closed as idle: stop its timers, show it closed to operators. */
  onIdleClosed?: (c: Case) => Promise<void>;
  /** A case was deleted: forget what is kept about it elsewhere (reunite's matches). */
  onPurged?: (id: string) => Promise<void>;
}): () => Promise<void> {
  return async () => {
    const now = deps.now();
    if (deps.policy.idleCaseMs !== undefined) {
      const idle = await closeIdle(deps.cases, now, deps.policy.idleCaseMs);
      for (const c of idle) {
        await deps
          .onIdleClosed?.(c)
          .catch((err: unknown) =>
            deps.log.warn({ case: c.id, err: errorSummary(err) }, "idle case closed, not shown"),
          );
      }
      if (idle.length > 0)
        deps.log.info({ closed: idle.length }, "retention: idle cases closed as no response");
    }
    const counts = await purgeExpired(deps.cases, now, deps.policy, deps.onPurged);
    deps.log.info(
      { purged: counts },
      "retention: closed cases and reports past their time deleted",
    );
    await deps.scheduler.schedule(PURGE_JOB_ID, now + PURGE_EVERY_MS, { kind: "purge" });
  };
}
