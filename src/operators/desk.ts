/**
 * The operator desk: where operators act on cases (escalations become cases in the
 * intake, `intake.ts`). Operator surfaces (the Telegram group today) hand it actions. It
 * checks who may act, changes the case through the store (atomic, audited), keeps the SLA
 * timers in step, tells the person's side through the PersonLink (the engine), and tells
 * the board what to show. It knows no platform.
 *
 * Caller mistakes (a stale button, a double claim, a stranger in the group) come back as
 * typed refusals, never as exceptions: an exception means the store itself failed.
 *
 * Decisions worth knowing:
 * - Releasing a case (by its holder or by the no-reply SLA) does not tell the engine: the
 *   person is still waiting for a human, their messages keep going to the case's topic, and
 *   whoever claims it next "joins".
 * - Handing back to the bot closes the case (outcome `other`, audited `handed_back`) and
 *   tells the engine `left`, so the bot asks its open question again. A released case would
 *   be re-announced as overdue while the bot is looking after the person; a closed one is
 *   reopened in the same topic if the person asks for a human again.
 * - What the board shows is best effort: a Telegram failure is logged and never undoes or
 *   blocks a case change (the SLA re-announcement and the next message heal a missing topic).
 */
import type { Case, Outcome } from "../cases/model.js";
import type { CaseError, CaseStats, CaseStore } from "../cases/store.js";
import type { Inbound, Priority } from "../engine/types.js";
import type { Logger } from "../log.js";
import { type Delivery, errorSummary } from "../runtime/runtime.js";
import type { WriteRefusal } from "../runtime/write-rule.js";
import { type AccessLists, type Role, roleOf } from "./access.js";
import type { OperatorEvent, PersonLink, Said } from "./person-link.js";

/** What happened to a case, for the board to show (a line in the topic, a fresh card). */
export type BoardEvent =
  /** A new escalation of the same person; `located`: their pin is known since this one. */
  | { kind: "updated"; located: boolean }
  | { kind: "raised"; from: Priority; located: boolean }
  | { kind: "claimed" | "released" | "steps" | "noted"; by: string }
  | { kind: "closed"; by: string; outcome: Outcome }
  | { kind: "handed_back"; by: string }
  /**
   * The case code (and the person's word, when they chose one) was typed from another
   * account: operators must confirm it is the person before the case moves there.
   */
  | { kind: "reattach_requested"; channel: string; word: boolean }
  /** An operator confirmed it: the case now talks to the person's new account. */
  | { kind: "reattached"; channel: string; by?: string }
  /** An operator refused the request from another account. */
  | { kind: "reattach_refused"; by: string }
  /** The person left quickly (quick exit): nobody writes until they write again. */
  | { kind: "left_quickly" }
  /**
   * A message to the person did not go out: refused by their platform (its code and title,
   * never content), or by the rule on when we may write (`why`).
   */
  | { kind: "delivery_failed"; code?: number; title?: string; why?: WriteRefusal };

/**
 * What an operator surface shows. Every method is idempotent and may fail (the platform is
 * down): the desk logs the failure and carries on.
 */
export interface OperatorBoard {
  /** A case was created or reopened: make sure it has a topic with a card. */
  show(c: Case, change: "created" | "reopened"): Promise<void>;
  /** The case changed: refresh its card, and say what happened when it matters. */
  update(c: Case, event?: BoardEvent): Promise<void>;
  /** The person wrote: show it with the case (`afterClose`: it came after the case closed). */
  personMessage(c: Case, inbound: Inbound, afterClose: boolean): Promise<void>;
  /** The person asked to be forgotten: remove what shows the case (its topic). */
  remove(c: Case): Promise<void>;
}

/** Why the desk refused: the store's reasons, and its own. */
export type DeskError =
  | CaseError
  /** The user is on neither allow-list. */
  | "not_allowed"
  /** Nothing to send or note. */
  | "empty"
  /** The person blocked the bot, or the platform refused to deliver. */
  | "unreachable"
  /** Sending to the person failed for another reason; the operator may try again. */
  | "failed"
  /** The person has not written for longer than we may write to them (the write rule). */
  | "window_closed"
  /** The window is closed; the platform's neutral invitation to reply went out instead. */
  | "template_sent"
  /** The person left quickly (quick exit) and has not written since. */
  | "left_quickly";

/** A refusal, with the case when it exists (so the surface can say who holds it). */
export interface Refusal {
  ok: false;
  error: DeskError;
  case?: Case;
}

/**
 * The result of an action on one case. `changed: false`: it was already so (a double tap).
 * `delivered`: for what goes to the person, settles once it went out (or was kept to retry).
 */
