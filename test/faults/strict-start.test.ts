/**
 * A restart that meets damaged data and a Redis blip: the service runs with
 * `--unhandled-rejections=strict` (any promise that rejects unhandled ends the process), an
 * earlier life left replies in the outbox, one of them damaged, and Redis goes away while
 * the start-up recovery is under way. The service stays up, quarantines and reports the
 * damaged entry, and once Redis is back delivers every other reply.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PrivateRedis } from "../../bench/lib/redis.js";
import { newSession } from "../../src/engine/session.js";
import { FakeTelegramApi } from "../fakes/telegram-api.js";
import {
  crashLines,
  eventually,
  namesOf,
  newSetup,
  redisClient,
  sentByChat,
  startService,
  storeOf,
} from "./harness.js";

const PENDING = 60;
const FIRST_CHAT = 4_100_000_000;
const DAMAGED_CHAT = FIRST_CHAT - 1;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe("a restart with damaged data and Redis going away", () => {
  it("never crashes, quarantines the damaged entry and delivers the rest", async () => {
    const redisServer = await PrivateRedis.start({ durable: true });
    cleanups.push(() => redisServer.stop());
    const fake = await FakeTelegramApi.start();
    cleanups.push(() => fake.close());
    const setup = newSetup(redisServer.url, fake.apiRoot);
    const redis = redisClient(redisServer.url);
    cleanups.push(() => redis.quit());

    // What an earlier life saved ten minutes ago and never sent (it was killed).
    const then = Date.now() - 10 * 60_000;
    const earlier = storeOf(setup, redis, () => then);
    const session = { ...newSession(then, "en"), heard: Date.now() };
    const chats = Array.from({ length: PENDING }, (_, i) => FIRST_CHAT + i);
    for (const chat of [DAMAGED_CHAT, ...chats]) {
      const outbox = [{ type: "reply" as const, text: "Are you safe to talk now?" }];
      expect(await earlier.commit(`tg:${chat}`, 0, session, { outbox })).toBe("ok");
    }
    const name = namesOf(setup)(`tg:${DAMAGED_CHAT}`);
    await redis.hset(`${setup.prefix}c:{${name}}:out`, "1", "garbage, not what was written");

    const lines: string[] = [];
    const { bot } = await startService(setup, lines, {}, ["--unhandled-rejections=strict"]);
    cleanups.push(() => bot.stop());
    // Start-up recovery is under way: Redis goes away, and comes back a second later.
    await redisServer.kill();
    await new Promise((r) => setTimeout(r, 1000));
    expect(bot.alive).toBe(true);
    await redisServer.up();

    // The periodic recovery (every 30 s, 100 conversations at a time) delivers what the blip
    // interrupted.
    await eventually(
      () => chats.every((chat) => (sentByChat(fake).get(chat) ?? 0) >= 1),
      "every intact reply delivered",
      90_000,
    );
    expect(bot.alive).toBe(true);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect(sentByChat(fake).get(DAMAGED_CHAT) ?? 0).toBe(0);
    await eventually(
      () => lines.some((l) => l.includes("quarantined")),
      "the damaged entry reported",
    );
    const metrics = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
    expect(metrics).toMatch(/pulang_errors_total\{stage="outbox_quarantined"\} 1/);
    expect(crashLines(lines.join("\n") + bot.stderr.join(""))).toEqual([]);
  }, 150_000);
});
