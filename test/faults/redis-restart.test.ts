/**
 * Redis goes away under load and comes back: the service stays up, the webhook answers
 * 5xx while Redis is gone (nothing is acknowledged that was not saved), and once Redis is
 * back the updates Telegram delivers again are handled, each once, and nothing is lost.
 * Redis here is our own, with an append-only file synced on every write, so a kill -9 of
 * it loses nothing it acknowledged.
 */
import { afterAll, describe, expect, it } from "vitest";
import { helpPeople } from "../../bench/lib/people.js";
import { PrivateRedis } from "../../bench/lib/redis.js";
import { FakeTelegramApi } from "../fakes/telegram-api.js";
import {
  crashLines,
  deliver,
  escalationsReached,
  eventually,
  newSetup,
  recoverNow,
  redisClient,
  SECRET,
  sentByChat,
  sessionOf,
  startService,
  storeOf,
} from "./harness.js";

const PEOPLE = 240;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function status(port: number, path: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
}

describe("Redis restarts under load", () => {
  it("keeps the service up, answers 5xx meanwhile, then loses nothing", async () => {
    const redisServer = await PrivateRedis.start({ durable: true });
    cleanups.push(() => redisServer.stop());
    const fake = await FakeTelegramApi.start();
    cleanups.push(() => fake.close());
    const setup = newSetup(redisServer.url, fake.apiRoot);
    const lines: string[] = [];
    const { bot } = await startService(setup, lines);
    cleanups.push(() => bot.stop());

    const people = helpPeople(PEOPLE, 4_200_000_000);
    const total = PEOPLE * 10;
    let outage: { health: number; ready: number; statuses: Map<number, number> } | undefined;
    let down = false;
    const duringOutage = new Map<number, number>();
    const log = await deliver({
      people,
      concurrency: 40,
      port: () => bot.port,
      onAck: async (acked) => {
        if (outage || down || acked < total * 0.3) return;
        down = true;
        await redisServer.kill();
        // Telegram keeps delivering while Redis is away; look at what it is told.
        const started = Date.now();
        while (Date.now() - started < 1500) {
          const s = await fetch(`http://127.0.0.1:${bot.port}/telegram/webhook`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-telegram-bot-api-secret-token": SECRET,
            },
            body: JSON.stringify({
              update_id: 1,
              message: {
                message_id: 1,
                date: 1,
                chat: { id: 4_299_999_999, type: "private", first_name: "Budi" },
                from: { id: 4_299_999_999, is_bot: false, first_name: "Budi" },
                text: "halo",
              },
            }),
          }).then((r) => r.status);
          duringOutage.set(s, (duringOutage.get(s) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 100));
        }
        outage = {
          health: await status(bot.port, "/healthz"),
          ready: await status(bot.port, "/readyz"),
          statuses: duringOutage,
        };
        await redisServer.up();
        down = false;
      },
    });
    expect(outage).toBeDefined();
    // While Redis was gone: alive, not ready, and every update refused with a 5xx.
    expect(outage?.health).toBe(200);
    expect(outage?.ready).toBe(503);
    expect([...duringOutage.keys()].every((s) => s >= 500)).toBe(true);
    expect(log.statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(bot.alive).toBe(true);

    // Replies whose delivery failed while Redis was away wait in the outbox: sweep them.
    await new Promise((r) => setTimeout(r, 1000));
    const recovered = await recoverNow(setup);
    console.info(
      `Redis killed after ${Math.round(total * 0.3)} of ${total} updates; ${log.statuses.get(503) ?? 0} answers were 503; ${recovered} conversations' replies recovered from the outbox`,
    );

    const redis = redisClient(redisServer.url);
    cleanups.push(() => redis.quit());
    const store = storeOf(setup, redis);
    for (const p of people) {
      const { session, pending } = await sessionOf(store, p.chatId);
      expect(session?.turns, `turns of ${p.chatId}`).toBe(10);
      expect(session?.waiting).toBe(true);
      expect(pending, `outbox of ${p.chatId}`).toBe(0);
    }
    const sent = sentByChat(fake);
    for (const p of people) expect(sent.get(p.chatId) ?? 0).toBeGreaterThanOrEqual(10);
    await eventually(
      async () => (await escalationsReached(redis, setup.prefix, lines)).count >= PEOPLE,
      "every person's case in the queue",
    );
    expect((await escalationsReached(redis, setup.prefix, lines)).count).toBe(PEOPLE);
    expect(crashLines(lines.join("\n") + bot.stderr.join(""))).toEqual([]);
  });
});
