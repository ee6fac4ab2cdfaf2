/**
 * A real Redis for a test file: its own random key prefix, clients that are quit at the
 * end, and cleanup by SCAN of that prefix only (never FLUSHDB: other files share Redis).
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect } from "vitest";
import { createRedis, waitUntilReady } from "../../src/stores/redis/connection.js";
import { REDIS_URL } from "../helpers/redis-url.js";

export interface RedisEnv {
  /** Every key this file writes starts with it. */
  readonly prefix: string;
  /** The shared client (ready inside tests). */
  readonly redis: Redis;
  /** Another client, as a second process would have; quit at the end (or by the test). */
  client(): Promise<Redis>;
  /** Every key under `prefix` + `pattern`. */
  keys(pattern?: string): Promise<string[]>;
  /** Delete every key under the prefix. */
  cleanup(): Promise<void>;
}

/** Register beforeAll/afterAll hooks and return the environment. */
export function useRedis(): RedisEnv {
  const prefix = `test:${randomUUID()}:`;
  const extra = new Set<Redis>();
  let shared: Redis | undefined;

  const env: RedisEnv = {
    prefix,
    get redis(): Redis {
      if (!shared) throw new Error("redis is only available inside tests");
      return shared;
    },
    async client() {
      const c = createRedis(REDIS_URL, { role: "commands" });
      extra.add(c);
      await waitUntilReady(c);
      return c;
    },
    async keys(pattern = "*") {
      const found: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await env.redis.scan(
          cursor,
          "MATCH",
          `${prefix}${pattern}`,
          "COUNT",
          500,
        );
        found.push(...keys);
        cursor = next;
      } while (cursor !== "0");
      return found;
    },
    async cleanup() {
      const keys = await env.keys();
      if (keys.length > 0) await env.redis.unlink(...keys);
    },
  };

  beforeAll(async () => {
    shared = createRedis(REDIS_URL, { role: "commands" });
    await waitUntilReady(shared);
  });

  afterAll(async () => {
    await env.cleanup();
    expect(await env.keys()).toEqual([]);
    await Promise.all([...extra].filter((c) => c.status === "ready").map((c) => c.quit()));
    await shared?.quit();
  });

  return env;
}

/** The part of a key Redis Cluster hashes: between the first `{` and the next `}`. */
export function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

/** A settable clock. */
export function fakeClock(start: number): {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
