/**
 * Retention: closed help cases and missing-person reports are deleted after their time
 * (idle conversations expire on their own in the store). Runs as a durable timer that
 * schedules its next run, so exactly one instance does it, whatever restarts.
 */
import type { Logger } from "../log.js";
import type { Scheduler } from "../schedule/scheduler.js";
import type { CaseStore } from "./store.js";

export interface RetentionPolicy {
  /** Closed help cases are deleted this long after closing. */
  closedCaseMs: number;
  /** Closed missing-person reports (family cases) are deleted this long after closing. */
  reportMs: number;
}

/** How often the purge runs, and the job that carries it. */
export const PURGE_EVERY_MS = 60 * 60 * 1000;
export const PURGE_JOB_ID = "retention:purge";
const BATCH = 500;

/** Delete what is past its time; returns the counts, for the log and the coordinator. */
export async function purgeExpired(
  cases: CaseStore,
  now: number,
  policy: RetentionPolicy,
): Promise<{ help: number; family: number }> {
  const drain = async (cutoff: number, kind: "help" | "family") => {
    let total = 0;
    for (let n = BATCH; n === BATCH; total += n)
      n = await cases.purgeClosedBefore(cutoff, BATCH, kind);
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
}): () => Promise<void> {
  return async () => {
    const now = deps.now();
    const counts = await purgeExpired(deps.cases, now, deps.policy);
    deps.log.info(
      { purged: counts },
      "retention: closed cases and reports past their time deleted",
    );
    await deps.scheduler.schedule(PURGE_JOB_ID, now + PURGE_EVERY_MS, { kind: "purge" });
  };
}
