/**
 * What the dashboard shows, computed from the open queue and the anonymised figures:
 * open cases by priority and the oldest waiting; the share of cases claimed within their
 * SLA; cases per day by priority, channel, country and outcome; median time to claim and
 * to first reply. Pure, so the numbers are tested without a browser.
 */
import type { Case } from "../cases/model.js";
import { localDay } from "../cases/stats.js";
import type { Figure } from "./figures.js";

const PRIORITIES = ["P1", "P2", "P3"] as const;

export interface Dashboard {
  open: Record<(typeof PRIORITIES)[number], number>;
  /** How long the oldest queued (unclaimed) case of each priority has waited, in ms. */
  oldestWaitingMs: Partial<Record<(typeof PRIORITIES)[number], number>>;
  /** Of the cases in the period whose SLA is over or that were claimed: claimed within it. */
  withinSla: { claimed: number; of: number };
  medianToClaimMs: number | null;
  medianToFirstReplyMs: number | null;
  /** Local days, oldest first. */
  days: string[];
  /** Per measure (priority, channel, country, outcome), per value, counts per day. */
  perDay: Record<string, Record<string, number[]>>;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface DashboardInput {
  open: readonly Case[];
  figures: readonly Figure[];
  now: number;
  days: number;
  timeZone: string;
  slaMs: Record<"P1" | "P2" | "P3", number>;
}

export function computeDashboard(i: DashboardInput): Dashboard {
  const open = { P1: 0, P2: 0, P3: 0 };
  const oldest: Dashboard["oldestWaitingMs"] = {};
  for (const c of i.open) {
    open[c.priority] += 1;
    if (c.status !== "queued") continue;
    const waited = i.now - c.queuedAt;
    oldest[c.priority] = Math.max(oldest[c.priority] ?? 0, waited);
  }
  const days = Array.from({ length: i.days }, (_, n) =>
    localDay(i.now - (i.days - 1 - n) * 86_400_000, i.timeZone),
  );
  const perDay: Dashboard["perDay"] = { priority: {}, channel: {}, country: {}, outcome: {} };
  const count = (measure: string, value: string, day: string) => {
    const d = days.indexOf(day);
    if (d < 0) return;
    const byValue = perDay[measure] as Record<string, number[]>;
    const counts = byValue[value] ?? days.map(() => 0);
    counts[d] = (counts[d] ?? 0) + 1;
    byValue[value] = counts;
  };
  let claimed = 0;
  let of = 0;
  const toClaim: number[] = [];
  const toReply: number[] = [];
  for (const f of i.figures) {
    const day = localDay(f.createdAt, i.timeZone);
    count("priority", f.priority, day);
    count("channel", f.channel, day);
    count("country", f.country ?? "unknown", day);
    if (f.outcome && f.closedAt !== undefined)
      count("outcome", f.outcome, localDay(f.closedAt, i.timeZone));
    const limit = i.slaMs[f.priority];
    if (f.claimedAt !== undefined) {
      toClaim.push(f.claimedAt - f.createdAt);
      of += 1;
      if (f.claimedAt - f.createdAt <= limit) claimed += 1;
    } else if (i.now - f.createdAt > limit) of += 1;
    if (f.firstReplyAt !== undefined) toReply.push(f.firstReplyAt - f.createdAt);
  }
  return {
    open,
    oldestWaitingMs: oldest,
    withinSla: { claimed, of },
    medianToClaimMs: median(toClaim),
    medianToFirstReplyMs: median(toReply),
    days,
    perDay,
  };
}

/** The figures as CSV, one number per row: `day,measure,value,count`, then the summaries. */
export function dashboardCsv(d: Dashboard): string {
  const rows = [["day", "measure", "value", "count"]];
  for (const [measure, byValue] of Object.entries(d.perDay)) {
    for (const [value, counts] of Object.entries(byValue)) {
      counts.forEach((n, i) => {
        rows.push([d.days[i] as string, measure, value, String(n)]);
      });
    }
  }
  const all = `${d.days[0]}..${d.days.at(-1)}`;
  for (const p of PRIORITIES) rows.push(["now", "open", p, String(d.open[p])]);
  rows.push([all, "claimed_within_sla", "claimed", String(d.withinSla.claimed)]);
  rows.push([all, "claimed_within_sla", "of", String(d.withinSla.of)]);
  const secs = (ms: number | null) => (ms === null ? "" : String(Math.round(ms / 1000)));
  rows.push([all, "median_seconds", "to_claim", secs(d.medianToClaimMs)]);
  rows.push([all, "median_seconds", "to_first_reply", secs(d.medianToFirstReplyMs)]);
  // Values are codes (priorities, channels, ISO countries, outcomes): no quoting is needed,
  // but a cell can never start a formula in a spreadsheet either.
  return `${rows.map((r) => r.map((v) => v.replace(/^[=+\-@]/, "'$&").replace(/[",\n]/g, "")).join(",")).join("\n")}\n`;
}
