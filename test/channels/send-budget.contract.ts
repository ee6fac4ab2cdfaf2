/**
 * What the shared send budget must do wherever Redis is (one Redis, a Cluster, Sentinel):
 * at most `max` places in a sliding window, across clients, settled from the platform's
 * answer, with leases for a send that follows another.
 */
import { describe, expect, it } from "vitest";
import { RedisSendBudget } from "../../src/channels/send-budget.js";
import type { RedisClient } from "../../src/stores/redis/connection.js";

/** Where the budget lives: a client, another as a second process would have, a prefix. */
export interface BudgetEnv {
  readonly prefix: string;
  readonly redis: RedisClient;
  client(): Promise<RedisClient>;
}

export function sendBudgetContract(kind: string, env: BudgetEnv): void {
  describe(`RedisSendBudget (${kind})`, () => {
    let clock = 0;
    const budget = (client: RedisClient, prefix = env.prefix) =>
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
}
