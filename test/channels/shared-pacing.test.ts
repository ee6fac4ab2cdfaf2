/**
 * Several instances, one set of Telegram's limits: two pacers (as two service processes,
 * each with its own Redis connection) send through the faithful fake Bot API, which counts
 * every second and minute as Telegram does.
 */
import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PaceLimits, Pacer } from "../../src/channels/pacer.js";
import { RedisSendBudget } from "../../src/channels/send-budget.js";
import { useRedis } from "../cases/redis-env.js";
import { FakeTelegramApi } from "../fakes/telegram-api.js";
import { sendBudgetContract } from "./send-budget.contract.js";

const LIMITS: PaceLimits = { globalPerSecond: 10, perChatGapMs: 1000, groupPerMinute: 20 };

sendBudgetContract("redis", useRedis());

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
