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

  it("leases a place with a settlement: it counts from then until a window after the lease", async () => {
    clock = 200_000;
    const a = budget(env.redis, `${env.prefix}lease:`);
    const first = await a.take([second]);
    if (!("ticket" in first)) throw new Error("the first place was not taken");
    clock += 100;
    expect(await a.settleAndLease([second], first.ticket, 250)).toEqual(expect.any(String));
    expect(await a.take([second])).toHaveProperty("ticket");
    // The settled send, the lease and the take: the window is full.
    expect(await a.take([second])).toHaveProperty("waitMs");
    clock += 1_000;
    // The settled send and the take are gone; the lease (ends at +350) still counts.
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toHaveProperty("ticket");
    expect(await a.take([second])).toHaveProperty("waitMs");
  });

  it("leases nothing when the window is full", async () => {
    clock = 300_000;
    const a = budget(env.redis, `${env.prefix}nolease:`);
    const first = await a.take([second]);
    await a.take([second]);
    await a.take([second]);
    if (!("ticket" in first)) throw new Error("the first place was not taken");
    expect(await a.settleAndLease([second], first.ticket, 250)).toBeUndefined();
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

  /** Two service instances, each its own bot client, pacer and counted budget. */
  async function twoInstances(shared: boolean, prefix: string) {
    return Promise.all(
      [0, 1].map(async (n) => {
        const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
        const budget = new RedisSendBudget(await env.client(), { prefix });
        const asked = { takes: 0 };
        const take = budget.take.bind(budget);
        budget.take = (windows) => {
          asked.takes += 1;
          return take(windows);
        };
        const pacer = new Pacer({
          limits: LIMITS,
          ...(shared ? { shared: { budget, name: "telegram" } } : {}),
        });
        const send = (i: number) => {
          const chat = 5_000 + n * 1_000 + i;
          return pacer.send({ chat: String(chat), group: false, priority: 3 }, () =>
            bot.api.sendMessage(chat, "halo"),
          );
        };
        return { send, asked };
      }),
    );
  }

  /** Each instance sends `each` messages at once. */
  async function twoInstancesSend(each: number, shared: boolean, prefix: string) {
    const instances = await twoInstances(shared, prefix);
    await Promise.all(
      instances.flatMap(({ send }) => Array.from({ length: each }, (_, i) => send(i))),
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

  /** As a person's replies go: one, then the next once they wrote again. */
  async function oneAfterAnother(send: (i: number) => Promise<unknown>, count: number) {
    for (let i = 0; i < count; i++) {
      await send(i);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  it("sending one message after another, together they stay within the limit", async () => {
    fake.clear();
    const instances = await twoInstances(true, `${env.prefix}leased:`);
    await Promise.all(instances.map(({ send }) => oneAfterAnother(send, 12)));
    expect(fake.callsTo("sendMessage")).toHaveLength(24);
    expect(fake.limitViolations()).toEqual([]);
  });

  it("below the limit, a message that follows another needs no round trip to Redis first", async () => {
    fake.clear();
    const instances = await twoInstances(true, `${env.prefix}below:`);
    await Promise.all(instances.map(({ send }) => oneAfterAnother(send, 4)));
    expect(fake.callsTo("sendMessage")).toHaveLength(8);
    // Each instance asked for a place before its first send; the others were leased.
    for (const { asked } of instances) expect(asked.takes).toBeLessThan(4);
  });
});