export type CaseOutcome =
  | { ok: true; case: Case; changed: boolean; delivered?: Promise<Delivery> }
  | Refusal;
/** The result of a listing. */
export type ListOutcome = { ok: true; cases: Case[] } | Refusal;
/** The result of `/stats`. */
export type StatsOutcome = { ok: true; stats: CaseStats } | Refusal;

/** The part of the SLA service the desk drives. */
export interface SlaHook {
  onCaseChanged(c: Case): Promise<void>;
}

export interface OperatorDeskDeps {
  store: CaseStore;
  sla: SlaHook;
  person: PersonLink;
  board: OperatorBoard;
  access: AccessLists;
  log: Logger;
  /** For `/stats`: what "today" is. */
  timeZone?: string;
  now?: () => number;
}

/** How many open cases `/queue` lists at most. */
export const QUEUE_LIMIT = 50;

/** A refusal, typed. */
function refuse(error: DeskError, c?: Case): Refusal {
  return c ? { ok: false, error, case: c } : { ok: false, error };
}

/** Whether the case's last audit entry is `action` by `by` at `now`: this call did it. */
function didNow(c: Case, action: string, by: string, now: number): boolean {
  const last = c.audit.at(-1);
  return last?.action === action && last.by === by && last.at === now;
}

/**
 * What the board shows is best effort: a Telegram failure is logged and never undoes or
 * blocks a case change (the SLA re-announcement and the next message heal a missing topic).
 */
export async function bestEffort(
  log: Logger,
  what: string,
  show: () => Promise<void>,
): Promise<void> {
  try {
    await show();
  } catch (err) {
    log.warn({ what, err: errorSummary(err) }, "operator board not updated");
  }
}

/** See the file comment. */
export class OperatorDesk {
  readonly #d: OperatorDeskDeps;
  readonly #now: () => number;

