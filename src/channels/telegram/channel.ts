/**
 * Sending to a person on Telegram: render the step's replies, pace them within
 * Telegram's limits (most urgent people first), and say when the person blocked the bot
 * rather than retrying forever.
 */

import { type Api, GrammyError } from "grammy";
import type { Effect, Priority } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { PersonChannel, Sent } from "../../runtime/effects.js";
import type { ConversationKey } from "../../runtime/ports.js";
import { errorSummary } from "../errors.js";
import type { Pacer } from "../pacer.js";
import { telegramFailure } from "./errors.js";
import { renderReplies, type TelegramMessage } from "./render.js";

type Reply = Extract<Effect, { type: "reply" }>;

const PRIORITY_RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3 };

/** Telegram's answers that mean the person cannot be written to (see errors.ts). */
export function isUnreachableError(err: unknown): err is GrammyError {
  return err instanceof GrammyError && telegramFailure(err).kind === "unreachable";
}

export interface TelegramChannelDeps {
  api: Api;
  pacer: Pacer;
  log: Logger;
  /** Counts outbound results (for /metrics). */
  onSent?: (outcome: "sent" | "unreachable" | "failed") => void;
}

export class TelegramChannel implements PersonChannel {
  constructor(readonly d: TelegramChannelDeps) {}

  /** The chat id of a `tg:` conversation key. */
  static chatId(key: ConversationKey): number {
    return Number(key.slice("tg:".length));
  }

  /**
   * Send replies to one person. Resolves with the ids of the messages sent, when all are
   * sent or the person turned out to be unreachable (then with Telegram's refusal: the rest
   * is dropped on purpose). Rejects on other failures, so the runtime keeps the replies for
   * recovery.
   */
  async deliver(
    key: ConversationKey,
    replies: readonly Reply[],
    priority: Priority,
  ): Promise<Sent> {
    if (replies.length === 0) return { ids: [] };
    const chatId = TelegramChannel.chatId(key);
    const target = { chat: key, group: false, priority: PRIORITY_RANK[priority] };
    // Queue every message now, in order; the pacer keeps one chat's messages in sequence.
    const sends = renderReplies(replies).map((m) =>
      this.d.pacer.send(target, () => this.#send(chatId, m)),
    );
    const results = await Promise.allSettled(sends);
    const sent = results.flatMap((r) => (r.status === "fulfilled" ? [String(r.value)] : []));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (!failure) return { ids: sent };
    const err = failure.reason;
    if (isUnreachableError(err)) {
      this.d.onSent?.("unreachable");
      return { ids: sent, refused: { code: err.error_code, title: err.description } };
    }
    this.d.onSent?.("failed");
    throw failure.reason;
  }

  /**
   * Delete messages from the person's chat, best effort: Telegram lets bots delete
   * messages in private chats for 48 hours; older or already deleted ones are skipped.
   */
  async deleteMessages(key: ConversationKey, ids: readonly string[]): Promise<void> {
    const chatId = TelegramChannel.chatId(key);
    const numbers = ids.map(Number).filter((n) => Number.isInteger(n) && n > 0);
    for (let i = 0; i < numbers.length; i += 100) {
      await this.d.api.deleteMessages(chatId, numbers.slice(i, i + 100)).catch((err) => {
        this.d.log.debug({ err: errorSummary(err) }, "some messages could not be deleted");
      });
    }
  }

  async #send(chatId: number, m: TelegramMessage): Promise<number> {
    const sent = await this.d.api.sendMessage(chatId, m.text, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(m.silent ? { disable_notification: true } : {}),
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    });
    this.d.onSent?.("sent");
    return sent.message_id;
  }
}
