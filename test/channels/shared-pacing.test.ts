/**
 * Several instances, one set of Telegram's limits: two pacers (as two service processes,
 * each with its own Redis connection) send through the faithful fake Bot API, which counts
 * every second and minute as Telegram does.
 */
import { Bot } from "grammy";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PaceLimits, Pacer } from "../../src/channels/pacer.js";
import { RedisSendBudget } from "../../src/channels/send-budget.js";
import { useRedis } from "../cases/redis-env.js";
import { FakeTelegramApi } from "../fakes/telegram-api.js";

const LIMITS: PaceLimits = { globalPerSecond: 10, perChatGapMs: 1000, groupPerMinute: 20 };

describe("RedisSendBudget", () => {
  const env = useRedis();
  let clock = 0;
  const budget = (client: Redis, prefix = env.prefix) =>
    new RedisSendBudget(client, { prefix, now: () => clock });
  const second = { scope: "tg:global", max: 3, windowMs: 1_000 };

  it("gives at most `max` places in a window, across clients, and says when the next frees", async () => {
    clock = 10_000;
    const [a, b] = [budget(env.redis), budget(await env.client())];
    expect(await a.take([second])).toHaveProperty("ticket");
    clock += 100;
    expect(await b.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await b.take([second])).toEqual({ waitMs: 900 });
    clock += 900;
    expect(await b.take([second])).toHaveProperty("ticket");
  });

  it("counts a settled send from its answer, not its start", async () => {
    clock = 50_000;
    const a = budget(env.redis, `${env.prefix}settle:`);
    const first = await a.take([second]);
    await a.take([second]);
    await a.take([second]);
    clock += 800;
    if (!("ticket" in first)) throw new Error("the first place was not taken");
    await a.settle([second], first.ticket);
    clock += 300;
    // The other two started at 50,000 and are gone; the first was answered at 50,800.
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toEqual({ waitMs: 700 });
  });

  it("takes nothing anywhere when one window is full", async () => {
    clock = 90_000;
    const a = budget(env.redis, `${env.prefix}both:`);
    const group = { scope: "tg:group:-100", max: 1, windowMs: 60_000 };
    expect(await a.take([second, group])).toHaveProperty("ticket");
    expect(await a.take([second, group])).toEqual({ waitMs: 60_000 });
    // The refused send took no place in the overall window: two more fit.
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toHaveProperty("waitMs");
  });
});

describe("two instances behind one webhook", () => {
  const env = useRedis();
  let fake: FakeTelegramApi;

  beforeAll(async () => {
    fake = await FakeTelegramApi.start({ globalPerSecond: LIMITS.globalPerSecond });
  });
  afterAll(async () => {
    await fake.close();
  });

  /** Two service instances, each its own bot client and pacer, sending `each` messages. */
  async function twoInstancesSend(each: number, shared: boolean, prefix: string) {
    const instances = await Promise.all(
      [0, 1].map(async () => {
        const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
        const budget = new RedisSendBudget(await env.client(), { prefix });
        const pacer = new Pacer({
          limits: LIMITS,
          ...(shared ? { shared: { budget, name: "telegram" } } : {}),
        });
        return { bot, pacer };
      }),
    );
    await Promise.all(
      instances.flatMap(({ bot, pacer }, n) =>
        Array.from({ length: each }, (_, i) => {
          const chat = 5_000 + n * 1_000 + i;
          return pacer.send({ chat: String(chat), group: false, priority: 3 }, () =>
            bot.api.sendMessage(chat, "halo"),
          );
        }),
      ),
    );
  }

  it("each keeping to the limits alone sends twice too many (what sharing prevents)", async () => {
    fake.clear();
    await twoInstancesSend(10, false, `${env.prefix}alone:`);
    expect(fake.limitViolations().filter((v) => v.kind === "global").length).toBeGreaterThan(0);
  });

  it("sharing the budget through Redis, together stay within Telegram's overall limit", async () => {
    fake.clear();
    await twoInstancesSend(15, true, `${env.prefix}shared:`);
    expect(fake.callsTo("sendMessage")).toHaveLength(30);
    expect(fake.limitViolations()).toEqual([]);
  });
});
