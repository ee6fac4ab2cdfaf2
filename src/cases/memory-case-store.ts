/**
 * The in-memory twin of the Redis case store: for the local demo and tests. Same contract,
 * same tests; nothing survives a restart. Cases are kept encoded through the codec and
 * validated on read, exactly as Redis keeps them. Every change runs synchronously between
 * a read and a write, so concurrent promises cannot interleave inside one (claims are
 * atomic here for the same reason a Lua script is atomic in Redis).
 */
import { type Codec, jsonCodec } from "../stores/codec.js";
import {
  type Actor,
  type Case,
  type CaseKind,
  type Channel,
  caseSchema,
  type Outcome,
  type PendingReattach,
} from "./model.js";
import { computeStats } from "./stats.js";
import {
  type ActorOptions,
  type CaseError,
  type CaseResult,
  type CaseStats,
  type CaseStore,
  type CaseStoreOptions,
  type ConditionOptions,
  DEFAULT_STATS_TIME_ZONE,
  type EscalationInput,
  type ReleaseOptions,
  type UpsertResult,
} from "./store.js";
import * as t from "./transitions.js";

/** The in-memory {@link CaseStore}: the same transitions as Redis, applied synchronously. */
export class MemoryCaseStore implements CaseStore {
  /** Case id -> encoded case. */
  readonly #cases = new Map<string, string>();
  /** Thread id -> case id. */
  readonly #topics = new Map<number, string>();
  readonly #codec: Codec;

  constructor(opts: CaseStoreOptions = {}) {
    this.#codec = opts.codec ?? jsonCodec;
  }

  async upsert(input: EscalationInput): Promise<UpsertResult> {
    const existing = this.#read(input.caseRef);
    if (!existing) {
      const created = t.createCase(input);
      this.#write(created);
      return { case: created, change: "created" };
    }
    const merged = t.mergeEscalation(existing, input);
    if (merged.changed) this.#write(merged.case);
    return { case: merged.case, change: merged.change, before: existing };
  }

  async get(id: string): Promise<Case | undefined> {
    return this.#read(id);
  }

  async claim(id: string, operator: Actor, now: number) {
    return this.#apply(id, (c) => t.claim(c, operator, now));
  }

  async release(id: string, by: Actor, now: number, reason: string, opts?: ReleaseOptions) {
    return this.#apply(id, (c) => t.release(c, by, now, reason, opts));
  }

  async close(id: string, by: Actor, outcome: Outcome, now: number, opts?: ActorOptions) {
    return this.#apply(id, (c) => t.close(c, by, outcome, now, opts));
  }

  async reassign(id: string, by: Actor, to: Actor, now: number, opts?: ActorOptions) {
    return this.#apply(id, (c) => t.reassign(c, by, to, now, opts));
  }

  async addNote(id: string, by: Actor, text: string, now: number) {
    return this.#apply(id, (c) => t.addNote(c, by, text, now));
  }

  async recordOperatorReply(id: string, operator: Actor, now: number) {
    return this.#apply(id, (c) => t.recordOperatorReply(c, operator, now));
  }

  async reattach(id: string, conversation: string, channel: Channel, now: number, by?: Actor) {
    return this.#apply(id, (c) => t.reattach(c, conversation, channel, now, by));
  }

  async requestReattach(id: string, pending: PendingReattach) {
    return this.#apply(id, (c) => t.requestReattach(c, pending));
  }

  async refuseReattach(id: string, by: Actor, now: number) {
    return this.#apply(id, (c) => t.refuseReattach(c, by, now));
  }

  async markLeftQuickly(id: string, now: number) {
    return this.#apply(id, (c) => t.markLeftQuickly(c, now));
  }

  async recordPersonMessage(id: string, now: number) {
    return this.#apply(id, (c) => t.recordPersonMessage(c, now));
  }

  async setTopic(id: string, threadId: number) {
    const result = this.#apply(id, (c) => t.setTopic(c, threadId));
    if (result.ok) this.#topics.set(threadId, id);
    return result;
  }

  async byTopic(threadId: number): Promise<Case | undefined> {
    const id = this.#topics.get(threadId);
    const c = id === undefined ? undefined : this.#read(id);
    return c?.topic === threadId ? c : undefined;
  }

  async audit(id: string, by: Actor, action: string, now: number, detail?: string) {
    return this.#apply(id, (c) => t.appendAudit(c, by, action, now, detail));
  }

  async recordAnnouncement(id: string, now: number, opts?: ConditionOptions) {
    return this.#apply(id, (c) => t.recordAnnouncement(c, now, opts));
  }

  async open(limit: number): Promise<Case[]> {
    return this.#all()
      .filter((c) => t.isOpen(c.status))
      .sort(t.byQueueOrder)
      .slice(0, Math.max(0, limit));
  }

  async queued(limit: number): Promise<Case[]> {
    return this.#all()
      .filter((c) => c.status === "queued")
      .sort(t.byQueueOrder)
      .slice(0, Math.max(0, limit));
  }

  async byOperator(operator: Actor): Promise<Case[]> {
    return this.#all()
      .filter((c) => c.status === "claimed" && c.operator === operator)
      .sort(t.byQueueOrder);
  }

  async stats(now: number, timeZone = DEFAULT_STATS_TIME_ZONE): Promise<CaseStats> {
    return computeStats(this.#all(), now, timeZone);
  }

  async erase(id: string, now: number) {
    return this.#apply(id, (c) => t.erase(c, now));
  }

  /** Oldest closures first, like the Redis store's index. */
  async purgeClosedBefore(
    cutoff: number,
    limit: number,
    kind?: CaseKind,
    onPurged?: (id: string) => Promise<void>,
  ): Promise<number> {
    const due = this.#all()
      .filter((c) => c.status === "closed" && c.closedAt !== undefined && c.closedAt < cutoff)
      .filter((c) => kind === undefined || c.kind === kind)
      .sort((a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0))
      .slice(0, Math.max(0, limit));
    for (const c of due) {
      this.#cases.delete(c.id);
      if (c.topic !== undefined && this.#topics.get(c.topic) === c.id) this.#topics.delete(c.topic);
    }
    for (const c of due) await onPurged?.(c.id);
    return due.length;
  }

  /** Read, transform and write back in one synchronous stretch. */
  #apply<E extends CaseError>(
    id: string,
    change: (c: Case) => t.Step<E>,
  ): CaseResult<E | "not_found"> {
    const c = this.#read(id);
    if (!c) return { ok: false, error: "not_found" };
    const step = change(c);
    if (!step.ok) return { ok: false, error: step.error, case: step.case };
    if (step.changed) this.#write(step.case);
    return { ok: true, case: step.case };
  }

  #read(id: string): Case | undefined {
    const text = this.#cases.get(id);
    return text === undefined ? undefined : caseSchema.parse(this.#codec.decode(text));
  }

  #write(c: Case): void {
    this.#cases.set(c.id, this.#codec.encode(c));
  }

  #all(): Case[] {
    return [...this.#cases.keys()].map((id) => this.#read(id) as Case);
  }
}
