/**
 * The case store: cases created from escalations, the priority queue operators work from,
 * and every operator action on a case. A Redis implementation (any number of processes)
 * and an in-memory twin pass one contract suite.
 *
 * Caller mistakes (claiming a closed case, releasing someone else's) come back as typed
 * results, never as exceptions: an operator tapping a stale button is normal, and the
 * operator surface turns the error into a sentence. Exceptions mean the store itself failed.
 */
import type { CaseSummary, Priority } from "../engine/types.js";
import type { Codec } from "../stores/codec.js";
import type { Actor, Case, CaseKind, Channel, Outcome, PendingReattach } from "./model.js";

/** What an `escalate` (or `report`) effect carries into the store. */
export interface EscalationInput {
  /** The engine's case reference: short, unguessable, already generated. */
  caseRef: string;
  conversation: string;
  channel: Channel;
  kind: CaseKind;
  priority: Priority;
  reasons: readonly string[];
  summary: CaseSummary;
  lang: string;
  now: number;
}

/**
 * What an upsert did. `erased`: the case was erased at the person's request; a late
 * redelivery of an older escalation must not bring their data back, so nothing was written.
 */
export type UpsertChange = "created" | "raised" | "updated" | "reopened" | "erased";

/** The case after an upsert, and what the upsert did to it. */
export interface UpsertResult {
  case: Case;
  change: UpsertChange;
  /** The case as it was before, when there was one. */
  before?: Case;
}

/** Why an action was refused. */
export type CaseError =
  | "not_found"
  | "closed"
  | "already_claimed"
  | "not_claimed"
  | "not_holder"
  | "not_queued"
  | "condition_failed"
  /** No request from another account is waiting on this case. */
  | "not_pending";

/**
 * The result of an action. A refusal carries the case when it exists, so the caller can
 * say who holds it or how it ended.
 */
export type CaseResult<E extends CaseError = CaseError> =
  | { ok: true; case: Case }
  | { ok: false; error: E; case?: Case };

/** Options of actions that normally only the holder may take. */
export interface ActorOptions {
  /** A supervisor may act on a case someone else holds. */
  supervisor?: boolean;
}

/** Options of actions a timer takes on a case it read a moment ago. */
export interface ConditionOptions {
  /**
   * Checked inside the atomic update, against the case as it is then: the action happens
   * only if it returns true (else `condition_failed`). Lets the SLA service say "release
   * it, unless the operator replied since I looked".
   */
  onlyIf?: (current: Case) => boolean;
}

/** Options of `release`: a supervisor flag and a condition (for timers). */
export type ReleaseOptions = ActorOptions & ConditionOptions;

/** Today's numbers for the coordinator, in one time zone. */
export interface CaseStats {
  /** The local date the numbers are for, `YYYY-MM-DD`. */
  day: string;
  timeZone: string;
  /** Cases created today. */
  created: number;
  /** Cases claimed (at least once) today, whenever they were created. */
  claimed: number;
  /** Cases closed today. */
  closed: number;
  closedByOutcome: Record<Outcome, number>;
  /** Median seconds from creation to first claim, over today's cases that were claimed. */
  medianSecondsToClaim: number | null;
  /** Median seconds from creation to first operator reply, over today's replied cases. */
  medianSecondsToFirstReply: number | null;
}

/** Options every CaseStore takes. */
export interface CaseStoreOptions {
  /** How a stored case becomes text: JSON today, encrypted at rest later. */
  codec?: Codec;
}

/**
 * A stored case that could not be read (undecryptable, or not a case): listings skip it
 * and report it here, so one damaged record never breaks the queue or the numbers.
 * `problem` names what failed (a schema path and code, or the error's kind), never a value.
 */
export interface DamagedCase {
  id: string;
  problem: string;
}

/**
 * Cases and the queue. Every successful change appends to the case's audit log.
 * Claims are atomic across processes: of many concurrent claims, exactly one succeeds.
 */
