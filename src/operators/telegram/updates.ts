/**
 * What operators do in the Telegram group, turned into desk actions: button taps on case
 * cards, messages in a case's topic (relayed to the person), and commands (/queue, /mine,
 * /case, /note, /stats). Every tap is answered, every refusal explained in a sentence, in
 * the thread it came from. Nothing here decides who may do what: the desk does.
 *
 * An operator's words reach the person through the engine and the outbox, saved under the
 * update's id (`op:<update id>`), so a redelivered update reaches them once; the 👍 comes
 * when the message went out. A failure of the store or of Telegram while handling an update
 * is logged and answered ("try again") rather than thrown.
 */
import type { Api } from "grammy";
import type { CallbackQuery, Message, Update } from "grammy/types";
import type { Case } from "../../cases/model.js";
import { MEDIA_KINDS } from "../../channels/telegram/inbound.js";
import { escapeHtml } from "../../channels/telegram/render.js";
import type { OperatorUpdates } from "../../channels/telegram/updates.js";
import type { Logger } from "../../log.js";
import type { Reunite } from "../../reunite/service.js";
import { errorSummary } from "../../runtime/runtime.js";
import type { CaseOutcome, OperatorDesk } from "../desk.js";
import type { TelegramOperatorBoard } from "./board.js";
import { decodeTap, type OperatorTap } from "./callback.js";
import { decodeMatchTap, type MatchTap } from "./match-board.js";

export interface TelegramOperatorUpdatesDeps {
  api: Api;
  desk: OperatorDesk;
  board: TelegramOperatorBoard;
  log: Logger;
  now?: () => number;
  /**
   * The name stored data gives the Telegram user `userId` (`OperatorIds.actor`: a keyed
   * hash, never the id itself). Default: the id as it is (tests).
   */
  actorOf?: (userId: number) => string;
  /** Whether a stored name is on the allow-lists (`OperatorIds.isListed`). */
  isListed?: (actor: string) => boolean;
  /** Reunite's decisions on matches (absent: match buttons are old buttons). */
  reunite?: Pick<Reunite, "decide" | "askConsent" | "tellFamily">;
}

/** Telegram's limit for a callback answer's text. */
const MAX_ANSWER = 200;
/** What a message can carry besides text (an operator's photo is not relayed). */
const MEDIA_FIELDS = [...MEDIA_KINDS, "location", "contact"] as const;

/** A command in the group: its name (without `@bot`) and the rest of the text. */
interface Command {
  name: string;
  rest: string;
}

/** The thread a message was written in; undefined for General. */
function threadOf(m: Message): number | undefined {
  return m.is_topic_message ? m.message_thread_id : undefined;
}

function commandOf(m: Message): Command | undefined {
  const e = m.entities?.find((x) => x.type === "bot_command" && x.offset === 0);
  if (!e || m.text === undefined) return undefined;
  const name = m.text.slice(1, e.length).split("@")[0]?.toLowerCase() ?? "";
  return { name, rest: m.text.slice(e.length).trim() };
}

/**
 * `7qx9m-2pakd` -> `7QX9M-2PAKD`: case ids are read aloud and typed by hand. A word
 * without a digit or a dash is taken for the start of a note, not an id.
 */
function caseIdOf(word: string | undefined): string | undefined {
  return word && /^(?=.*[-\d])[0-9A-Za-z-]{3,40}$/.test(word) ? word.toUpperCase() : undefined;
}

/** See the file comment. */
export class TelegramOperatorUpdates implements OperatorUpdates {
  readonly #d: TelegramOperatorUpdatesDeps;
  readonly #now: () => number;

  constructor(deps: TelegramOperatorUpdatesDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  async handle(update: Update): Promise<void> {
    const dedupeId = `op:${update.update_id}`;
    if (update.callback_query) return this.#tap(update.callback_query, dedupeId);
    const message = update.message;
    if (message) return this.#safely(threadOf(message), () => this.#message(message, dedupeId));
    const edited = update.edited_message;
    if (edited) return this.#safely(threadOf(edited), () => this.#edited(edited));
  }

  /** Edits are not relayed (the person already has the first version): say so. */
  async #edited(m: Message): Promise<void> {
    if (!m.from || m.from.is_bot || !this.#isOperatorContent(m)) return;
    if (!this.#d.desk.authorise(this.#actor(m.from.id), "edit")) return;
    await this.#say(threadOf(m), this.#view.t("reply.edited"));
  }

  #actor(userId: number): string {
    const actor = this.#d.actorOf ? this.#d.actorOf(userId) : String(userId);
    if (this.#d.isListed && !this.#d.isListed(actor)) {
      // The only place the id itself is said: so a coordinator can add someone who should act.
      this.#d.log.info(
        { user: String(userId) },
        "someone not on the operators' allow-lists acted in the group (add them to OPERATOR_IDS if they should)",
      );
    }
    return actor;
  }

