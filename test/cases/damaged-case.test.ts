/**
 * One damaged case record (undecryptable, or no longer a case) in real Redis never breaks
 * the queue, an operator's list, the day's numbers or the retention purge: it is skipped,
 * reported (id and what failed, never a value), and left where it is.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import type { DamagedCase } from "../../src/cases/store.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { created, MIN, T0 } from "./case-store.contract.js";
import { useRedis } from "./redis-env.js";

const env = useRedis();

function fresh() {
  const prefix = `${env.prefix}${randomUUID()}:`;
  const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
  const store = new RedisCaseStore(env.redis, { prefix, codec });
  const damaged: DamagedCase[] = [];
  store.onDamaged((d) => damaged.push(d));
  return { prefix, store, damaged };
}

describe("a damaged case record", () => {
  it("is skipped by the queue, an operator's list and the day's numbers, and reported", async () => {
    const { prefix, store, damaged } = fresh();
    const good = await created(store, { priority: "P2" });
    const broken = await created(store, { priority: "P1" });
    const mineGood = await created(store, { priority: "P3" });
    const mineBroken = await created(store, { priority: "P3" });
    await store.claim(mineGood.id, "op7", T0 + MIN);
    await store.claim(mineBroken.id, "op7", T0 + MIN);
    // Bytes that no key decrypts, and a record whose holder field still says op7.
    await env.redis.hset(`${prefix}case:{${broken.id}}`, "d", "garbage");
    await env.redis.hset(`${prefix}case:{${mineBroken.id}}`, "d", "k1.AAAA.BBBB");

    expect((await store.open(10)).map((c) => c.id)).toEqual([good.id, mineGood.id]);
    expect((await store.queued(10)).map((c) => c.id)).toEqual([good.id]);
    expect((await store.byOperator("op7")).map((c) => c.id)).toEqual([mineGood.id]);
    const stats = await store.stats(T0 + 2 * MIN, "UTC");
    expect([stats.created, stats.claimed]).toEqual([2, 1]); // the two readable ones

    expect(new Set(damaged.map((d) => d.id))).toEqual(new Set([broken.id, mineBroken.id]));
    expect(damaged[0]?.problem).toMatch(/^undecodable/);
    // Still there for someone to look at, and still listed.
    expect(await env.redis.zscore(`${prefix}cases:open`, broken.id)).not.toBeNull();
    await expect(store.get(broken.id)).rejects.toThrow();
  });

  it("says which field is wrong when the record decodes but is not a case", async () => {
    const { prefix, damaged } = fresh();
    const plain = new RedisCaseStore(env.redis, { prefix });
    const notes: DamagedCase[] = [];
    plain.onDamaged((d) => notes.push(d));
    const c = await created(plain);
    await env.redis.hset(
      `${prefix}case:{${c.id}}`,
      "d",
      JSON.stringify({ id: c.id, status: "lost" }),
    );
    expect(await plain.open(10)).toEqual([]);
    expect(notes).toEqual([{ id: c.id, problem: "channel: invalid_value" }]);
    expect(JSON.stringify(notes)).not.toContain("Siti");
    expect(damaged).toEqual([]);
  });

  it("does not stop the retention purge of the cases around it", async () => {
    const { prefix, store, damaged } = fresh();
    const a = await created(store);
    const b = await created(store);
    const c = await created(store);
    for (const x of [a, b, c]) await store.close(x.id, "op7", "safe", T0 + MIN);
    await env.redis.hset(`${prefix}case:{${b.id}}`, "d", "garbage");
    expect(await store.purgeClosedBefore(T0 + 10 * MIN, 100)).toBe(2);
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.get(c.id)).toBeUndefined();
    expect(await env.redis.exists(`${prefix}case:{${b.id}}`)).toBe(1);
    expect(damaged.map((d) => d.id)).toEqual([b.id]);
  });
});
