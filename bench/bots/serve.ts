/**
 * What the baseline and the floor share: settings from the environment and a Fastify
 * webhook (the same HTTP framework Pulang uses, so the comparison is about the bots).
 */
import Fastify from "fastify";
import { type Bot, type Context, webhookCallback } from "grammy";

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Listen for webhooks on PORT; prints `{"msg":"<name> is running","port":N}` when ready. */
export async function serve<C extends Context>(name: string, bot: Bot<C>): Promise<void> {
  await bot.init();
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.post(
    "/telegram/webhook",
    webhookCallback(bot, "fastify", { secretToken: env("TELEGRAM_WEBHOOK_SECRET") }),
  );
  app.get("/healthz", async () => ({ status: "ok" }));
  bot.catch((err) => process.stderr.write(`${name}: update failed: ${String(err.error)}\n`));
  await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: `${name} is running`, port })}\n`);
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