export interface CaseStore {
  /**
   * Create the case, or fold a new escalation of the same person into it. Priority only
   * rises; reasons merge without duplicates; newer answers overwrite older ones and the
   * place is kept when the new summary has none. A closed case is reopened to the queue.
   * Idempotent: the same escalation delivered twice changes nothing the second time.
   */
  upsert(input: EscalationInput): Promise<UpsertResult>;
  get(id: string): Promise<Case | undefined>;
  /** Take a queued case. Claiming a case one already holds succeeds and changes nothing. */
  claim(id: string, operator: Actor, now: number): Promise<CaseResult<ClaimError>>;
  /** Hand a claimed case back to the queue. Only its holder, `system` or a supervisor may. */
  release(
    id: string,
    by: Actor,
    now: number,
    reason: string,
    opts?: ReleaseOptions,
  ): Promise<CaseResult<ReleaseError>>;
  /** Close a case. A claimed case only by its holder, `system` or a supervisor. */
  close(
    id: string,
    by: Actor,
    outcome: Outcome,
    now: number,
    opts?: ActorOptions,
  ): Promise<CaseResult<CloseError>>;
  /** Give a claimed case to another operator (by its holder, `system` or a supervisor). */
  reassign(
    id: string,
    by: Actor,
    to: Actor,
    now: number,
    opts?: ActorOptions,
  ): Promise<CaseResult<ReassignError>>;
  addNote(id: string, by: Actor, text: string, now: number): Promise<CaseResult<OpenError>>;
  /** An operator wrote to the person: sets `firstReplyAt` once, `lastOperatorReplyAt` always. */
  recordOperatorReply(id: string, operator: Actor, now: number): Promise<CaseResult<OpenError>>;
  /**
   * Operators confirmed that the person came back from another account (audited, by `by`:
   * the confirming operator; `person` by default).
   */
  reattach(
    id: string,
    conversation: string,
    channel: Channel,
    now: number,
    by?: Actor,
  ): Promise<CaseResult<OpenError>>;
  /** The case code was typed from another account: wait for operators (audited). */
  requestReattach(id: string, pending: PendingReattach): Promise<CaseResult<OpenError>>;
  /** Operators refused the request from another account (audited). */
  refuseReattach(
    id: string,
    by: Actor,
    now: number,
  ): Promise<CaseResult<OpenError | "not_pending">>;
  /** The person left quickly (quick exit): operators may not write until they write (audited). */
  markLeftQuickly(id: string, now: number): Promise<CaseResult<OpenError>>;
  /** The person wrote (not audited: it is not an action on the case). */
  recordPersonMessage(id: string, now: number): Promise<CaseResult<OpenError>>;
  /** The operator-group thread that shows this case. */
  setTopic(id: string, threadId: number): Promise<CaseResult<"not_found">>;
  /** The case shown in an operator-group thread. */
  byTopic(threadId: number): Promise<Case | undefined>;
  /** Append to the audit log (allowed on closed cases: the log is append-only history). */
  audit(
    id: string,
    by: Actor,
    action: string,
    now: number,
    detail?: string,
  ): Promise<CaseResult<"not_found">>;
  /**
   * An overdue queued case was announced again: count it (louder next time) and audit it
   * as `system`.
   */
  recordAnnouncement(
    id: string,
    now: number,
    opts?: ConditionOptions,
  ): Promise<CaseResult<AnnounceError>>;
  /** Queued and claimed cases, most urgent first, then oldest first. */
  open(limit: number): Promise<Case[]>;
  /** Queued cases only, in the same order: what "next case" takes from. */
  queued(limit: number): Promise<Case[]>;
  /** The cases an operator holds, in queue order. */
  byOperator(operator: Actor): Promise<Case[]>;
  /** Today's numbers (`timeZone` decides what "today" is). */
  stats(now: number, timeZone?: string): Promise<CaseStats>;
  /**
   * The person asked to be forgotten: keep an anonymised, closed stub (id, channel, kind,
   * priority, reasons, timestamps, status, audit actions) and drop everything personal.
   */
  erase(id: string, now: number): Promise<CaseResult<"not_found">>;
  /**
   * Delete up to `limit` cases closed before `cutoff` (only of `kind`, when given); returns
   * how many (the retention job: help cases and family reports are kept for different times).
   * `onPurged` hears each deleted case's id, so what is kept about it elsewhere (reunite's
   * matches and hashes) goes with it.
   */
  purgeClosedBefore(
    cutoff: number,
    limit: number,
    kind?: CaseKind,
    onPurged?: (id: string) => Promise<void>,
  ): Promise<number>;
  /** Be told of every damaged case a listing skipped (stores that can hold one). */
  onDamaged?(listener: (damaged: DamagedCase) => void): void;
}

/** Why each action can be refused. */
export type ClaimError = "not_found" | "closed" | "already_claimed";
export type ReleaseError =
  | "not_found"
  | "closed"
  | "not_claimed"
  | "not_holder"
  | "condition_failed";
export type CloseError = "not_found" | "closed" | "not_holder";
export type ReassignError = "not_found" | "closed" | "not_claimed" | "not_holder";
export type OpenError = "not_found" | "closed";
export type AnnounceError = "not_found" | "closed" | "not_queued" | "condition_failed";

/** Where "today" is for the stats unless told otherwise: the helpline's home time. */
export const DEFAULT_STATS_TIME_ZONE = "Asia/Jakarta";
