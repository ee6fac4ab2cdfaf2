/**
 * Every change to a case, as pure functions: old case in, new case (or a refusal) out.
 * Both stores run these same functions (Redis inside an optimistic compare-and-set loop,
 * the memory twin directly), so they cannot drift apart, and tests can read them alone.
 */
import { moreUrgent } from "../engine/triage.js";
import type { Priority } from "../engine/types.js";
import {
  type Actor,
  type Case,
  type CaseStatus,
  type Outcome,
  PERSON,
  type PendingReattach,
  SYSTEM,
} from "./model.js";
import type {
  ActorOptions,
  AnnounceError,
  CaseError,
  ClaimError,
  CloseError,
  ConditionOptions,
  EscalationInput,
  OpenError,
  ReassignError,
  ReleaseError,
  ReleaseOptions,
  UpsertChange,
} from "./store.js";

/**
 * A transition's result. `changed: false` means there is nothing to write (a repeated
 * escalation, a second claim by the holder).
 */
export type Step<E extends CaseError = CaseError> =
  | { ok: true; case: Case; changed: boolean }
  | { ok: false; error: E; case: Case };

const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3 };

/**
 * The case's place in the queue: priority first, then age (`createdAt`), lowest first.
 * 1e13 ms is past the year 2286, and 3e13 is well within a double's exact integers.
 */
export function queueScore(c: Pick<Case, "priority" | "createdAt">): number {
  return RANK[c.priority] * 1e13 + c.createdAt;
}

