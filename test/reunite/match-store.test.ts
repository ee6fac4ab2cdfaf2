/**
 * The match store contract on the memory twin and on real Redis, and what only Redis can
 * show: no phone number or name in any key or value, and a case's keys in one slot.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { MemoryMatchStore } from "../../src/reunite/memory-match-store.js";
import { RedisMatchStore } from "../../src/stores/redis/match-store.js";
import { hashTag, useRedis } from "../cases/redis-env.js";
import { rawValues } from "../helpers/redis.js";
import { matchStoreContract, profile } from "./match-store.contract.js";

describe("memory twin", () => {
  matchStoreContract(
    "memory",
    (opts) => new MemoryMatchStore(opts),
    async () => {},
  );

  it("leaves nothing behind when every case is forgotten", async () => {
    const store = new MemoryMatchStore();
    const a = profile({
      kind: "family",
      answers: { name: "Sinta Hadiwijaya", phones: "0812 1212 3434" },
    });
    const b = profile({ conversation: "wa:+6281212123434" });
    await store.file(a);
    await store.file(b);
    await store.suggest(a.id, b.id, { score: 0.8, reasons: [], state: "suggested", at: 1 });
    await store.forget(a.id);
    await store.forget(b.id);
    expect(store.size()).toEqual({ profiles: 0, keys: 0, matches: 0 });
  });
});

describe("redis", () => {
  const env = useRedis();
  const fresh = (opts = {}) =>
    new RedisMatchStore(env.redis, { prefix: `${env.prefix}${randomUUID()}:`, ...opts });

  matchStoreContract("redis", fresh, env.cleanup);

  it("keeps no number or name in the clear, and leaves no key when cases are forgotten", async () => {
    const prefix = `${env.prefix}${randomUUID()}:`;
    const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
    const store = new RedisMatchStore(env.redis, { prefix, codec });
    const a = profile({
      kind: "family",
      answers: { name: "Sinta Hadiwijaya", phones: "0812 1212 3434" },
    });
    const b = profile({ conversation: "wa:+6281212123434", answers: { name: "Sinta" } });
    await store.file(a);
    await store.file(b);
    await store.suggest(a.id, b.id, { score: 0.8, reasons: [], state: "suggested", at: 1 });
    const raw = (await rawValues(env.redis, prefix)).join("\n");
    for (const secret of ["6281212123434", "1212", "sinta", "Sinta", "hadiwijaya"])
      expect(raw).not.toContain(secret);
    const keys = await env.keys(`${prefix.slice(env.prefix.length)}rn:*{${a.id}}`);
    expect(keys.map(hashTag)).toEqual(keys.map(() => a.id));
    expect(keys).toHaveLength(2);
    await store.forget(a.id);
    await store.forget(b.id);
    expect(await rawValues(env.redis, prefix)).toEqual([]);
  });
});
