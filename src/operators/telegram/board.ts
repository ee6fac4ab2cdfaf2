/**
 * The operators' Telegram supergroup as the desk's board and the SLA service's announcer:
 * one forum topic per case, whose first message is the case card with its buttons; what
 * the person writes appears in the topic (text as a line, photos and documents copied);
 * overdue and returned cases are announced in the General topic.
 *
 * - Every message into the group goes through the shared Pacer (20 a minute per group),
 *   by priority: cards and P1 first (group-queue.ts). Edits and topic management do not
 *   count towards that limit and go straight out.
 * - A topic deleted by hand is recreated: the send that found it gone ("message thread not
 *   found", TOPIC_ID_INVALID) opens a new topic, stores it on the case, posts the card
 *   again, and is retried there.
 * - The card's message id is kept in the case's audit log (`card`, `<thread>:<message>`,
 *   by `system`), so any process can refresh it and a card in a deleted topic is ignored.
 * - Work on one case is serialised in this process (a person's message must not race the
 *   topic its escalation is creating). Two processes may still, rarely, open two topics for
 *   one new case; the store keeps the last one.
 */
import { type Api, InputFile } from "grammy";
import type { InlineKeyboardMarkup, Message } from "grammy/types";
import { type Case, SYSTEM } from "../../cases/model.js";
import type { Announcer } from "../../cases/sla-service.js";
import type { CaseStore } from "../../cases/store.js";
import type { Pacer } from "../../channels/pacer.js";
import { isTelegramFailure } from "../../channels/telegram/errors.js";
import { chunks, MAX_TEXT } from "../../channels/telegram/render.js";
import type { Bundle, Inbound, Priority } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import { errorSummary } from "../../runtime/runtime.js";
import type { BoardEvent, OperatorBoard } from "../desk.js";
import { GroupQueue } from "./group-queue.js";
import { OperatorView, TOPIC_COLOR } from "./view.js";

/** Where the board works and for whom. */
export interface TelegramOperatorBoardDeps {
  api: Api;
  /** The shared pacer (the same instance the person channel uses). */
  pacer: Pacer;
  store: CaseStore;
  /** Flows and texts: answer labels and every word operators read. */
  bundle: Bundle;
  /** `config.operators.chatId`: the supergroup with topics. */
  chatId: number;
  /** `config.operators.language`. */
  language: string;
  /** `config.operators.supervisorIds`: mentioned by the loudest announcements. */
  supervisorIds: readonly string[];
  /** What operators read for an operator's stored name (`OperatorIds.label`). */
  operatorLabel?: (actor: string) => string;
  /** `config.timeZone`: times on cards. */
  timeZone: string;
  log: Logger;
  now?: () => number;
  /** Fetch a person's media from their channel (WhatsApp media ids), to upload as a file. */
  mediaFile?: (
    channel: string,
    origin: string,
    kind: string,
  ) => Promise<{ bytes: Uint8Array; mimeType: string; filename: string } | undefined>;
}

const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3 };
/** Events after which the topic's title may be out of date. */
const RETITLE = new Set<BoardEvent["kind"]>(["updated", "raised", "closed", "handed_back"]);
/** At most one announcement of unclaimed cases per priority in this time. */
export const ANNOUNCE_GAP_MS = 60_000;
/** How many queued cases an announcement looks at to count those waiting. */
const ANNOUNCE_SCAN = 1000;
/** The audit action that records where a case's card is. */
export const CARD_ACTION = "card";
/** Media kinds the person side reads that are worth copying into the topic. */
const COPYABLE = new Set([
  "photo",
  "document",
  "video",
  "voice",
  "audio",
  "animation",
  "video_note",
]);

/** Telegram says the topic is gone (deleted by hand). */
export function isTopicGone(err: unknown): boolean {
  return isTelegramFailure(err, "topic_gone");
}

function isNotModified(err: unknown): boolean {
  return isTelegramFailure(err, "not_modified");
}

