/**
 * The queue's promises, as pure functions: how long a case may wait for an operator, and
 * how long a claimed case may wait for the operator's first word. The SLA service turns
 * these deadlines into timers; the operator surface can show them.
 */
import type { Priority } from "../engine/types.js";
import type { Case } from "./model.js";

/** Limits in milliseconds. */
export interface SlaPolicy {
  /** How long a queued case may wait to be claimed, then again between re-announcements. */
  unclaimedMs: Record<Priority, number>;
  /** How long a claimed case may wait for its holder's first reply before it goes back. */
  noReplyMs: number;
}

const MINUTE = 60_000;

/** A person in danger gets a human within minutes; a question about documents can wait. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  unclaimedMs: { P1: 2 * MINUTE, P2: 15 * MINUTE, P3: 60 * MINUTE },
  noReplyMs: 10 * MINUTE,
};

/** `unclaimed`: announce it again, louder. `no_reply`: take it back from its holder. */
export type DeadlineKind = "unclaimed" | "no_reply";

/** The next broken promise of a case: when, and which. */
export interface Deadline {
  at: number;
  kind: DeadlineKind;
}

/**
 * When this case next breaks a promise, or undefined when it cannot (closed; claimed and
 * answered). A queued case is due one limit after it entered the queue or was last
 * announced, whichever is later, so after an outage it is announced once, not once per
 * missed interval. A claimed case is due if its current holder has not replied since
 * claiming it (a reply to an earlier holder does not count).
 */
export function nextDeadline(
  c: Case,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): Deadline | undefined {
  if (c.status === "queued") {
    const since = Math.max(c.queuedAt, c.lastAnnouncedAt ?? 0);
    return { at: since + policy.unclaimedMs[c.priority], kind: "unclaimed" };
  }
  if (c.status === "claimed" && c.claimedAt !== undefined && !repliedSinceClaim(c)) {
    return { at: c.claimedAt + policy.noReplyMs, kind: "no_reply" };
  }
  return undefined;
}

/** Whether the case has broken a promise of this `kind` at `now`. */
export function isOverdue(
  c: Case,
  now: number,
  kind: DeadlineKind,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): boolean {
  const d = nextDeadline(c, policy);
  return d !== undefined && d.kind === kind && d.at <= now;
}

/**
 * How loud the next re-announcement is: 1, 2, then 3 and above (the operator surface
 * treats 3+ as its loudest: mention everyone, pin it).
 */
export function announcementLevel(c: Pick<Case, "announcements">): number {
  return c.announcements + 1;
}

function repliedSinceClaim(c: Case): boolean {
  return (
    c.lastOperatorReplyAt !== undefined &&
    c.claimedAt !== undefined &&
    c.lastOperatorReplyAt >= c.claimedAt
  );
}
