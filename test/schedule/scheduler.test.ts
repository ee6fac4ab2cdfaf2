/**
 * The scheduler contract on the memory twin and on real Redis, plus what only Redis can
 * show: one hash tag for every key, the codec's output, and two workers in two processes
 * (separate clients) sharing one Redis without running any job twice.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import type { Job } from "../../src/schedule/scheduler.js";
import { SchedulerWorker } from "../../src/schedule/worker.js";
import { fakeClock, hashTag, useRedis } from "../cases/redis-env.js";
import { markingCodec } from "../stores/conversation-store.contract.js";
import { schedulerContract, T0 } from "./scheduler.contract.js";

describe("memory twin", () => {
  schedulerContract(
    "memory",
    () => new MemoryScheduler(),
    async () => {},
  );
});

describe("redis", () => {
  const env = useRedis();
  const freshPrefix = () => `${env.prefix}${randomUUID()}:`;

  schedulerContract(
    "redis",
    () => new RedisScheduler(env.redis, { prefix: freshPrefix() }),
    env.cleanup,
  );

  describe("Redis specifics", () => {
    it("keeps every key under the one hash tag {sched}, payloads through the codec", async () => {
      const prefix = freshPrefix();
      const s = new RedisScheduler(env.redis, { prefix, codec: markingCodec() });
      await s.schedule("a", T0, { kind: "x" });
      await s.schedule("b", T0, { kind: "x" });
      await s.claimDue(T0, 1, 1_000);
      const keys = (await env.keys(`${prefix.slice(env.prefix.length)}*`)).sort();
      expect(keys).toEqual([
        `${prefix}{sched}:due`,
        `${prefix}{sched}:jobs`,
        `${prefix}{sched}:lease`,
        `${prefix}{sched}:tries`,
      ]);
      expect(new Set(keys.map(hashTag))).toEqual(new Set(["sched"]));
      expect(await env.redis.hget(`${prefix}{sched}:jobs`, "b")).toBe(
        `X${JSON.stringify({ dueAt: T0, payload: { kind: "x" } })}`,
      );
      expect(() => new RedisScheduler(env.redis, { prefix: "a{b}:" })).toThrow("must not contain");
    });

    it("rejects a stored job that is not a job", async () => {
      const prefix = freshPrefix();
      const s = new RedisScheduler(env.redis, { prefix });
      await env.redis.hset(`${prefix}{sched}:jobs`, "bad", JSON.stringify({ payload: {} }));
      await env.redis.zadd(`${prefix}{sched}:due`, T0, "bad");
      await expect(s.claimDue(T0, 10, 1_000)).rejects.toThrow("malformed");
    });

    it("two workers with their own clients run each of 300 jobs exactly once", async () => {
      const prefix = freshPrefix();
      const [a, b] = await Promise.all([env.client(), env.client()]);
      try {
        const seed = new RedisScheduler(env.redis, { prefix });
        for (let i = 0; i < 300; i++)
          await seed.schedule(`job:${i}`, T0 + i, { kind: "count", n: i });
        const runs = new Map<string, string[]>();
        const clock = fakeClock(T0 + 1_000);
        const worker = (name: string, client: typeof a) =>
          new SchedulerWorker({
            scheduler: new RedisScheduler(client, { prefix }),
            now: clock.now,
            batchSize: 7,
            handlers: {
              count: async (job: Job) => {
                runs.set(job.id, [...(runs.get(job.id) ?? []), name]);
                await new Promise((r) => setTimeout(r, Math.random() * 2));
              },
            },
          });
        const [wa, wb] = [worker("a", a), worker("b", b)];
        for (let round = 0; round < 60 && runs.size < 300; round++)
          await Promise.all([wa.tick(), wb.tick()]);
        expect(runs.size).toBe(300);
        expect([...runs.values()].filter((names) => names.length !== 1)).toEqual([]);
        const byWorker = [...runs.values()].flat();
        expect(byWorker.filter((n) => n === "a").length).toBeGreaterThan(0);
        expect(byWorker.filter((n) => n === "b").length).toBeGreaterThan(0);
        // Everything was acked: nothing comes back, even long after every lease.
        expect(await seed.claimDue(T0 + 24 * 3600_000, 1_000, 1_000)).toEqual([]);
      } finally {
        await Promise.all([a.quit(), b.quit()]);
      }
    });
  });
});