/** Queue order for arrays: the same order a sorted set gives (score, then id). */
export function byQueueOrder(a: Case, b: Case): number {
  return queueScore(a) - queueScore(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A new, queued case from its first escalation. */
export function createCase(input: EscalationInput): Case {
  return {
    id: input.caseRef,
    conversation: input.conversation,
    channel: input.channel,
    kind: input.kind,
    priority: input.priority,
    reasons: unique(input.reasons),
    summary: mergeSummary(undefined, input.summary),
    lang: input.lang,
    createdAt: input.now,
    queuedAt: input.now,
    status: "queued",
    notes: [],
    audit: [{ at: input.now, by: PERSON, action: "created", detail: input.priority }],
    announcements: 0,
  };
}

/**
 * Fold an escalation into an existing case (see CaseStore.upsert). Returns what changed
 * and whether anything needs writing.
 */
export function mergeEscalation(
  c: Case,
  input: EscalationInput,
): { case: Case; change: UpsertChange; changed: boolean } {
  if (c.erased) return { case: c, change: "erased", changed: false };
  const priority = moreUrgent(input.priority, c.priority) ? input.priority : c.priority;
  const merged: Case = {
    ...c,
    priority,
    reasons: unique([...c.reasons, ...input.reasons]),
    summary: mergeSummary(c.summary, input.summary),
    lang: input.lang,
  };
  if (c.status === "closed")
    return { case: reopen(merged, input.now), change: "reopened", changed: true };
  if (priority !== c.priority) {
    const detail = `${c.priority}->${priority}`;
    return {
      case: audited(merged, PERSON, "raised", input.now, detail),
      change: "raised",
      changed: true,
    };
  }
  if (sameJson(merged, c)) return { case: c, change: "updated", changed: false };
  return { case: audited(merged, PERSON, "updated", input.now), change: "updated", changed: true };
}

/** Back to the queue as a new episode: the old holder, outcome and announcements go. */
function reopen(c: Case, now: number): Case {
  const { closedAt, outcome, operator, claimedAt, lastAnnouncedAt, ...rest } = c;
  const reopened: Case = {
    ...rest,
    status: "queued",
    queuedAt: now,
    announcements: 0,
    reattached: true,
  };
  return audited(reopened, PERSON, "reopened", now, c.priority);
}

/** Take a queued case. */
export function claim(c: Case, operator: Actor, now: number): Step<ClaimError> {
  if (c.status === "closed") return refuse("closed", c);
  if (c.status === "claimed") {
    return c.operator === operator ? same(c) : refuse("already_claimed", c);
  }
  const claimed: Case = { ...c, status: "claimed", operator, claimedAt: now };
  return changed(audited(claimed, operator, "claimed", now));
}

/** Hand a claimed case back to the queue. */
export function release(
  c: Case,
  by: Actor,
  now: number,
  reason: string,
  opts: ReleaseOptions = {},
): Step<ReleaseError> {
  if (c.status === "closed") return refuse("closed", c);
  if (c.status !== "claimed") return refuse("not_claimed", c);
  if (!mayActFor(c, by, opts)) return refuse("not_holder", c);
  if (!conditionHolds(c, opts)) return refuse("condition_failed", c);
  const { operator, ...rest } = c;
  const released: Case = { ...rest, status: "queued", queuedAt: now };
  return changed(audited(released, by, "released", now, reason));
}

/** Close a case with its outcome. */
export function close(
  c: Case,
  by: Actor,
  outcome: Outcome,
  now: number,
  opts: ActorOptions = {},
): Step<CloseError> {
  if (c.status === "closed") return refuse("closed", c);
  if (c.status === "claimed" && !mayActFor(c, by, opts)) return refuse("not_holder", c);
  const closed: Case = { ...c, status: "closed", outcome, closedAt: now };
  return changed(audited(closed, by, "closed", now, outcome));
}

/** Give a claimed case to another operator; their no-reply clock starts now. */
export function reassign(
  c: Case,
  by: Actor,
  to: Actor,
  now: number,
  opts: ActorOptions = {},
): Step<ReassignError> {
  if (c.status === "closed") return refuse("closed", c);
  if (c.status !== "claimed") return refuse("not_claimed", c);
  if (!mayActFor(c, by, opts)) return refuse("not_holder", c);
  if (c.operator === to) return same(c);
  const moved: Case = { ...c, operator: to, claimedAt: now };
  return changed(audited(moved, by, "reassigned", now, `${c.operator ?? ""}->${to}`));
}

/** An operator's note on the case. */
export function addNote(c: Case, by: Actor, text: string, now: number): Step<OpenError> {
  if (c.status === "closed") return refuse("closed", c);
  const noted: Case = { ...c, notes: [...c.notes, { at: now, by, text }] };
  return changed(audited(noted, by, "note", now));
}

/** An operator wrote to the person. */
export function recordOperatorReply(c: Case, operator: Actor, now: number): Step<OpenError> {
  if (c.status === "closed") return refuse("closed", c);
  const replied: Case = {
    ...c,
    firstReplyAt: c.firstReplyAt ?? now,
    lastOperatorReplyAt: now,
  };
  return changed(audited(replied, operator, "replied", now));
}

/** The person wrote (and so is back, if they had left quickly). */
export function recordPersonMessage(c: Case, now: number): Step<OpenError> {
  if (c.status === "closed") return refuse("closed", c);
  const { leftQuicklyAt, ...rest } = c;
  return changed({ ...rest, lastPersonMessageAt: now });
}

/** The person left quickly (quick exit): nobody writes to them until they write again. */
export function markLeftQuickly(c: Case, now: number): Step<OpenError> {
  if (c.status === "closed" || c.erased) return refuse("closed", c);
  return changed(audited({ ...c, leftQuicklyAt: now }, PERSON, "left_quickly", now));
}

/**
 * Someone typed the case code (and the right word, when the case has one) from another
 * account: kept on the case until operators confirm or refuse (a later request replaces it).
 */
export function requestReattach(c: Case, pending: PendingReattach): Step<OpenError> {
  if (c.status === "closed" || c.erased) return refuse("closed", c);
  const asked: Case = { ...c, pendingReattach: pending };
  return changed(audited(asked, PERSON, "reattach_requested", pending.at, pending.channel));
}

/** Operators refused a request from another account. */
export function refuseReattach(c: Case, by: Actor, now: number): Step<OpenError | "not_pending"> {
  if (c.status === "closed" || c.erased) return refuse("closed", c);
  if (!c.pendingReattach) return refuse("not_pending", c);
  const { pendingReattach, ...rest } = c;
  return changed(audited(rest, by, "reattach_refused", now, pendingReattach.channel));
}

/**
 * Operators confirmed it is the person (`by`): their messages now come from, and replies go
 * to, `conversation`. Any request waiting is settled.
 */
export function reattach(
  c: Case,
  conversation: string,
  channel: Case["channel"],
  now: number,
  by: Actor = PERSON,
): Step<OpenError> {
  if (c.status === "closed" || c.erased) return refuse("closed", c);
  const { pendingReattach, ...rest } = c;
  const moved: Case = {
    ...rest,
    conversation,
    channel,
    reattached: true,
    lastPersonMessageAt: now,
  };
  return changed(audited(moved, by, "reattached", now, channel));
}

/** The operator-group thread showing the case (bookkeeping: not audited, no clock). */
export function setTopic(c: Case, threadId: number): Step<never> {
  return c.topic === threadId ? same(c) : changed({ ...c, topic: threadId });
}

/** Append one entry to the audit log. */
export function appendAudit(
  c: Case,
  by: Actor,
  action: string,
  now: number,
  detail?: string,
): Step<never> {
  return changed(audited(c, by, action, now, detail));
}

/** An overdue queued case was announced again. */
export function recordAnnouncement(
  c: Case,
  now: number,
  opts: ConditionOptions = {},
): Step<AnnounceError> {
  if (c.status === "closed") return refuse("closed", c);
  if (c.status !== "queued") return refuse("not_queued", c);
  if (!conditionHolds(c, opts)) return refuse("condition_failed", c);
  const announcements = c.announcements + 1;
  const louder: Case = { ...c, announcements, lastAnnouncedAt: now };
  return changed(audited(louder, SYSTEM, "announced", now, `level ${announcements}`));
}

/**
 * The anonymised stub of an erased case: closed (nobody can reach the person any more),
 * with no conversation key, no answers or place, empty note texts and audit entries
 * without details (a detail may quote the person). Erasing twice changes nothing.
 */
export function erase(c: Case, now: number): Step<never> {
  if (c.erased) return same(c);
  const stub: Case = {
    id: c.id,
    channel: c.channel,
    kind: c.kind,
    priority: c.priority,
    reasons: c.reasons,
    summary: { flow: c.summary.flow, lang: c.summary.lang, answers: {} },
    lang: c.lang,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    ...pickTimes(c),
    status: "closed",
    closedAt: c.closedAt ?? now,
    outcome: c.outcome ?? "other",
    ...(c.operator === undefined ? {} : { operator: c.operator }),
    notes: c.notes.map((n) => ({ at: n.at, by: n.by, text: "" })),
    audit: c.audit.map((a) => ({ at: a.at, by: a.by, action: a.action })),
    announcements: c.announcements,
    ...(c.topic === undefined ? {} : { topic: c.topic }),
    erased: true,
  };
  return changed(audited(stub, PERSON, "erased", now));
}

const TIMES = [
  "claimedAt",
  "firstReplyAt",
  "lastOperatorReplyAt",
  "lastPersonMessageAt",
  "lastAnnouncedAt",
] as const;

function pickTimes(c: Case): Partial<Pick<Case, (typeof TIMES)[number]>> {
  const out: Partial<Pick<Case, (typeof TIMES)[number]>> = {};
  for (const k of TIMES) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

/** Whether `status` keeps a case in the queue index. */
export function isOpen(status: CaseStatus): boolean {
  return status !== "closed";
}

function mayActFor(c: Case, by: Actor, opts: ActorOptions): boolean {
  return by === c.operator || by === SYSTEM || opts.supervisor === true;
}

function conditionHolds(c: Case, opts: ConditionOptions): boolean {
  return opts.onlyIf === undefined || opts.onlyIf(c);
}

function audited(c: Case, by: Actor, action: string, at: number, detail?: string): Case {
  const entry = detail === undefined ? { at, by, action } : { at, by, action, detail };
  return { ...c, audit: [...c.audit, entry] };
}

function mergeSummary(old: Case["summary"] | undefined, next: EscalationInput["summary"]) {
  const place = next.place ?? old?.place;
  const country = next.country ?? old?.country;
  const mission = next.mission ?? old?.mission;
  return {
    flow: next.flow ?? old?.flow ?? null,
    lang: next.lang,
    answers: { ...old?.answers, ...next.answers },
    ...(place === undefined ? {} : { place: { ...place } }),
    ...(country === undefined ? {} : { country }),
    ...(mission === undefined ? {} : { mission }),
  };
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Equal as stored: JSON with keys sorted, so key order does not count as a change. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, sortKeys) === JSON.stringify(b, sortKeys);
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) =>
    x < y ? -1 : x > y ? 1 : 0,
  );
  return Object.fromEntries(entries);
}

function changed(c: Case): { ok: true; case: Case; changed: true } {
  return { ok: true, case: c, changed: true };
}

function same(c: Case): { ok: true; case: Case; changed: false } {
  return { ok: true, case: c, changed: false };
}

function refuse<E extends CaseError>(error: E, c: Case): { ok: false; error: E; case: Case } {
  return { ok: false, error, case: c };
}