function isMessageGone(err: unknown): boolean {
  return isTelegramFailure(err, "message_gone");
}

/** Where the card of `c` is, if it is in the case's current topic. */
export function cardMessageId(c: Case): number | undefined {
  if (c.topic === undefined) return undefined;
  for (let i = c.audit.length - 1; i >= 0; i--) {
    const a = c.audit[i];
    if (a?.action !== CARD_ACTION || !a.detail) continue;
    const [thread, message] = a.detail.split(":").map(Number);
    return thread === c.topic && Number.isInteger(message) ? message : undefined;
  }
  return undefined;
}

/** See the file comment. */
export class TelegramOperatorBoard implements OperatorBoard, Announcer {
  readonly view: OperatorView;
  readonly #d: TelegramOperatorBoardDeps;
  readonly #now: () => number;
  readonly #locks = new Map<string, Promise<void>>();

  constructor(deps: TelegramOperatorBoardDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.view = new OperatorView({
      texts: deps.bundle.texts,
      flows: deps.bundle.flows,
      lang: deps.language,
      chatId: deps.chatId,
      timeZone: deps.timeZone,
      supervisorIds: deps.supervisorIds,
      ...(deps.operatorLabel ? { operatorLabel: deps.operatorLabel } : {}),
    });
  }

  /** The operators' group. */
  get chatId(): number {
    return this.#d.chatId;
  }

  // ---- OperatorBoard ---------------------------------------------------------------------

