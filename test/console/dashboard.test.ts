/** The coordinators' figures: counts, the share claimed within the SLA, medians, and CSV. */
import { describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import { computeDashboard, dashboardCsv, median } from "../../src/console/dashboard.js";
import type { Figure } from "../../src/console/figures.js";

const MIN = 60_000;
const NOW = Date.UTC(2026, 5, 10, 5, 0, 0); // 12:00 in Jakarta
const SLA = { P1: 2 * MIN, P2: 15 * MIN, P3: 60 * MIN };

function fig(o: Partial<Figure> & Pick<Figure, "createdAt" | "priority">): Figure {
  return { channel: "tg", kind: "help", ...o };
}

const figures: Figure[] = [
  // Today: a P1 claimed in 1 minute and replied in 3, closed safe.
  fig({
    createdAt: NOW - 60 * MIN,
    priority: "P1",
    country: "KH",
    claimedAt: NOW - 59 * MIN,
    firstReplyAt: NOW - 57 * MIN,
    closedAt: NOW - 30 * MIN,
    outcome: "safe",
  }),
  // Today: a P1 claimed after 5 minutes (late), on WhatsApp, in Myanmar.
  fig({
    createdAt: NOW - 40 * MIN,
    priority: "P1",
    channel: "wa",
    country: "MM",
    claimedAt: NOW - 35 * MIN,
    firstReplyAt: NOW - 33 * MIN,
  }),
  // Today: a P3 still waiting, within its hour.
  fig({ createdAt: NOW - 10 * MIN, priority: "P3" }),
  // Yesterday: a P2 never claimed (its SLA is long over).
  fig({ createdAt: NOW - 26 * 60 * MIN, priority: "P2", country: "KH" }),
];

const open = [
  { priority: "P3", status: "queued", queuedAt: NOW - 10 * MIN },
  { priority: "P1", status: "claimed", queuedAt: NOW - 40 * MIN },
  { priority: "P2", status: "queued", queuedAt: NOW - 26 * 60 * MIN },
] as Case[];

describe("dashboard figures", () => {
  const d = computeDashboard({
    open,
    figures,
    now: NOW,
    days: 7,
    timeZone: "Asia/Jakarta",
    slaMs: SLA,
  });

  it("counts open cases by priority and the oldest still waiting", () => {
    expect(d.open).toEqual({ P1: 1, P2: 1, P3: 1 });
    expect(d.oldestWaitingMs).toEqual({ P2: 26 * 60 * MIN, P3: 10 * MIN });
  });

  it("gives the share claimed within the SLA of the cases that were claimed or are overdue", () => {
    expect(d.withinSla).toEqual({ claimed: 1, of: 3 });
  });

  it("gives the median time to claim and to first reply", () => {
    expect(d.medianToClaimMs).toBe(3 * MIN);
    expect(d.medianToFirstReplyMs).toBe(5 * MIN);
    expect(median([])).toBeNull();
  });

  it("counts cases per local day by priority, channel, country and outcome", () => {
    expect(d.days.at(-1)).toBe("2026-06-10");
    expect(d.perDay.priority?.P1?.at(-1)).toBe(2);
    expect(d.perDay.priority?.P2?.at(-2)).toBe(1);
    expect(d.perDay.channel?.wa?.at(-1)).toBe(1);
    expect(d.perDay.country?.KH?.slice(-2)).toEqual([1, 1]);
    expect(d.perDay.country?.unknown?.at(-1)).toBe(1);
    expect(d.perDay.outcome?.safe?.at(-1)).toBe(1);
  });

  it("exports the same figures as CSV, one number per row", () => {
    const csv = dashboardCsv(d).trim().split("\n");
    expect(csv[0]).toBe("day,measure,value,count");
    expect(csv).toContain("2026-06-10,priority,P1,2");
    expect(csv).toContain("now,open,P2,1");
    expect(csv.some((r) => r.endsWith("median_seconds,to_claim,180"))).toBe(true);
  });
});
