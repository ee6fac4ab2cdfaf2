/**
 * One path for every Telegram update: pushed to the webhook (grammY's webhookCallback) or
 * polled (@grammyjs/runner), an update is checked first, handled one chat at a time, and
 * answered the same way. Real service, fake Bot API on loopback, real Redis.
 */
import type { Message, Update } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callbackUpdate,
  FakeTelegramApi,
  myChatMemberBlocked,
  textUpdate,
} from "../fakes/telegram-api.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

let webhookFake: FakeTelegramApi;
let pollingFake: FakeTelegramApi;
let webhook: Service;
let polling: Service;
let redis: Redis;

beforeAll(async () => {
  webhookFake = await FakeTelegramApi.start();
  pollingFake = await FakeTelegramApi.start();
  webhook = await startService({ fake: webhookFake });
  polling = await startService({
    fake: pollingFake,
    env: { TELEGRAM_MODE: "polling", TELEGRAM_WEBHOOK_SECRET: "" },
  });
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  await webhook.stop();
  await polling.stop();
  await webhookFake.close();
  await pollingFake.close();
  await dropPrefix(webhook.prefix);
  await dropPrefix(polling.prefix);
  await redis.quit();
});

async function keysUnder(prefix: string): Promise<number> {
  return (await redis.keys(`${prefix}*`)).length;
}

/** Telegram delivers `update` to the webhook; resolves with the replies it set off. */
async function pushed(chat: number, update: Update, count = 1): Promise<Message[]> {
  const before = webhookFake.sentTo(chat).length;
  expect((await webhook.post(update)).status).toBe(200);
  await webhookFake.waitFor(() => webhookFake.sentTo(chat).length >= before + count, 5000);
  await webhook.app.runtime.drain(5000);
  return webhookFake.sentTo(chat).slice(before);
}

/** The polling service fetches `update`; resolves with the replies it set off. */
async function polled(chat: number, update: Update, count = 1): Promise<Message[]> {
  const before = pollingFake.sentTo(chat).length;
  pollingFake.queueUpdate(update);
  await pollingFake.waitFor(() => pollingFake.sentTo(chat).length >= before + count, 5000);
  await polling.app.runtime.drain(5000);
  return pollingFake.sentTo(chat).slice(before);
}

describe("one path for Telegram updates", () => {
  it("refuses a malformed update with 400, saying so, and keeps nothing", async () => {
    const chat = 9_300_001;
    const update = textUpdate(chat, "tolong", { languageCode: "id" }) as unknown as {
      message: { chat: { id: unknown } };
    };
    // The chat id as a string: the shape a forged or broken sender produces.
    update.message.chat.id = String(chat);
    const before = await keysUnder(webhook.prefix);
    const res = await webhook.post(update);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "not a Telegram update" });
    await webhook.app.runtime.drain();
    expect(await keysUnder(webhook.prefix)).toBe(before);
    expect(webhookFake.sentTo(chat)).toHaveLength(0);
    const metrics = await webhook.app.metrics.registry.metrics();
    expect(metrics).toMatch(/pulang_errors_total\{stage="telegram_malformed"\} 1/);
  });

  it.each([
    ["a JSON array", "[1,2]"],
    ["a JSON string", '"update"'],
    ["null", "null"],
  ])("refuses %s with 400 before grammY sees it", async (_what, body) => {
    const res = await webhook.post(body);
    expect(res.status).toBe(400);
  });

  it("drops a malformed polled update and goes on with the next", async () => {
    const chat = 9_300_002;
    const broken = textUpdate(chat, "halo", { languageCode: "en" }) as unknown as {
      message: { date: unknown };
    };
    broken.message.date = "yesterday";
    pollingFake.queueUpdate(broken as unknown as Update);
    const [reply] = await polled(chat, textUpdate(chat, "halo", { languageCode: "en" }));
    expect(reply?.text).toContain("How can we help?");
    expect(pollingFake.sentTo(chat)).toHaveLength(1);
    const metrics = await polling.app.metrics.registry.metrics();
    expect(metrics).toMatch(/pulang_errors_total\{stage="telegram_malformed"\} 1/);
  });

  it("handles an update Telegram delivers twice at the same moment once", async () => {
    const chat = 9_300_003;
    const update = textUpdate(chat, "halo", { languageCode: "en" });
    const answers = await Promise.all([webhook.post(update), webhook.post(update)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await webhook.app.runtime.drain();
    expect(webhookFake.sentTo(chat)).toHaveLength(1);
  });

  it("answers the same conversation the same way, polled or pushed", async () => {
    const chat = 9_300_004;
    const script: [Update, number][] = [
      [textUpdate(chat, "halo", { languageCode: "en" }), 1],
      [callbackUpdate(chat, "c|welcome.menu|help"), 1],
      [textUpdate(chat, "I am not in danger, I want to know how to go home"), 1],
    ];
    const byWebhook: (string | undefined)[] = [];
    const byPolling: (string | undefined)[] = [];
    for (const [update, count] of script) {
      byWebhook.push(...(await pushed(chat, update, count)).map((m) => m.text));
      byPolling.push(...(await polled(chat, update, count)).map((m) => m.text));
    }
    expect(byWebhook[0]).toContain("How can we help?");
    expect(byWebhook[1]).toBe("How are you doing right now?");
    expect(byPolling).toEqual(byWebhook);
  });

  it("answers a person who blocked the bot and writes again, and keeps them reachable", async () => {
    const chat = 9_300_050;
    const key = `tg:${chat}`;
    expect((await webhook.post(myChatMemberBlocked(chat))).status).toBe(200);
    await webhook.app.runtime.drain(5000);
    expect((await webhook.ports.conversations.load(key)).unreachable).toBe(true);
    const replies = await pushed(chat, textUpdate(chat, "halo", { languageCode: "id" }));
    expect(replies.length).toBeGreaterThan(0);
    // What follows (an operator's words, a reminder) may reach them again.
    expect((await webhook.ports.conversations.load(key)).unreachable).toBeUndefined();
  });
});