  constructor(deps: OperatorDeskDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  // ---- From operators ------------------------------------------------------------------

  /**
   * The role of `user`, or undefined (then the attempt is logged, with the user id only).
   * Surfaces call it before answering anything that is not a desk action.
   */
  authorise(user: string, action: string): Role | undefined {
    const role = roleOf(this.#d.access, user);
    if (!role) this.#d.log.warn({ user, action }, "not on the operators' allow-lists; refused");
    return role;
  }

  /** Take a queued case; the person is told a human joined. */
  async claim(user: string, id: string): Promise<CaseOutcome> {
    if (!this.authorise(user, "claim")) return refuse("not_allowed");
    const now = this.#now();
    const before = await this.#d.store.get(id);
    const r = await this.#d.store.claim(id, user, now);
    if (!r.ok) return r;
    // Claiming what one holds succeeds and changes nothing: a double tap says nothing twice.
    const repeat = before?.status === "claimed" && before.operator === user;
    const changed = !repeat && didNow(r.case, "claimed", user, now);
    if (changed) {
      await this.#d.sla.onCaseChanged(r.case);
      await this.#tellPerson(r.case, "joined");
      await this.#board("update", () =>
        this.#d.board.update(r.case, { kind: "claimed", by: user }),
      );
    }
    return { ok: true, case: r.case, changed };
  }

  /** Give a claimed case back to the queue (see the file comment: the person is not told). */
  async release(user: string, id: string): Promise<CaseOutcome> {
    const role = this.authorise(user, "release");
    if (!role) return refuse("not_allowed");
    const r = await this.#d.store.release(id, user, this.#now(), "released", {
      supervisor: role === "supervisor",
    });
    if (!r.ok) return r;
    await this.#d.sla.onCaseChanged(r.case);
    await this.#board("update", () => this.#d.board.update(r.case, { kind: "released", by: user }));
    return { ok: true, case: r.case, changed: true };
  }

  /**
   * Whether `user` may close the case now (before the surface offers the outcomes): open,
   * and either queued or held by them (or they supervise).
   */
  async mayClose(user: string, id: string): Promise<CaseOutcome> {
    const role = this.authorise(user, "close");
    if (!role) return refuse("not_allowed");
    const c = await this.#d.store.get(id);
    if (!c) return refuse("not_found");
    if (c.status === "closed") return refuse("closed", c);
    if (c.status === "claimed" && c.operator !== user && role !== "supervisor")
      return refuse("not_holder", c);
    return { ok: true, case: c, changed: false };
  }

  /** Close the case with its outcome; the person is told the conversation is closed. */
  async close(user: string, id: string, outcome: Outcome): Promise<CaseOutcome> {
    const role = this.authorise(user, "close");
    if (!role) return refuse("not_allowed");
    const r = await this.#d.store.close(id, user, outcome, this.#now(), {
      supervisor: role === "supervisor",
    });
    if (!r.ok) return r;
    await this.#d.sla.onCaseChanged(r.case);
    await this.#tellPerson(r.case, "closed");
    await this.#board("update", () =>
      this.#d.board.update(r.case, { kind: "closed", by: user, outcome }),
    );
    return { ok: true, case: r.case, changed: true };
  }

  /** The bot takes over again: the case closes (see the file comment) and the bot resumes. */
  async handBack(user: string, id: string): Promise<CaseOutcome> {
    const role = this.authorise(user, "hand_back");
    if (!role) return refuse("not_allowed");
    const now = this.#now();
    const closed = await this.#d.store.close(id, user, "other", now, {
      supervisor: role === "supervisor",
    });
    if (!closed.ok) return closed;
    const r = await this.#d.store.audit(id, user, "handed_back", now);
    const c = r.ok ? r.case : closed.case;
    await this.#d.sla.onCaseChanged(c);
    await this.#tellPerson(c, "left");
    await this.#board("update", () => this.#d.board.update(c, { kind: "handed_back", by: user }));
    return { ok: true, case: c, changed: true };
  }

  /**
   * The bot sends the person the embassy steps for where they are. `dedupeId`: the
   * operator's update, so a redelivered tap sends them once.
   */
  async sendSteps(user: string, id: string, dedupeId?: string): Promise<CaseOutcome> {
    const role = this.authorise(user, "steps");
    if (!role) return refuse("not_allowed");
    const held = await this.#held(user, role, id);
    if (!held.ok) return held;
    const said = await this.#d.person.event(held.case.conversation as string, "steps", dedupeId);
    if (said.status === "refused") return refuse(said.why, held.case);
    const r = await this.#d.store.audit(id, user, "steps_sent", this.#now());
    const c = r.ok ? r.case : held.case;
    await this.#board("update", () => this.#d.board.update(c, { kind: "steps", by: user }));
    return { ok: true, case: c, changed: true, delivered: said.delivered };
  }

  /**
   * An operator's words to the person: only from the holder of a claimed case, or a
   * supervisor. They go through the engine like any reply (see RuntimePersonLink); when we
   * may not write to the person now, nothing is saved and the operator is told why (after
   * the window, the platform's neutral invitation to reply goes out instead, where there is
   * one). Audited as `replied`, without the text; a refused attempt is audited too.
   * `dedupeId`: the operator's update, so a redelivered one reaches the person once.
   */
  async message(user: string, id: string, text: string, dedupeId?: string): Promise<CaseOutcome> {
    const role = this.authorise(user, "message");
    if (!role) return refuse("not_allowed");
    if (text.trim() === "") return refuse("empty");
    const held = await this.#held(user, role, id);
    if (!held.ok) return held;
    const said = await this.#d.person.say(held.case.conversation as string, text, dedupeId, user);
    if (said.status === "refused") return this.#notSaid(user, held.case, said.why);
    if (said.status === "duplicate")
      return { ok: true, case: held.case, changed: false, delivered: said.delivered };
    const r = await this.#d.store.recordOperatorReply(id, user, this.#now());
    if (!r.ok) return r;
    await this.#d.sla.onCaseChanged(r.case);
    return { ok: true, case: r.case, changed: true, delivered: said.delivered };
  }

  /** The words were refused: after the window, reach out where the platform can; audited. */
  async #notSaid(user: string, c: Case, why: Extract<Said, { status: "refused" }>["why"]) {
    if (why === "window_closed") return refuse(await this.#reachOut(user, c), c);
    await this.#d.store.audit(c.id, user, "reply_failed", this.#now(), why);
    return refuse(why, c);
  }

  /**
   * The operator cannot write after the window; where the platform has an approved
   * re-engagement template (WhatsApp), it goes out instead, audited. Never the words.
   */
  async #reachOut(user: string, c: Case): Promise<DeskError> {
    const reach = this.#d.person.reachOut;
    if (!reach || !c.conversation) return "window_closed";
    const outcome = await reach.call(this.#d.person, c.conversation, c.priority);
    if (outcome === "template_sent")
      await this.#d.store.audit(c.id, user, "template_sent", this.#now());
    return outcome;
  }

  /** An operator's note on the case (kept with the case, never sent to the person). */
  async note(user: string, id: string, text: string): Promise<CaseOutcome> {
    if (!this.authorise(user, "note")) return refuse("not_allowed");
    if (text.trim() === "") return refuse("empty");
    const r = await this.#d.store.addNote(id, user, text.trim(), this.#now());
    if (!r.ok) return r;
    return { ok: true, case: r.case, changed: true };
  }

  /**
   * Confirm that the request from another account is the person (decision 0028): the case
   * moves there, the old account stops relaying at once (and is told nothing), and only
   * then does the new account hear it is connected, and receive operators' words.
   */
  async confirmReattach(user: string, id: string): Promise<CaseOutcome> {
    if (!this.authorise(user, "relink")) return refuse("not_allowed");
    const c = await this.#d.store.get(id);
    if (!c) return refuse("not_found");
    const pending = c.pendingReattach;
    if (c.status === "closed" || c.erased) return refuse("closed", c);
    if (!pending) return refuse("not_pending", c);
    const now = this.#now();
    const r = await this.#d.store.reattach(id, pending.conversation, pending.channel, now, user);
    if (!r.ok) return r;
    if (c.conversation && c.conversation !== pending.conversation)
      await this.#d.person.system(c.conversation, {
        kind: "system",
        event: "unlinked",
        caseRef: id,
      });
    await this.#d.person.system(pending.conversation, {
      kind: "system",
      event: "relinked",
      caseRef: id,
      claimed: r.case.status === "claimed",
    });
    await this.#d.sla.onCaseChanged(r.case);
    await this.#board("update", () =>
      this.#d.board.update(r.case, { kind: "reattached", channel: pending.channel, by: user }),
    );
    return { ok: true, case: r.case, changed: true };
  }

  /** Refuse the request from another account: it is told, in neutral words, and gets nothing. */
  async refuseReattach(user: string, id: string): Promise<CaseOutcome> {
    if (!this.authorise(user, "relink")) return refuse("not_allowed");
    const before = await this.#d.store.get(id);
    const r = await this.#d.store.refuseReattach(id, user, this.#now());
    if (!r.ok) return r;
    const asked = before?.pendingReattach?.conversation;
    if (asked) await this.#d.person.system(asked, { kind: "system", event: "relink_refused" });
    await this.#board("update", () =>
      this.#d.board.update(r.case, { kind: "reattach_refused", by: user }),
    );
    return { ok: true, case: r.case, changed: true };
  }

  /** Look at a case (audited: reading a person's case is an action too). */
  async view(user: string, id: string): Promise<CaseOutcome> {
    if (!this.authorise(user, "view")) return refuse("not_allowed");
    const r = await this.#d.store.audit(id, user, "viewed", this.#now());
    if (!r.ok) return refuse(r.error);
    return { ok: true, case: r.case, changed: false };
  }

  /** Open cases, most urgent first, then oldest. */
  async queue(user: string): Promise<ListOutcome> {
    if (!this.authorise(user, "queue")) return refuse("not_allowed");
    return { ok: true, cases: await this.#d.store.open(QUEUE_LIMIT) };
  }

  /** The cases `user` holds. */
  async mine(user: string): Promise<ListOutcome> {
    if (!this.authorise(user, "mine")) return refuse("not_allowed");
    return { ok: true, cases: await this.#d.store.byOperator(user) };
  }

  /** Today's numbers, in the helpline's time zone. */
  async stats(user: string): Promise<StatsOutcome> {
    if (!this.authorise(user, "stats")) return refuse("not_allowed");
    return { ok: true, stats: await this.#d.store.stats(this.#now(), this.#d.timeZone) };
  }

  // ---- Helpers -------------------------------------------------------------------------

  /**
   * The case, if it is claimed by `user` (or `user` supervises), still has a person, and
   * that person has not hidden the chat (quick exit) since they last wrote.
   */
  async #held(user: string, role: Role, id: string): Promise<CaseOutcome> {
    const c = await this.#d.store.get(id);
    if (!c) return refuse("not_found");
    if (c.status === "closed" || !c.conversation) return refuse("closed", c);
    if (c.status !== "claimed") return refuse("not_claimed", c);
    if (c.operator !== user && role !== "supervisor") return refuse("not_holder", c);
    if (c.leftQuicklyAt !== undefined) {
      await this.#d.store.audit(c.id, user, "reply_refused", this.#now(), "left_quickly");
      return refuse("left_quickly", c);
    }
    return { ok: true, case: c, changed: false };
  }

  async #tellPerson(c: Case, event: OperatorEvent): Promise<void> {
    if (c.conversation) await this.#d.person.event(c.conversation, event);
  }

  #board(what: string, show: () => Promise<void>): Promise<void> {
    return bestEffort(this.#d.log, what, show);
  }
}
