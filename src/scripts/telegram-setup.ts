/**
 * `npm run telegram:setup`: point Telegram at this deployment. In webhook mode it sets the
 * webhook (TELEGRAM_WEBHOOK_URL, with the secret and the updates we handle); in polling
 * mode it removes any webhook. Either way it registers the commands and descriptions in
 * every language.
 */
import { loadContent } from "../app.js";
import { createBot } from "../channels/telegram/bot.js";
import { setupTelegram } from "../channels/telegram/setup.js";
import { createConfig } from "../config.js";

try {
  const config = createConfig(process.env);
  const tg = config.telegram;
  if (!tg) throw new Error("TELEGRAM_BOT_TOKEN is not set: there is no bot to set up.");
  if (tg.mode === "webhook" && !tg.url) {
    throw new Error(
      "TELEGRAM_WEBHOOK_URL is not set: Telegram needs the public https:// address of /telegram/webhook.",
    );
  }
  const bundle = loadContent(config);
  const bot = createBot({ token: tg.token, apiRoot: tg.apiRoot });
  await bot.init();
  const done = await setupTelegram({
    api: bot.api,
    texts: bundle.texts,
    ...(tg.mode === "webhook" && tg.url ? { webhook: { url: tg.url, secret: tg.secret } } : {}),
  });
  process.stdout.write(`@${bot.botInfo.username}:\n${done.map((d) => `  ${d}`).join("\n")}\n`);
} catch (err) {
  process.stderr.write(`telegram:setup failed: ${(err as Error).message}\n`);
  process.exit(1);
}
