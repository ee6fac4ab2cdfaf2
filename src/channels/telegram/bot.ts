/**
 * The grammY bot: API calls with bounded retries on 429 and 5xx, and one path for every
 * update, polled (@grammyjs/runner) or pushed (grammY's `webhookCallback`, webhook.ts):
 * the zod check, then one conversation's updates in sequence, then the handler.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../../log.js";
import { errorSummary } from "../errors.js";
import { checkUpdate, MalformedUpdate } from "./update-schema.js";
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
 * The one path of every update, polled or pushed by webhook: checked first (a malformed
 * update is refused before anything reads it), then one chat at a time, then `updates`.
 * With `persist` (polling), a failure is retried with backoff instead of failing the
 * update: polling cannot ask Telegram to deliver it again, and later updates of that chat
 * wait behind it.
 */
export function attachUpdates(bot: Bot, updates: TelegramUpdates, persist = false): void {
  bot.use((ctx, next) => {
    checkUpdate(ctx.update);
    return next();
  });
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
 * dropped: polling cannot ask Telegram to deliver an update again. A malformed update is
 * dropped at once, and counted.
 */
export function startPolling(
  bot: Bot,
  log: Logger,
  onMalformed: () => void = () => undefined,
): RunnerHandle {
  bot.catch((err) => {
    if (err.error instanceof MalformedUpdate) {
      onMalformed();
      log.warn({ problem: err.error.problem }, "malformed Telegram update dropped");
      return;
    }
    log.error({ err: errorSummary(err.error) }, "update failed");
  });
  return run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
  });
}
