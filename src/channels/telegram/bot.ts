/**
 * The grammY bot: API calls with bounded retries on 429 and 5xx, and the same handler for
 * polling (@grammyjs/runner) and webhooks, with one conversation's updates in sequence.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../../log.js";
import type { TelegramUpdates } from "./updates.js";

/** Updates the helpline asks Telegram for. */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "my_chat_member",
] as const;

export interface BotOptions {
  token: string;
  apiRoot: string;
  /** Known bot identity (skips getMe; tests and benchmarks). */
  botInfo?: UserFromGetMe;
}

/** A bot whose API calls retry 429s (honouring retry_after) and 5xx, a bounded number of times. */
export function createBot(o: BotOptions): Bot {
  const bot = new Bot(o.token, {
    client: { apiRoot: o.apiRoot },
    ...(o.botInfo ? { botInfo: o.botInfo } : {}),
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  return bot;
}

/** Same chat, same sequence: a conversation's updates never race inside this process. */
function sequenceKey(ctx: Context): string | undefined {
  const chat = ctx.chat?.id ?? ctx.callbackQuery?.message?.chat.id;
  return chat === undefined ? undefined : String(chat);
}

/**
 * Route every update to `updates`, one chat at a time. With `persist` (polling), a
 * failure is retried with backoff instead of failing the update: polling cannot ask
 * Telegram to deliver it again, and later updates of that chat wait behind it.
 */
export function attachUpdates(bot: Bot, updates: TelegramUpdates, persist = false): void {
  bot.use(sequentialize(sequenceKey));
  bot.use((ctx) =>
    persist ? withRetries(() => updates.handle(ctx.update)) : updates.handle(ctx.update),
  );
}

/** Longest a polled update is retried before it is given up (and logged). */
const PERSIST_FOR_MS = 60 * 60 * 1000;

async function withRetries(work: () => Promise<void>): Promise<void> {
  const started = Date.now();
  for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() - started > PERSIST_FOR_MS) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * Long polling. A handler failure (Redis down) is retried with backoff rather than
 * dropped: polling cannot ask Telegram to deliver an update again.
 */
export function startPolling(bot: Bot, log: Logger): RunnerHandle {
  bot.catch((err) =>
    log.error({ err: err.error instanceof Error ? err.error.name : "error" }, "update failed"),
  );
  return run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
  });
}
