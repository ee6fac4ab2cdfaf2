/**
 * What happens to each Telegram update: a person's message goes through the runtime; a
 * stray group is told to write privately (and nothing is kept); blocking and unblocking
 * update reachability; the operators' group goes to the operator surface.
 */

import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../log.js";
import type { Reachability } from "../../runtime/reachability.js";
import type { Runtime } from "../../runtime/runtime.js";
import { errorSummary } from "../errors.js";
import type { Pacer } from "../pacer.js";
import { readUpdate, type TelegramIncoming } from "./inbound.js";

/** How often at most a stray group is told to write privately. */
const GROUP_NOTICE_EVERY_MS = 60 * 60 * 1000;
/** Stray groups remembered for that purpose (ids only, in memory, never stored). */
const GROUP_NOTICE_MEMORY = 1000;

/** Receives updates from the operators' group (see the operator surface). */
export interface OperatorUpdates {
  handle(update: Update): Promise<void>;
}

export interface TelegramUpdatesDeps {
  api: Api;
  runtime: Runtime;
  reachability: Reachability;
  pacer: Pacer;
  log: Logger;
  /** The bilingual "please write to me privately" notice. */
  groupNotice: string;
  operatorChatId?: number;
  operators?: OperatorUpdates;
  now?: () => number;
  /** Counts handled updates by kind and outcome (for /metrics). */
  onUpdate?: (kind: string, outcome: string) => void;
}

export class TelegramUpdates {
  readonly #noticed = new Map<number, number>();
  readonly #now: () => number;

  constructor(readonly d: TelegramUpdatesDeps) {
    this.#now = d.now ?? Date.now;
  }

  /**
   * Handle one update. Resolves once what it changed is saved; rejects when it could not
   * be (Redis unreachable), so a webhook answers 5xx and Telegram delivers it again.
   */
  async handle(update: Update): Promise<void> {
    const incoming = readUpdate(update, this.d.operatorChatId);
    const outcome = await this.#dispatch(incoming);
    this.d.onUpdate?.(incoming.kind, outcome);
  }

  async #dispatch(incoming: TelegramIncoming): Promise<string> {
    switch (incoming.type) {
      case "person":
        return this.#person(incoming);
      case "group":
        // A group id is not personal; it is how a coordinator finds OPERATOR_CHAT_ID.
        this.d.log.info(
          { group: incoming.chatId },
          "message from a group that is not the operators' group (if it is yours, set OPERATOR_CHAT_ID to this id)",
        );
        this.#noticeGroup(incoming.chatId);
        return "group";
      case "operators":
        if (!this.d.operators) return "ignored";
        await this.d.operators.handle(incoming.update);
        return "operators";
      case "reachability":
        if (incoming.reachable) await this.d.reachability.markReachable(incoming.key);
        else await this.d.reachability.markUnreachable(incoming.key);
        return incoming.reachable ? "unblocked" : "blocked";
      case "ignore":
        return "ignored";
    }
  }

  async #person(p: Extract<TelegramIncoming, { type: "person" }>): Promise<string> {
    const { runtime, api } = this.d;
    // Writing to us means they can be reached again: the runtime's commit clears the mark.
    const outcome = await runtime.handle(p.key, p.inbound, p.dedupeId);
    if (p.callbackQueryId) {
      // Stop the button's spinner; a failure here (query too old) changes nothing.
      void api.answerCallbackQuery(p.callbackQueryId).catch(() => undefined);
    }
    return outcome.status;
  }

  /** Tell a group to write privately, at most once an hour per group, keeping nothing. */
  #noticeGroup(chatId: number): void {
    const now = this.#now();
    const last = this.#noticed.get(chatId);
    if (last !== undefined && now - last < GROUP_NOTICE_EVERY_MS) return;
    this.#noticed.delete(chatId);
    this.#noticed.set(chatId, now);
    if (this.#noticed.size > GROUP_NOTICE_MEMORY)
      this.#noticed.delete(this.#noticed.keys().next().value as number);
    const target = { chat: `tg:${chatId}`, group: true, priority: 3 };
    void this.d.pacer
      .send(target, () => this.d.api.sendMessage(chatId, this.d.groupNotice))
      .catch((err) => this.d.log.debug({ err: errorSummary(err) }, "group notice not sent"));
  }
}
