/**
 * Today's queue numbers, computed from cases. Pure, and shared by both stores: each only
 * decides which cases to hand in (Redis: the few that can have happened today).
 */
import { type Case, OUTCOMES, type Outcome } from "./model.js";
import type { CaseStats } from "./store.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The local date of `ms` in `timeZone`, `YYYY-MM-DD`. Comparing dates rather than
 * computing midnight keeps days with a DST change right.
 */
export function localDay(ms: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f.format(ms);
}

/**
 * How far back a case touched today can have been created or closed, at most: a day is
 * never longer than 25 hours, and time zones reach 14 hours from UTC.
 */
export const STATS_LOOKBACK_MS = 48 * 60 * 60 * 1000;

/**
 * The numbers for the local day of `now`. `cases` must include every case created,
 * claimed or closed that day (more is fine: the rest are filtered out).
 */
export function computeStats(cases: Iterable<Case>, now: number, timeZone: string): CaseStats {
  const day = localDay(now, timeZone);
  const isToday = (ms: number | undefined) => ms !== undefined && localDay(ms, timeZone) === day;
  const closedByOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<
    Outcome,
    number
  >;
  let created = 0;
  let claimed = 0;
  let closed = 0;
  const toClaim: number[] = [];
  const toReply: number[] = [];
  for (const c of cases) {
    if (c.audit.some((a) => a.action === "claimed" && isToday(a.at))) claimed += 1;
    if (c.status === "closed" && isToday(c.closedAt)) {
      closed += 1;
      closedByOutcome[c.outcome ?? "other"] += 1;
    }
    if (!isToday(c.createdAt)) continue;
    created += 1;
    const firstClaim = c.audit.find((a) => a.action === "claimed")?.at;
    if (firstClaim !== undefined) toClaim.push((firstClaim - c.createdAt) / 1000);
    if (c.firstReplyAt !== undefined) toReply.push((c.firstReplyAt - c.createdAt) / 1000);
  }
  return {
    day,
    timeZone,
    created,
    claimed,
    closed,
    closedByOutcome,
    medianSecondsToClaim: median(toClaim),
    medianSecondsToFirstReply: median(toReply),
  };
}

/** The median, or null for no values (a dashboard shows "no data", not 0). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}
