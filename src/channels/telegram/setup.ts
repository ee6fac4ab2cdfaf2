/**
 * `npm run telegram:setup`: tell Telegram where the webhook is (with its secret and the
 * updates we want), and register the commands and descriptions in every language.
 */
import type { Api } from "grammy";
import type { LanguageCode } from "grammy/types";
import type { Texts } from "../../engine/types.js";
import { ALLOWED_UPDATES } from "./bot.js";

/** The commands people see in the menu, in this order. */
export const BOT_COMMANDS = ["start", "help", "language", "human", "erase"] as const;

export interface SetupOptions {
  api: Api;
  texts: Texts;
  /** Webhook mode: the public URL of /telegram/webhook and its secret. Polling: undefined. */
  webhook?: { url: string; secret: string };
}

/** What was done, one line per call, for the operator running the command. */
export async function setupTelegram(o: SetupOptions): Promise<string[]> {
  const done: string[] = [];
  if (o.webhook) {
    await o.api.setWebhook(o.webhook.url, {
      secret_token: o.webhook.secret,
      allowed_updates: [...ALLOWED_UPDATES],
      drop_pending_updates: false,
      max_connections: 40,
    });
    done.push(`webhook set to ${o.webhook.url}`);
  } else {
    await o.api.deleteWebhook({ drop_pending_updates: false });
    done.push("webhook removed (polling mode)");
  }
  const [first] = o.texts.languages;
  for (const lng of o.texts.languages) {
    const commands = BOT_COMMANDS.map((command) => ({
      command,
      description: o.texts.t(lng, `telegram:commands.${command}`),
    }));
    // The first language is also the default for people whose app language we do not speak.
    const scopes = lng === first ? [undefined, lng] : [lng];
    for (const code of scopes) {
      const scope = code ? { language_code: code as LanguageCode } : {};
      await o.api.setMyCommands(commands, scope);
      await o.api.setMyDescription(o.texts.t(lng, "telegram:description"), scope);
      await o.api.setMyShortDescription(o.texts.t(lng, "telegram:short_description"), scope);
    }
    done.push(`commands and descriptions set for ${lng}`);
  }
  return done;
}
