/**
 * The conversation store contract on the memory twin and on real Redis, plus what only
 * one of them can show: TTL with a fake clock (memory); key layout, raw encoded values,
 * PTTL and two processes racing on one conversation (Redis).
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateSession, newSession } from "../../src/engine/session.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import { createRedis, isRedisReady, waitUntilReady } from "../../src/stores/redis/connection.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { deadAfter, interceptOnce } from "../helpers/redis.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import {
  conversationStoreContract,
  fakeClock,
  freshKey,
  markingCodec,
  reply,
  sessionAt,
} from "./conversation-store.contract.js";

describe("memory twin", () => {
  conversationStoreContract(
    "memory",
    (opts) => new MemoryConversationStore(opts),
    async () => {},
    () => new MemoryScheduler(),
  );

  it("expires an idle conversation after the TTL, and commits keep it alive", async () => {
    const clock = fakeClock();
    const store = new MemoryConversationStore({ now: clock.now, ttlSeconds: 60 });
    const [idle, busy] = [freshKey(), freshKey()];
    await store.commit(idle, 0, sessionAt(1), { outbox: [reply("a")] });
    await store.commit(busy, 0, sessionAt(0));
    clock.advance(50_000);
    await store.load(idle); // reading is not activity: only a saved step is
    await store.commit(busy, 1, sessionAt(1));
    clock.advance(20_000);
    expect(await store.load(idle)).toEqual({ session: undefined, version: 0 });
    expect(await store.pendingOutbox(idle)).toEqual([]);
    expect(await store.load(busy)).toEqual({ session: sessionAt(1), version: 2 });
  });
});

describe("createRedis when Redis is down", () => {
  it("fails fast, reports without secrets, and does not crash", async () => {
    const problems: string[] = [];
    // Port 1 refuses connections; the password must never reach the error callback.
    const client = createRedis("redis://pulang:s3cret@127.0.0.1:1", {
      role: "commands",
      onError: (p) => problems.push(JSON.stringify(p)),
    });
    try {
      const started = Date.now();
      await expect(client.get("anything")).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await isRedisReady(client)).toBe(false);
      await expect(waitUntilReady(client, 300)).rejects.toThrow("not ready");
      await new Promise((r) => setTimeout(r, 200));
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.join()).not.toContain("s3cret");
    } finally {
      client.disconnect();
    }
  });
});

describe("redis", () => {
  const prefix = `test:${randomUUID()}:`;
  let redis: Redis;

  beforeAll(async () => {
    redis = createRedis(REDIS_URL, { role: "commands" });
    await waitUntilReady(redis);
  });

  // The contract cleans up after itself; this catches the Redis-only tests' keys too.
  afterAll(async () => {
    await deleteOurKeys();
    await redis.quit();
  });

  /** Every key under our prefix matching `pattern`. */
  async function keysMatching(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}${pattern}`, "COUNT", 500);
      found.push(...keys);
      cursor = next;
    } while (cursor !== "0");
    return found;
  }

  async function deleteOurKeys(): Promise<void> {
    const keys = await keysMatching("*");
    if (keys.length > 0) await redis.unlink(...keys);
    expect(await keysMatching("*")).toEqual([]);
  }

  conversationStoreContract(
    "redis",
    (opts) => new RedisConversationStore(redis, { prefix, ...opts }),
    deleteOurKeys,
    // Each suite's timers under a prefix of their own, so claims see only theirs.
    () => new RedisScheduler(redis, { prefix: `${prefix}t${randomUUID()}:` }),
  );

  describe("Redis specifics", () => {
    const store = () => new RedisConversationStore(redis, { prefix });
    const conv = (key: string) => `${prefix}c:{${key}}`;

    it("answers readiness checks", async () => {
      expect(await isRedisReady(redis)).toBe(true);
    });

    it("lays a conversation out in three keys sharing one hash tag", async () => {
      const key = freshKey();
      await store().commit(key, 0, sessionAt(1), { dedupeId: "m1", outbox: [reply("a")] });
      const keys = (await keysMatching(`*{${key}}*`)).sort();
      expect(keys).toEqual([conv(key), `${conv(key)}:out`, `${conv(key)}:seen`]);
      expect(new Set(keys.map(hashTag))).toEqual(new Set([key]));
      expect(await redis.type(conv(key))).toBe("hash");
      expect(await redis.type(`${conv(key)}:seen`)).toBe("zset");
      expect(await redis.type(`${conv(key)}:out`)).toBe("hash");
      expect(await redis.hget(conv(key), "v")).toBe("1");
      expect(await redis.zscore(`${prefix}outbox:pending`, key)).not.toBeNull();
    });

    it("keeps the encrypted conversation key for recovery only while something is pending", async () => {
      const key = freshKey();
      const s = new RedisConversationStore(redis, { prefix, codec: markingCodec() });
      await s.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
      expect(await redis.hget(conv(key), "k")).toBe(`X${JSON.stringify(key)}`);
      expect(await s.staleOutboxes(0, Date.now() + 1_000, 10_000)).toContain(key);
      await s.ackOutbox(key, 1);
      expect(await redis.hget(conv(key), "k")).toBeNull();
      expect(await s.staleOutboxes(0, Date.now() + 1_000, 10_000)).not.toContain(key);
      expect(await redis.zscore(`${prefix}outbox:pending`, key)).toBeNull();
    });

    it("remove() leaves no key of the conversation", async () => {
      const key = freshKey();
      const s = store();
      await s.commit(key, 0, sessionAt(1), { dedupeId: "m1", outbox: [reply("a")] });
      await s.commit(key, 1, sessionAt(2), { dedupeId: "m2", outbox: [reply("b")] });
      await s.remove(key);
      expect(await keysMatching(`*{${key}}*`)).toEqual([]);
      expect(await redis.zscore(`${prefix}outbox:pending`, key)).toBeNull();
    });

    it("stores the codec's output, not plain JSON", async () => {
      const key = freshKey();
      const s = new RedisConversationStore(redis, { prefix, codec: markingCodec() });
      await s.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
      const session = await redis.hget(conv(key), "s");
      const entry = await redis.hget(`${conv(key)}:out`, "1");
      expect(session).toBe(`X${JSON.stringify(sessionAt(1))}`);
      expect(entry).toBe(`X${JSON.stringify([reply("a")])}`);
    });

    it("sets a sliding TTL on every key, refreshed by each commit; dedupe ids last their window", async () => {
      const key = freshKey();
      const s = new RedisConversationStore(redis, {
        prefix,
        ttlSeconds: 3600,
        dedupeWindowMs: 600_000,
      });
      await s.commit(key, 0, sessionAt(1), { dedupeId: "m1", outbox: [reply("a")] });
      const keys = [conv(key), `${conv(key)}:out`];
      const first = await Promise.all(keys.map((k) => redis.pttl(k)));
      for (const ttl of first) expect(ttl).toBeGreaterThan(3_590_000);
      const seen = await redis.pttl(`${conv(key)}:seen`);
      expect(seen).toBeGreaterThan(590_000);
      expect(seen).toBeLessThanOrEqual(600_000);
      await new Promise((r) => setTimeout(r, 50));
      const aged = await Promise.all(keys.map((k) => redis.pttl(k)));
      await s.commit(key, 1, sessionAt(2));
      const refreshed = await Promise.all(keys.map((k) => redis.pttl(k)));
      for (const [i, ttl] of refreshed.entries()) expect(ttl).toBeGreaterThan(aged[i] ?? 0);
    });

    it("keeps the dedupe set within the window and the cap", async () => {
      const clock = fakeClock();
      const s = new RedisConversationStore(redis, { prefix, now: clock.now, dedupeMax: 5 });
      const key = freshKey();
      for (let i = 0; i < 8; i++) {
        clock.advance(1);
        await s.commit(key, i, sessionAt(i + 1), { dedupeId: `m${i}` });
      }
      expect(await redis.zcard(`${conv(key)}:seen`)).toBe(5);
      clock.advance(49 * 3600 * 1000);
      await s.commit(key, 8, sessionAt(9), { dedupeId: "late" });
      expect(await redis.zrange(`${conv(key)}:seen`, 0, -1)).toEqual(["late"]);
    });

    it("keeps a conversation findable while any entry is pending, and drops it after", async () => {
      const key = freshKey();
      const s = store();
      await s.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
      await s.commit(key, 1, sessionAt(2), { outbox: [reply("b")] });
      await s.ackOutbox(key, 1);
      expect(await s.staleOutboxes(0, Date.now() + 1000, 10_000)).toContain(key);
      await s.ackOutbox(key, 2);
      expect(await s.staleOutboxes(0, Date.now() + 1000, 10_000)).not.toContain(key);
      // The sweep dropped the name: the index does not grow with finished conversations.
      expect(await redis.zcard(`${prefix}outbox:pending`)).toBe(
        (await s.staleOutboxes(0, Date.now() + 1000, 10_000)).length,
      );
    });

    it("a process dying right after an acknowledgement hides no other pending entry", async () => {
      const key = freshKey();
      const healthy = store();
      await healthy.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
      await healthy.commit(key, 1, sessionAt(2), { outbox: [reply("b")] });
      // Whatever this process would send after its acknowledgement never reaches Redis.
      const dying = new RedisConversationStore(deadAfter(redis, "pulangConvSettle"), { prefix });
      await dying.ackOutbox(key, 1).catch(() => undefined);
      expect((await healthy.pendingOutbox(key)).map((e) => e.id)).toEqual([2]);
      expect(await healthy.staleOutboxes(0, Date.now() + 1000, 10_000)).toContain(key);
    });

    it("a sweep that found nothing pending keeps a name a commit marked meanwhile", async () => {
      const key = freshKey();
      const other = store();
      await other.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
      await other.ackOutbox(key, 1);
      // The sweeper has seen an empty outbox; before it drops the name, B commits entry 2.
      const sweeper = new RedisConversationStore(
        interceptOnce(redis, "pulangIndexPrune", () =>
          other.commit(key, 1, sessionAt(2), { outbox: [reply("b")] }),
        ),
        { prefix },
      );
      await sweeper.staleOutboxes(0, Date.now() + 1000, 10_000);
      // B now "crashes" without acking: the next sweep must still find entry 2.
      expect(await other.staleOutboxes(0, Date.now() + 1000, 10_000)).toContain(key);
    });

    it("two processes making 1,000 interleaved updates lose none", async () => {
      const [a, b] = [
        createRedis(REDIS_URL, { role: "commands" }),
        createRedis(REDIS_URL, { role: "commands" }),
      ];
      try {
        await Promise.all([waitUntilReady(a), waitUntilReady(b)]);
        const key = freshKey();
        const stores = [a, b].map((r) => new RedisConversationStore(r, { prefix }));
        const [conflictsA, conflictsB] = await Promise.all(
          stores.map((s, p) => incrementTurns(s, key, `p${p}`, 500)),
        );
        const final = await stores[0]?.load(key);
        expect(final?.version).toBe(1000);
        expect(migrateSession(final?.session).turns).toBe(1000);
        expect(await stores[0]?.pendingOutbox(key)).toEqual([]);
        expect(await stores[1]?.staleOutboxes(0, Date.now() + 1000, 10_000)).not.toContain(key);
        // They really raced: some commits had to be retried.
        expect((conflictsA ?? 0) + (conflictsB ?? 0)).toBeGreaterThan(0);
      } finally {
        await Promise.all([a.quit(), b.quit()]);
      }
    }, 60_000);
  });
});

/**
 * What a runtime does per message: load, step (here: count a turn), commit with the
 * message id and an outbox entry, retry from a fresh load on conflict, then ack.
 * Returns how many commits conflicted.
 */
async function incrementTurns(
  store: RedisConversationStore,
  key: string,
  name: string,
  updates: number,
): Promise<number> {
  let conflicts = 0;
  for (let i = 0; i < updates; i++) {
    for (;;) {
      const { session, version } = await store.load(key);
      const next = session === undefined ? newSession(Date.now()) : migrateSession(session);
      next.turns += 1;
      const result = await store.commit(key, version, next, {
        dedupeId: `${name}-${i}`,
        outbox: [{ type: "end" }],
      });
      if (result === "duplicate") throw new Error(`${name}-${i} seen twice`);
      if (result === "ok") {
        await store.ackOutbox(key, version + 1);
        break;
      }
      conflicts += 1;
      if (conflicts > 100_000) throw new Error("no progress");
    }
  }
  return conflicts;
}

/** The part of a key Redis Cluster hashes: between the first `{` and the next `}`. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}
