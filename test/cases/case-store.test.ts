/**
 * The case store contract on the memory twin and on real Redis, plus what only Redis can
 * show: key layout, the codec's output, claims from 50 separate clients, raw values after
 * an erase, and the lazy repair of the queue index after a crash between two writes.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import type { Codec } from "../../src/stores/codec.js";
import { interceptOnce, rawValues } from "../helpers/redis.js";
import { markingCodec } from "../stores/conversation-store.contract.js";
import {
  caseStoreContract,
  created,
  escalation,
  MIN,
  PERSONAL,
  T0,
} from "./case-store.contract.js";
import { hashTag, useRedis } from "./redis-env.js";

describe("memory twin", () => {
  caseStoreContract(
    "memory",
    (opts) => new MemoryCaseStore(opts),
    async () => {},
  );
});

describe("redis", () => {
  const env = useRedis();
  /** A store on its own sub-prefix, so queue-order tests see only their own cases. */
  const fresh = (opts: { codec?: Codec } = {}, client?: Redis) => {
    const prefix = `${env.prefix}${randomUUID()}:`;
    return { prefix, store: new RedisCaseStore(client ?? env.redis, { prefix, ...opts }) };
  };

  caseStoreContract("redis", (opts) => fresh(opts).store, env.cleanup);

  describe("Redis specifics", () => {
    it("keeps each case in one hash-tagged hash, queued by priority rank and age", async () => {
      const { prefix, store } = fresh();
      const c = await created(store, { priority: "P2" });
      await store.claim(c.id, "op7", T0 + MIN);
      const key = `${prefix}case:{${c.id}}`;
      expect(hashTag(key)).toBe(c.id);
      expect(await env.redis.type(key)).toBe("hash");
      const fields = await env.redis.hgetall(key);
      expect(Object.keys(fields).sort()).toEqual(["d", "o", "s", "v"]);
      expect(fields).toMatchObject({ s: "claimed", o: "op7", v: "2" });
      expect(await env.redis.zscore(`${prefix}cases:open`, c.id)).toBe(String(2e13 + T0));
      expect(await env.redis.zscore(`${prefix}cases:created`, c.id)).toBe(String(T0));
      await store.close(c.id, "op7", "safe", T0 + 2 * MIN);
      expect(await env.redis.hget(key, "o")).toBeNull();
      expect(await env.redis.zscore(`${prefix}cases:open`, c.id)).toBeNull();
      expect(await env.redis.zscore(`${prefix}cases:closed`, c.id)).toBe(String(T0 + 2 * MIN));
    });

    it("stores the whole case through the codec", async () => {
      const codec = markingCodec();
      const { prefix, store } = fresh({ codec });
      const c = await created(store);
      const raw = await env.redis.hget(`${prefix}case:{${c.id}}`, "d");
      expect(raw?.startsWith("X")).toBe(true);
      expect(await store.get(c.id)).toEqual(c);
      expect(codec.decoded).toBeGreaterThan(0);
    });

    it("validates stored cases on read", async () => {
      const { prefix, store } = fresh();
      await env.redis.hset(
        `${prefix}case:{BROKEN}`,
        "d",
        JSON.stringify({ id: "BROKEN" }),
        "v",
        "1",
      );
      await expect(store.get("BROKEN")).rejects.toThrow();
    });

    it("of 50 claims from 50 separate clients exactly one wins", async () => {
      const { prefix, store } = fresh();
      const c = await created(store, { priority: "P1" });
      const clients = await Promise.all(Array.from({ length: 50 }, () => env.client()));
      try {
        const stores = clients.map((client) => new RedisCaseStore(client, { prefix }));
        const results = await Promise.all(stores.map((s, i) => s.claim(c.id, `op${i}`, T0 + MIN)));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.error === "already_claimed")).toHaveLength(49);
        const stored = await store.get(c.id);
        expect(stored?.audit.filter((a) => a.action === "claimed")).toHaveLength(1);
        expect(await env.redis.hget(`${prefix}case:{${c.id}}`, "o")).toBe(stored?.operator);
      } finally {
        await Promise.all(clients.map((client) => client.quit()));
      }
    });

    for (const [name, codec] of [
      ["json", undefined],
      ["base64", base64Codec],
    ] as const) {
      it(`erase leaves no personal value in any raw Redis value (${name} codec)`, async () => {
        const { prefix, store } = fresh(codec ? { codec } : {});
        const c = await created(store, { priority: "P1" });
        await store.claim(c.id, "op1", T0 + MIN);
        await store.addNote(
          c.id,
          "op1",
          `${PERSONAL.name} is at ${PERSONAL.placeText}`,
          T0 + 2 * MIN,
        );
        await store.audit(c.id, "op1", "called", T0 + 3 * MIN, PERSONAL.phone);
        await store.setTopic(c.id, 55);
        const before = await rawValues(env.redis, prefix);
        expect(before.some((v) => decodedForms(v).some((f) => f.includes(PERSONAL.name)))).toBe(
          true,
        );
        await store.erase(c.id, T0 + 4 * MIN);
        const after = await rawValues(env.redis, prefix);
        expect(after.length).toBeGreaterThan(0);
        for (const value of after) {
          for (const form of decodedForms(value)) {
            for (const secret of Object.values(PERSONAL)) expect(form).not.toContain(secret);
          }
        }
      });
    }

    it("readers drop queue entries whose case is gone or closed, and lower stale scores", async () => {
      const { prefix, store } = fresh();
      const open = `${prefix}cases:open`;
      const gone = "NOSUCHCASE";
      await env.redis.zadd(open, 1, gone);
      // A close whose index update never happened (the process died in between).
      const closed = await created(store, { now: T0 });
      await store.close(closed.id, "op1", "safe", T0 + MIN);
      await env.redis.zadd(open, 2, closed.id);
      await env.redis.zrem(`${prefix}cases:closed`, closed.id);
      // A raise whose index update never happened: P1 now, still scored as P3.
      const raised = escalation({ priority: "P3", now: T0 + 1 });
      await store.upsert(raised);
      const stale = await env.redis.zscore(open, raised.caseRef);
      await store.upsert({ ...raised, priority: "P1", now: T0 + 2 });
      await env.redis.zadd(open, Number(stale), raised.caseRef);
      const p2 = await created(store, { priority: "P2", now: T0 });

      expect((await store.open(10)).map((c) => c.id)).toEqual([raised.caseRef, p2.id]);
      expect(await env.redis.zscore(open, gone)).toBeNull();
      expect(await env.redis.zscore(open, closed.id)).toBeNull();
      expect(await env.redis.zscore(`${prefix}cases:closed`, closed.id)).toBe(String(T0 + MIN));
      expect(await env.redis.zscore(open, raised.caseRef)).toBe(String(1e13 + T0 + 1));
      expect(await env.redis.zrange(open, 0, -1)).toEqual([raised.caseRef, p2.id]);
    });

    it("a redelivered escalation puts a case the crash left unqueued back in the queue", async () => {
      const { prefix, store } = fresh();
      const input = escalation();
      await store.upsert(input);
      await env.redis.zrem(`${prefix}cases:open`, input.caseRef);
      expect(await store.open(10)).toEqual([]);
      expect((await store.upsert(input)).change).toBe("updated");
      expect((await store.open(10)).map((c) => c.id)).toEqual([input.caseRef]);
    });

    it("a close racing a reopen in another process leaves the reopened case queued", async () => {
      const { prefix, store: other } = fresh();
      const input = escalation();
      await other.upsert(input);
      await other.claim(input.caseRef, "op1", T0 + MIN);
      // Between the closer's case write and its index removal, B reopens the case.
      const closer = new RedisCaseStore(
        interceptOnce(env.redis, "zrem", () => other.upsert({ ...input, now: T0 + 3 * MIN })),
        { prefix },
      );
      expect((await closer.close(input.caseRef, "op1", "safe", T0 + 2 * MIN)).ok).toBe(true);
      expect((await other.get(input.caseRef))?.status).toBe("queued");
      expect((await other.queued(10)).map((c) => c.id)).toEqual([input.caseRef]);
      expect(await env.redis.zscore(`${prefix}cases:open`, input.caseRef)).not.toBeNull();
    });
  });
});

/** Reversible but unreadable: raw values must be checked decoded as well as raw. */
const base64Codec: Codec = {
  encode: (value) => Buffer.from(JSON.stringify(value)).toString("base64"),
  decode: (text) => JSON.parse(Buffer.from(text, "base64").toString()),
};

/** A raw value as stored and as the base64 codec would decode it. */
function decodedForms(value: string): string[] {
  return [value, Buffer.from(value, "base64").toString("utf8")];
}