  async show(c: Case, change: "created" | "reopened"): Promise<void> {
    await this.#locked(c.id, async () => {
      const fresh = (await this.#d.store.get(c.id)) ?? c;
      if (fresh.erased) return;
      if (fresh.topic === undefined) {
        await this.#openTopic(fresh);
        return;
      }
      if (change === "created") {
        await this.#refreshCard(fresh);
        return;
      }
      await this.#retitle(fresh);
      const { case: now } = await this.#inTopic(fresh, (thread) =>
        this.#post(fresh.priority, thread, this.view.reopenedLine()),
      );
      // A fresh card under the line, unless the topic had to be opened anew (it has one).
      if (now.topic === fresh.topic) await this.#postCard(now, now.topic as number);
    });
  }

  async update(c: Case, event?: BoardEvent): Promise<void> {
    await this.#locked(c.id, async () => {
      let fresh = (await this.#d.store.get(c.id)) ?? c;
      if (fresh.erased) return;
      fresh =
        fresh.topic === undefined ? await this.#openTopic(fresh) : await this.#refreshCard(fresh);
      const kind = event?.kind;
      // The title shows priority, area and whether it is closed: any of them may have changed.
      if (kind === undefined || RETITLE.has(kind)) await this.#retitle(fresh);
      const line = event ? this.view.eventLine(fresh, event) : undefined;
      // A request from another account carries the buttons to confirm or refuse it.
      const markup =
        event?.kind === "reattach_requested" ? this.view.relinkKeyboard(fresh) : undefined;
      if (line)
        fresh = (await this.#inTopic(fresh, (t) => this.#post(fresh.priority, t, line, markup)))
          .case;
      const shown = fresh;
      if ((event?.kind === "raised" || event?.kind === "updated") && event.located)
        await this.#inTopic(shown, (thread) => this.#pin(shown, thread));
    });
  }

  async personMessage(c: Case, inbound: Inbound, afterClose: boolean): Promise<void> {
    await this.#locked(c.id, async () => {
      const fresh = (await this.#d.store.get(c.id)) ?? c;
      if (fresh.erased) return;
      if (await this.#copied(fresh, inbound, afterClose)) return;
      let current = fresh;
      for (const part of this.view.personLines(inbound, afterClose)) {
        current = (await this.#inTopic(current, (t) => this.#post(fresh.priority, t, part))).case;
      }
      if (inbound.kind === "location") {
        await this.#inTopic(current, (thread) =>
          this.#send(fresh.priority, () =>
            this.#d.api.sendLocation(this.#d.chatId, inbound.lat, inbound.lon, {
              message_thread_id: thread,
            }),
          ),
        );
      }
    });
  }

  async remove(c: Case): Promise<void> {
    await this.#locked(c.id, async () => {
      if (c.topic === undefined) return;
      try {
        await this.#d.api.deleteForumTopic(this.#d.chatId, c.topic);
      } catch (err) {
        if (!isTopicGone(err)) throw err;
      }
    });
  }

  // ---- Announcer -------------------------------------------------------------------------

  /**
   * An unclaimed case waited too long: say so in General, louder with each level. At most
   * one announcement per priority per minute (in this process): when several cases of the
   * priority wait, one line sums them up ("5 P1 cases waiting, oldest 12 min"), and the
   * announcements of the others in that minute are folded into it.
   */
  async overdue(c: Case, level: number): Promise<void> {
    const now = this.#now();
    const last = this.#announced.get(c.priority);
    if (last !== undefined && now - last < ANNOUNCE_GAP_MS) return;
    this.#announced.set(c.priority, now);
    const withTopic = c.topic === undefined ? await this.#ensureTopic(c) : c;
    const waiting = (await this.#d.store.queued(ANNOUNCE_SCAN)).filter(
      (x) => x.priority === c.priority,
    );
    if (waiting.length <= 1) {
      await this.#post(c.priority, undefined, this.view.overdue(withTopic, level, now));
      return;
    }
    const oldest = waiting.reduce((a, b) => (b.queuedAt < a.queuedAt ? b : a));
    await this.#post(
      c.priority,
      undefined,
      this.view.overdueSummary(oldest, waiting.length, level, now),
    );
  }

  /** When each priority was last announced in General (this process). */
  readonly #announced = new Map<Priority, number>();

  /** A silent holder lost the case: say so in General and in the topic; refresh the card. */
  async returned(c: Case): Promise<void> {
    const now = this.#now();
    await this.#post(c.priority, undefined, this.view.returned(c, now));
    await this.#locked(c.id, async () => {
      const fresh = (await this.#d.store.get(c.id)) ?? c;
      if (fresh.erased) return;
      const shown =
        fresh.topic === undefined ? await this.#openTopic(fresh) : await this.#refreshCard(fresh);
      await this.#inTopic(shown, (t) => this.#post(c.priority, t, this.view.returnedLine(c, now)));
    });
  }

  // ---- For the operator surface ------------------------------------------------------------

  /** A line in the case's topic, with buttons when given (reunite's matches). */
  async line(c: Case, html: string, markup?: InlineKeyboardMarkup): Promise<void> {
    await this.#locked(c.id, async () => {
      const fresh = (await this.#d.store.get(c.id)) ?? c;
      if (fresh.erased) return;
      await this.#inTopic(fresh, (t) => this.#post(fresh.priority, t, html, markup));
    });
  }

  /** The case a topic shows, if any. */
  caseOf(threadId: number): Promise<Case | undefined> {
    return this.#d.store.byTopic(threadId);
  }

  /** Answer an operator in the thread they wrote in (undefined: General). Paced. */
  async reply(threadId: number | undefined, html: string): Promise<void> {
    for (const part of chunks(html, MAX_TEXT)) await this.#post("P1", threadId, part);
  }

  /** Put different buttons under a card (the outcomes after "Close", or the card's own). */
  async setKeyboard(messageId: number, markup: InlineKeyboardMarkup | undefined): Promise<void> {
    try {
      await this.#d.api.editMessageReplyMarkup(this.#d.chatId, messageId, {
        ...(markup ? { reply_markup: markup } : {}),
      });
    } catch (err) {
      if (!isNotModified(err)) throw err;
    }
  }

  /** A quiet acknowledgement of an operator's message (a reaction, not a message). */
  async acknowledge(messageId: number): Promise<void> {
    await this.#d.api
      .setMessageReaction(this.#d.chatId, messageId, [{ type: "emoji", emoji: "👍" }])
      .catch((err: unknown) =>
        this.#d.log.debug({ err: errorSummary(err) }, "operator message not acknowledged"),
      );
  }

  // ---- Topics and cards ------------------------------------------------------------------

  /** Open a topic for `c` with its card (and pin); returns the case with its topic. */
  async #openTopic(c: Case): Promise<Case> {
    const topic = await this.#d.api.createForumTopic(this.#d.chatId, this.view.title(c), {
      icon_color: TOPIC_COLOR[c.priority],
    });
    const thread = topic.message_thread_id;
    const stored = await this.#d.store.setTopic(c.id, thread);
    const withTopic = stored.ok ? stored.case : { ...c, topic: thread };
    this.#d.log.info({ case: c.id, thread }, "case topic opened");
    return this.#postCard(withTopic, thread);
  }

  /** Post the card (and the map pin) in `thread`; remember where the card is. */
  async #postCard(c: Case, thread: number): Promise<Case> {
    const markup = this.view.keyboard(c);
    const sent = await this.#send("card", () =>
      this.#d.api.sendMessage(this.#d.chatId, this.view.card(c, this.#now()), {
        message_thread_id: thread,
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(markup ? { reply_markup: markup } : {}),
      }),
    );
    const noted = await this.#d.store.audit(
      c.id,
      SYSTEM,
      CARD_ACTION,
      this.#now(),
      `${thread}:${sent.message_id}`,
    );
    const shown = noted.ok ? noted.case : c;
    await this.#pin(shown, thread);
    return shown;
  }

  /** The person's pin on a map in the topic, when it is known. */
  async #pin(c: Case, thread = c.topic): Promise<void> {
    const { lat, lon } = c.summary.place ?? {};
    if (lat === undefined || lon === undefined || thread === undefined) return;
    await this.#send(c.priority, () =>
      this.#d.api.sendLocation(this.#d.chatId, lat, lon, { message_thread_id: thread }),
    );
  }

  /** Edit the card in place; post a new one when it is gone. Returns the case as now shown. */
  async #refreshCard(c: Case): Promise<Case> {
    const messageId = cardMessageId(c);
    if (messageId === undefined) return this.#repostCard(c);
    const markup = this.view.keyboard(c);
    try {
      await this.#d.api.editMessageText(this.#d.chatId, messageId, this.view.card(c, this.#now()), {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(markup ? { reply_markup: markup } : {}),
      });
      return c;
    } catch (err) {
      if (isNotModified(err)) return c;
      if (isMessageGone(err) || isTopicGone(err)) return this.#repostCard(c);
      throw err;
    }
  }

  async #repostCard(c: Case): Promise<Case> {
    if (c.topic === undefined) return this.#openTopic(c);
    try {
      return await this.#postCard(c, c.topic);
    } catch (err) {
      if (!isTopicGone(err)) throw err;
      this.#d.log.info({ case: c.id }, "case topic was deleted; opening a new one");
      return this.#openTopic(c);
    }
  }

  /** Keep the title in step with priority and status; a deleted topic is left to the next send. */
  async #retitle(c: Case): Promise<void> {
    if (c.topic === undefined) return;
    try {
      await this.#d.api.editForumTopic(this.#d.chatId, c.topic, { name: this.view.title(c) });
    } catch (err) {
      if (!isNotModified(err) && !isTopicGone(err)) throw err;
    }
  }

  /** The case with a topic, opening one under the case's lock if it has none. */
  #ensureTopic(c: Case): Promise<Case> {
    return this.#locked(c.id, async () => {
      const fresh = (await this.#d.store.get(c.id)) ?? c;
      return fresh.topic === undefined ? this.#openTopic(fresh) : fresh;
    });
  }

  /**
   * Run `send` in the case's topic; if the topic was deleted by hand, open a new one (with
   * the card) and run it there. Returns its result and the case as it now is.
   */
  async #inTopic<T>(
    c: Case,
    send: (thread: number) => Promise<T>,
  ): Promise<{ value: T; case: Case }> {
    const current = c.topic === undefined ? await this.#openTopic(c) : c;
    try {
      return { value: await send(current.topic as number), case: current };
    } catch (err) {
      if (!isTopicGone(err)) throw err;
      this.#d.log.info({ case: c.id }, "case topic was deleted; opening a new one");
      const reopened = await this.#openTopic(current);
      return { value: await send(reopened.topic as number), case: reopened };
    }
  }

  /** Copy the person's photo or document into the topic; false when it cannot be copied. */
  async #copied(c: Case, inbound: Inbound, afterClose: boolean): Promise<boolean> {
    if (inbound.kind !== "media" || !inbound.origin || !c.conversation || afterClose) return false;
    if (c.channel !== "tg") return this.#uploaded(c, inbound.origin, inbound.media);
    if (!COPYABLE.has(inbound.media)) return false;
    const from = Number(c.conversation.slice("tg:".length));
    const messageId = Number(inbound.origin);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(messageId)) return false;
    try {
      await this.#inTopic(c, (thread) =>
        this.#send(c.priority, () =>
          this.#d.api.copyMessage(this.#d.chatId, from, messageId, { message_thread_id: thread }),
        ),
      );
      return true;
    } catch (err) {
      // Gone from the person's chat already (quick exit, tidy): say what it was instead.
      this.#d.log.info({ case: c.id, err: errorSummary(err) }, "media not copied");
      return false;
    }
  }

  /** Media from another channel (WhatsApp): fetched there, sent into the topic as a file. */
  async #uploaded(c: Case, origin: string, kind: string): Promise<boolean> {
    const file = await this.#d.mediaFile?.(c.channel, origin, kind);
    if (!file) return false;
    await this.#inTopic(c, (thread) =>
      this.#send(c.priority, () =>
        this.#d.api.sendDocument(this.#d.chatId, new InputFile(file.bytes, file.filename), {
          message_thread_id: thread,
        }),
      ),
    );
    return true;
  }

  // ---- Sending ---------------------------------------------------------------------------

  /** An HTML message in `thread` (undefined: General), paced; with buttons when given. */
  #post(
    priority: Priority,
    thread: number | undefined,
    html: string,
    markup?: InlineKeyboardMarkup,
  ): Promise<Message> {
    return this.#send(priority, () =>
      this.#d.api.sendMessage(this.#d.chatId, html, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(thread === undefined ? {} : { message_thread_id: thread }),
        ...(markup ? { reply_markup: markup } : {}),
      }),
    );
  }

  /** The group's budget, shared by priority: cards and P1 first (see group-queue.ts). */
  readonly #queue = new GroupQueue(<T>(run: () => Promise<T>, rank: number) =>
    this.#d.pacer.send({ chat: `tg:${this.#d.chatId}`, group: true, priority: rank }, run),
  );

  /** Send into the group at `priority`'s rank; a card goes with P1's (`"card"`). */
  #send<T>(priority: Priority | "card", run: () => Promise<T>): Promise<T> {
    const rank = priority === "card" ? RANK.P1 : RANK[priority];
    return this.#queue.push(rank, run).then(
      (sent) => {
        this.#failingSince = undefined;
        return sent;
      },
      (err: unknown) => {
        // A deleted topic is healed by the caller; anything else means the group is away.
        if (!isTopicGone(err)) this.#failingSince ??= this.#now();
        throw err;
      },
    );
  }

  /** Since when writing to the group fails (undefined: the last message went out). */
  #failingSince: number | undefined;

  /** Whether the last message to the group went out (for `/readyz`). */
  get healthy(): boolean {
    return this.#failingSince === undefined;
  }

  /** Run `work` after every earlier piece of work on the same case (in this process). */
  #locked<T>(caseId: string, work: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(caseId) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(caseId, tail);
    void tail.then(() => {
      if (this.#locks.get(caseId) === tail) this.#locks.delete(caseId);
    });
    return run;
  }
}
