/**
 * The case intake: where what the engine decided about a person reaches the operators.
 * The runtime hands it effects (it is the runtime's CasePort): an escalation or a family's
 * report becomes a case (created, raised or reopened) with its SLA timer and its place on
 * the board; what the person writes while waiting or talking to a human is shown with the
 * case (durably: while the group cannot be written to, it stays in the outbox); an erase
 * anonymises the case. It also shows a message to the person that did not
 * go out. It needs nothing of the runtime, so the runtime can be built on it.
 */
import type { Case } from "../cases/model.js";
import { type Channel, channelSchema } from "../cases/model.js";
import type { CaseStore, EscalationInput, UpsertChange } from "../cases/store.js";
import type { Effect, Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { ReportStatus } from "../reunite/service.js";
import type { CasePort, DeliveryFailure } from "../runtime/effects.js";
import type { ConversationKey } from "../runtime/ports.js";
import { errorSummary, keyKind } from "../runtime/runtime.js";
import { type BoardEvent, bestEffort, type OperatorBoard, type SlaHook } from "./desk.js";

/** What the intake asks of reunite (src/reunite/service.ts): matching, consent, news. */
export interface ReuniteHook {
  caseChanged(c: Case): Promise<number>;
  forget(caseId: string): Promise<void>;
  consentAnswered(caseId: string, yes: boolean): Promise<void>;
  reportStatus(caseId: string): Promise<ReportStatus | undefined>;
}

export interface CaseIntakeDeps {
  store: CaseStore;
  /** Matching families' reports with people's cases (absent: no matching). */
  reunite?: ReuniteHook;
  sla: SlaHook;
  board: OperatorBoard;
  /** The case a conversation is about now (its session's), for failed deliveries. */
  caseOf: (key: ConversationKey) => Promise<string | undefined>;
  log: Logger;
  now?: () => number;
}

/**
 * The store input of an `escalate` or `report` effect. Reports are families' missing-relative
 * reports (kind `family`); both carry the priority and reasons the flow's triage gave them.
 */
export function escalationInput(
  key: ConversationKey,
  effect: Extract<Effect, { type: "escalate" | "report" }>,
  channel: Channel,
  now: number,
): EscalationInput {
  const base = {
    caseRef: effect.caseRef,
    conversation: key,
    channel,
    summary: effect.summary,
    lang: effect.summary.lang,
    now,
  };
  const kind = effect.type === "escalate" ? "help" : "family";
  return { ...base, kind, priority: effect.priority, reasons: effect.reasons };
}

/** What the engine hears when the case it spoke to no longer exists. */
function gone(caseRef: string): Inbound {
  return { kind: "system", event: "case_gone", caseRef };
}

/** Whether the case knows where the person is on a map. */
function hasPin(c: Case | undefined): boolean {
  return c?.summary.place?.lat !== undefined && c.summary.place.lon !== undefined;
}

/** See the file comment. */
export class CaseIntake implements CasePort {
  readonly #d: CaseIntakeDeps;
  readonly #now: () => number;

  constructor(deps: CaseIntakeDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Create or update the person's case, arm its timer, and show it to operators. */
  async escalate(
    key: ConversationKey,
    effect: Extract<Effect, { type: "escalate" | "report" }>,
  ): Promise<Inbound | undefined> {
    const channel = channelSchema.safeParse(keyKind(key));
    if (!channel.success) {
      this.#d.log.error(
        { channel: keyKind(key), case: effect.caseRef },
        "case from unknown channel",
      );
      return undefined;
    }
    const input = escalationInput(key, effect, channel.data, this.#now());
    const { case: c, change, before } = await this.#d.store.upsert(input);
    // Erased (perhaps by whoever holds the person's old phone): nothing comes back to it,
    // and the engine opens a new case, so what needs operators still reaches them.
    if (change === "erased") return gone(c.id);
    this.#d.log.info({ case: c.id, priority: c.priority, change, type: effect.type }, "case");
    // The timer and the board do not wait on each other: a case is shown even when its
    // timer could not be armed now (the effect is retried; the start-up resync heals it).
    await Promise.all([this.#d.sla.onCaseChanged(c), this.#showChange(c, change, before)]);
    await this.#match(c);
    return undefined;
  }

  /**
   * Compare the case with the open reports and cases (best effort: a failure to match is
   * logged and never holds up the case; its next change tries again).
   */
  async #match(c: Case): Promise<void> {
    const reunite = this.#d.reunite;
    if (!reunite) return;
    try {
      await reunite.caseChanged(c);
    } catch (err) {
      this.#d.log.warn({ case: c.id, err: errorSummary(err) }, "reunite: case not matched");
    }
  }

  /** The person answered whether their family may be told (from their own conversation only). */
  async consent(key: ConversationKey, effect: Extract<Effect, { type: "consent" }>): Promise<void> {
    const c = await this.#d.store.get(effect.caseRef);
    if (c?.conversation !== key) return;
    await this.#d.reunite?.consentAnswered(c.id, effect.yes);
  }

  /** A family asked for news: their report's status, from their own conversation only. */
  async news(key: ConversationKey, effect: Extract<Effect, { type: "news" }>): Promise<Inbound> {
    const c = await this.#d.store.get(effect.caseRef);
    const status = c?.conversation === key ? await this.#d.reunite?.reportStatus(c.id) : undefined;
    return { kind: "system", event: "report_status", ...(status ? { status } : {}) };
  }

  async #showChange(c: Case, change: UpsertChange, before: Case | undefined): Promise<void> {
    if (change === "created" || change === "reopened") {
      return bestEffort(this.#d.log, "show", () => this.#d.board.show(c, change));
    }
    const located = hasPin(c) && !hasPin(before);
    const event: BoardEvent =
      change === "raised" && before
        ? { kind: "raised", from: before.priority, located }
        : { kind: "updated", located };
    return bestEffort(this.#d.log, "update", () => this.#d.board.update(c, event));
  }

  /**
   * The person wrote while waiting for or talking to an operator: show it in the case. A
   * case that is gone opens a new one (through the engine); a case that moved to the
   * person's new account hears nothing more from this one.
   */
  async relay(
    key: ConversationKey,
    effect: Extract<Effect, { type: "relay" }>,
  ): Promise<Inbound | undefined> {
    const current = await this.#d.store.get(effect.caseRef);
    if (!current || current.erased) {
      this.#d.log.warn({ case: effect.caseRef }, "message for a case that is gone; new case");
      return gone(effect.caseRef);
    }
    if (current.conversation !== key) {
      this.#d.log.warn({ case: current.id }, "message from an account the case left; dropped");
      return { kind: "system", event: "unlinked", caseRef: current.id };
    }
    const r = await this.#d.store.recordPersonMessage(effect.caseRef, this.#now());
    const c = r.case ?? current;
    try {
      await this.#d.board.personMessage(c, effect.inbound, !r.ok);
    } catch (err) {
      // Not best effort: what the person wrote stays in the outbox and is shown once the
      // group can be written to again (recovery retries it, in order).
      this.#d.log.warn(
        { case: c.id, err: errorSummary(err) },
        "message not shown to operators; kept",
      );
      throw err;
    }
    return undefined;
  }

  /**
   * The person asked to be forgotten: anonymise the case, stop its timer, drop its topic.
   * Only from the account that holds the case: an old phone the case moved away from
   * cannot erase it.
   */
  async erase(key: ConversationKey, effect: Extract<Effect, { type: "erase" }>): Promise<void> {
    if (!effect.caseRef) return;
    const c = await this.#d.store.get(effect.caseRef);
    if (c?.conversation !== undefined && c.conversation !== key) {
      this.#d.log.warn({ case: c.id }, "erase from an account the case left; case kept");
      return;
    }
    const r = await this.#d.store.erase(effect.caseRef, this.#now());
    if (!r.ok) return;
    // An erased case leaves no match and no hash behind.
    await this.#d.reunite?.forget(r.case.id);
    await this.#d.sla.onCaseChanged(r.case);
    await bestEffort(this.#d.log, "remove", () => this.#d.board.remove(r.case));
  }

  /**
   * The person left quickly (quick exit) with their case open: the case's topic says not
   * to write until they write again, and the desk refuses operators' words until then.
   */
  async leftQuickly(
    key: ConversationKey,
    effect: Extract<Effect, { type: "wipe" }>,
  ): Promise<void> {
    if (!effect.caseRef) return;
    const c = await this.#d.store.get(effect.caseRef);
    if (!c || c.conversation !== key) return;
    const r = await this.#d.store.markLeftQuickly(effect.caseRef, this.#now());
    if (!r.ok) return;
    await bestEffort(this.#d.log, "update", () =>
      this.#d.board.update(r.case, { kind: "left_quickly" }),
    );
  }

  /** Someone typed the case code (and word) from another account: operators must confirm. */
  async reattachRequested(c: Case): Promise<void> {
    const pending = c.pendingReattach;
    if (!pending) return;
    await bestEffort(this.#d.log, "update", () =>
      this.#d.board.update(c, {
        kind: "reattach_requested",
        channel: pending.channel,
        word: pending.word,
      }),
    );
  }

  /**
   * A message to the person did not go out (their platform refused it, or we may not write
   * now): if a human holds their case, the topic says so (code and title, never content).
   */
  async undelivered(failure: DeliveryFailure): Promise<void> {
    const ref = await this.#d.caseOf(failure.conversation);
    const c = ref ? await this.#d.store.get(ref) : undefined;
    if (c?.status !== "claimed") return;
    const event: BoardEvent = {
      kind: "delivery_failed",
      ...(failure.code !== undefined ? { code: failure.code } : {}),
      ...(failure.title !== undefined ? { title: failure.title } : {}),
      ...(failure.why !== undefined ? { why: failure.why } : {}),
    };
    await bestEffort(this.#d.log, "update", () => this.#d.board.update(c, event));
  }
}
