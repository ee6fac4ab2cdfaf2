/**
 * Real Redis for the encryption tests: one client and a random key prefix per test file,
 * raw dumps of everything under the prefix, and cleanup of that prefix only (SCAN, never
 * FLUSHDB: other suites share the server).
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createRedis, waitUntilReady } from "../../src/stores/redis/connection.js";
import { REDIS_URL } from "../helpers/redis-url.js";

/** A key and everything stored in it, as Redis holds it. */
export interface RawEntry {
  key: string;
  type: string;
  /** Every string Redis holds for this key: field names and values, members, scores. */
  strings: string[];
}

export interface RedisFixture {
  readonly redis: Redis;
  readonly prefix: string;
  /** Every key matching `pattern` (a SCAN glob), which should start with the prefix. */
  keys(pattern?: string): Promise<string[]>;
  /** Every key under the prefix with its raw contents (SCAN + TYPE + HGETALL/GET/ZRANGE...). */
  dump(): Promise<RawEntry[]>;
  /** Delete every key under the prefix (and any extra keys a test made elsewhere). */
  cleanup(...extra: string[]): Promise<void>;
}

/** Sets up a client and prefix for the calling test file; cleans up after it. */
export function useRedis(): RedisFixture {
  const prefix = `test:${randomUUID()}:`;
  let client: Redis | undefined;
  const redis = () => {
    if (!client) throw new Error("redis is not connected yet (use it inside tests)");
    return client;
  };

  beforeAll(async () => {
    client = createRedis(REDIS_URL, { role: "commands" });
    await waitUntilReady(client);
  });

  const fixture: RedisFixture = {
    get redis() {
      return redis();
    },
    prefix,
    async keys(pattern = `${prefix}*`) {
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, batch] = await redis().scan(cursor, "MATCH", pattern, "COUNT", 500);
        for (const k of batch) found.add(k);
        cursor = next;
      } while (cursor !== "0");
      return [...found].sort();
    },
    async dump() {
      const entries: RawEntry[] = [];
      for (const key of await fixture.keys()) {
        const r = redis();
        const type = await r.type(key);
        let strings: string[];
        if (type === "hash") strings = Object.entries(await r.hgetall(key)).flat();
        else if (type === "string") strings = [(await r.get(key)) ?? ""];
        else if (type === "zset") strings = await r.zrange(key, 0, -1, "WITHSCORES");
        else if (type === "set") strings = await r.smembers(key);
        else if (type === "list") strings = await r.lrange(key, 0, -1);
        else if (type === "none") continue;
        else throw new Error(`the dump does not read ${type} keys yet`);
        entries.push({ key, type, strings });
      }
      return entries;
    },
    async cleanup(...extra) {
      const keys = [...(await fixture.keys()), ...extra];
      if (keys.length > 0) await redis().unlink(...keys);
    },
  };

  afterAll(async () => {
    if (!client) return;
    await fixture.cleanup();
    await client.quit();
  });

  return fixture;
}