  get #view() {
    return this.#d.board.view;
  }

  // ---- Buttons ---------------------------------------------------------------------------

  async #tap(q: CallbackQuery, dedupeId: string): Promise<void> {
    let answer: string;
    try {
      answer = await this.#runTap(q, dedupeId);
    } catch (err) {
      this.#d.log.error({ err: errorSummary(err) }, "operator tap failed");
      answer = this.#view.t("error.broken");
    }
    await this.#d.api
      .answerCallbackQuery(q.id, { text: answer.slice(0, MAX_ANSWER) })
      .catch((err: unknown) => this.#d.log.debug({ err: errorSummary(err) }, "tap not answered"));
  }

  /** Do what the tap asks; returns the short answer the operator sees. */
  async #runTap(q: CallbackQuery, dedupeId: string): Promise<string> {
    const tap = decodeTap(q.data);
    const user = this.#actor(q.from.id);
    const matchTap = this.#d.reunite ? decodeMatchTap(q.data) : undefined;
    if (matchTap) return this.#matchTap(q, user, matchTap);
    if (!tap) {
      this.#d.desk.authorise(user, "tap");
      return this.#view.t("error.old_button");
    }
    const { desk } = this.#d;
    switch (tap.action) {
      case "claim": {
        const r = await desk.claim(user, tap.caseId);
        return r.ok && !r.changed ? this.#view.t("done.already_yours") : this.#said(r, "claimed");
      }
      case "release":
        return this.#said(await desk.release(user, tap.caseId), "released");
      case "steps":
        return this.#said(await desk.sendSteps(user, tap.caseId, dedupeId), "steps");
      case "handback":
        return this.#said(await desk.handBack(user, tap.caseId), "handed_back");
      case "relink":
        return this.#relinkTap(q, await desk.confirmReattach(user, tap.caseId), "relinked");
      case "norelink":
        return this.#relinkTap(q, await desk.refuseReattach(user, tap.caseId), "relink_refused");
      case "close":
      case "cancel":
        return this.#closeTap(q, user, tap);
    }
  }

  /** "Close" shows the outcomes; an outcome closes; "Back" restores the card's buttons. */
  async #closeTap(q: CallbackQuery, user: string, tap: OperatorTap): Promise<string> {
    const { desk, board } = this.#d;
    if (tap.action === "close" && tap.outcome)
      return this.#said(await desk.close(user, tap.caseId, tap.outcome), "closed");
    const r = await desk.mayClose(user, tap.caseId);
    const messageId = q.message?.message_id;
    if (!r.ok) {
      // A closed case's card should lose its buttons, whoever tapped.
      if (r.error === "closed" && r.case && messageId)
        await board.setKeyboard(messageId, undefined);
      return this.#view.refusal(r.error, r.case);
    }
    if (messageId === undefined) return this.#view.t("error.old_button");
    if (tap.action === "cancel") {
      await board.setKeyboard(messageId, this.#view.keyboard(r.case));
      return this.#view.t("done.ok");
    }
    await board.setKeyboard(messageId, this.#view.outcomeKeyboard(r.case));
    return this.#view.t("done.choose_outcome");
  }

  /** A request from another account settled (or already settled): its buttons go. */
  async #relinkTap(q: CallbackQuery, r: CaseOutcome, done: string): Promise<string> {
    const messageId = q.message?.message_id;
    const settled = r.ok || r.error === "not_pending" || r.error === "closed";
    if (settled && messageId !== undefined)
      await this.#d.board.setKeyboard(messageId, undefined).catch(() => undefined);
    return this.#said(r, done);
  }

  /** Link, dismiss, ask the person, tell the family; a settled match's buttons go. */
  async #matchTap(q: CallbackQuery, user: string, tap: MatchTap): Promise<string> {
    const reunite = this.#d.reunite as NonNullable<TelegramOperatorUpdatesDeps["reunite"]>;
    const { caseId, other } = tap;
    const r =
      tap.action === "link" || tap.action === "dismiss"
        ? await reunite.decide(user, caseId, other, tap.action === "link" ? "linked" : "dismissed")
        : tap.action === "ask"
          ? await reunite.askConsent(user, caseId, other)
          : await reunite.tellFamily(user, caseId, other);
    if (!r.ok) return this.#view.t(`match.error.${r.error}`);
    const messageId = q.message?.message_id;
    if (messageId !== undefined)
      await this.#d.board.setKeyboard(messageId, undefined).catch(() => undefined);
    return this.#view.t(`match.done.${tap.action}`);
  }

  #said(r: CaseOutcome, done: string): string {
    return r.ok ? this.#view.t(`done.${done}`) : this.#view.refusal(r.error, r.case);
  }

  // ---- Messages --------------------------------------------------------------------------

  async #message(m: Message, dedupeId: string): Promise<void> {
    if (!m.from || m.from.is_bot || !this.#isOperatorContent(m)) return;
    const user = this.#actor(m.from.id);
    const thread = threadOf(m);
    const command = commandOf(m);
    if (command) return this.#command(user, thread, command);
    if (thread === undefined) {
      if (this.#d.desk.authorise(user, "message"))
        await this.#say(undefined, this.#view.t("reply.outside_topic"));
      return;
    }
    const c = await this.#d.board.caseOf(thread);
    if (!c) {
      if (this.#d.desk.authorise(user, "message"))
        await this.#say(thread, this.#view.t("reply.not_a_case"));
      return;
    }
    if (m.text === undefined) {
      if (this.#d.desk.authorise(user, "message"))
        await this.#say(thread, this.#view.t("reply.only_text"));
      return;
    }
    const r = await this.#d.desk.message(user, c.id, m.text, dedupeId);
    if (!r.ok) return this.#refuse(thread, r.error, r.case);
    // Saved: it goes out in its turn. The 👍 says it reached the person; a refusal at the
    // platform is shown in the topic by the delivery itself.
    void r.delivered?.then((d) =>
      d === "done" ? this.#d.board.acknowledge(m.message_id) : undefined,
    );
  }

  /** Text or media someone wrote (not a service message: topic created, member joined...). */
  #isOperatorContent(m: Message): boolean {
    return m.text !== undefined || MEDIA_FIELDS.some((f) => m[f] !== undefined);
  }

  // ---- Commands --------------------------------------------------------------------------

  async #command(user: string, thread: number | undefined, cmd: Command): Promise<void> {
    const { desk } = this.#d;
    const now = this.#now();
    switch (cmd.name) {
      case "queue":
      case "mine": {
        const r = cmd.name === "queue" ? await desk.queue(user) : await desk.mine(user);
        return this.#answer(thread, r.ok ? this.#view.list(cmd.name, r.cases, now) : undefined, r);
      }
      case "stats": {
        const r = await desk.stats(user);
        return this.#answer(thread, r.ok ? this.#view.stats(r.stats) : undefined, r);
      }
      case "case": {
        const id = caseIdOf(cmd.rest.split(/\s+/)[0]) ?? (await this.#topicCase(thread))?.id;
        if (!id) return this.#usage(user, thread, "reply.case_usage");
        const r = await desk.view(user, id);
        return this.#answer(thread, r.ok ? this.#view.details(r.case, now) : undefined, r);
      }
      case "note":
        return this.#note(user, thread, cmd.rest);
      default:
        return this.#usage(user, thread, "reply.usage");
    }
  }

  /** `/note ID text`, or `/note text` inside a case's topic. */
  async #note(user: string, thread: number | undefined, rest: string): Promise<void> {
    const first = rest.split(/\s+/)[0] ?? "";
    const named = caseIdOf(first);
    const topic = await this.#topicCase(thread);
    // Inside a topic, a first word that is not this case's id is part of the note.
    const byId = named !== undefined && (!topic || named === topic.id);
    const id = byId ? named : topic?.id;
    const text = byId ? rest.slice(first.length).trim() : rest;
    if (!id || text === "") return this.#usage(user, thread, "reply.note_usage");
    const r = await this.#d.desk.note(user, id, text);
    return this.#answer(thread, r.ok ? this.#view.t("done.noted") : undefined, r, true);
  }

  async #topicCase(thread: number | undefined): Promise<Case | undefined> {
    return thread === undefined ? undefined : this.#d.board.caseOf(thread);
  }

  async #usage(user: string, thread: number | undefined, key: string): Promise<void> {
    // A stranger is refused in the log only (authorise wrote it), never in the group.
    if (this.#d.desk.authorise(user, "command")) await this.#say(thread, this.#view.t(key));
  }

  /**
   * A refusal as a sentence in the thread; not for strangers, whose attempts are only
   * logged: answering them would spend the group's message budget that cases need.
   */
  async #refuse(thread: number | undefined, error: string, c?: Case): Promise<void> {
    if (error === "not_allowed") return;
    await this.#say(thread, this.#view.refusal(error, c));
  }

  /** The result as HTML (`ok`), or the refusal as a sentence. */
  async #answer(
    thread: number | undefined,
    html: string | undefined,
    r: { ok: true } | { ok: false; error: string; case?: Case },
    plain = false,
  ): Promise<void> {
    if (!r.ok) return this.#refuse(thread, r.error, r.case);
    if (html === undefined) return;
    return plain ? this.#say(thread, html) : this.#d.board.reply(thread, html);
  }

  /** A plain sentence in the thread (escaped for HTML by the view's rules). */
  async #say(thread: number | undefined, text: string): Promise<void> {
    await this.#d.board.reply(thread, escapeHtml(text));
  }

  async #safely(thread: number | undefined, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.#d.log.error({ err: errorSummary(err) }, "operator message failed");
      await this.#say(thread, this.#view.t("error.broken")).catch(() => undefined);
    }
  }
}
