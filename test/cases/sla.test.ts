/**
 * The SLA policy as pure functions: deadlines per status and priority, and how loud a
 * re-announcement is.
 */
import { describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import {
  announcementLevel,
  DEFAULT_SLA_POLICY,
  isOverdue,
  nextDeadline,
} from "../../src/cases/sla.js";
import { createCase } from "../../src/cases/transitions.js";
import { escalation, MIN, T0 } from "./case-store.contract.js";

function queued(over: Partial<Case> = {}): Case {
  return { ...createCase(escalation({ priority: "P1" })), ...over };
}

describe("nextDeadline", () => {
  it("gives a queued case its priority's limit from when it entered the queue", () => {
    expect(nextDeadline(queued({ priority: "P1" }))).toEqual({
      at: T0 + 2 * MIN,
      kind: "unclaimed",
    });
    expect(nextDeadline(queued({ priority: "P2" }))).toEqual({
      at: T0 + 15 * MIN,
      kind: "unclaimed",
    });
    expect(nextDeadline(queued({ priority: "P3" }))).toEqual({
      at: T0 + 60 * MIN,
      kind: "unclaimed",
    });
    expect(nextDeadline(queued({ queuedAt: T0 + 30 * MIN }))?.at).toBe(T0 + 32 * MIN);
  });

  it("counts from the last announcement, so an outage gives one announcement, not many", () => {
    const c = queued({ announcements: 1, lastAnnouncedAt: T0 + 30 * MIN });
    expect(nextDeadline(c)?.at).toBe(T0 + 32 * MIN);
    // An announcement from before a release does not count against the new stint.
    expect(nextDeadline(queued({ lastAnnouncedAt: T0, queuedAt: T0 + 10 * MIN }))?.at).toBe(
      T0 + 12 * MIN,
    );
  });

  it("gives a claimed case the no-reply limit until its holder replies", () => {
    const claimed = queued({ status: "claimed", operator: "op1", claimedAt: T0 + MIN });
    expect(nextDeadline(claimed)).toEqual({ at: T0 + 11 * MIN, kind: "no_reply" });
    expect(nextDeadline({ ...claimed, lastOperatorReplyAt: T0 + 2 * MIN })).toBeUndefined();
    // A reply to an earlier holder does not count for the new one.
    const reclaimed = { ...claimed, lastOperatorReplyAt: T0 + 2 * MIN, claimedAt: T0 + 5 * MIN };
    expect(nextDeadline(reclaimed)).toEqual({ at: T0 + 15 * MIN, kind: "no_reply" });
  });

  it("has nothing for a closed case, and follows a custom policy", () => {
    expect(nextDeadline(queued({ status: "closed", closedAt: T0 }))).toBeUndefined();
    const policy = { ...DEFAULT_SLA_POLICY, unclaimedMs: { P1: 1_000, P2: 2_000, P3: 3_000 } };
    expect(nextDeadline(queued(), policy)?.at).toBe(T0 + 1_000);
  });
});

describe("isOverdue", () => {
  it("is true from the deadline on, for the deadline's kind only", () => {
    const c = queued();
    expect(isOverdue(c, T0 + 2 * MIN - 1, "unclaimed")).toBe(false);
    expect(isOverdue(c, T0 + 2 * MIN, "unclaimed")).toBe(true);
    expect(isOverdue(c, T0 + 2 * MIN, "no_reply")).toBe(false);
  });
});

describe("announcementLevel", () => {
  it("gets louder each time", () => {
    expect([0, 1, 2, 5].map((announcements) => announcementLevel({ announcements }))).toEqual([
      1, 2, 3, 6,
    ]);
  });
});
