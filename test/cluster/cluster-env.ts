/**
 * A Redis Cluster or Sentinel client for a test file, from what the cluster suite's global
 * setup started: its own key prefix, and cleanup that scans every primary (a Cluster's
 * keys live on three nodes; SCAN on the client would see one).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject } from "vitest";
import type { RedisConnection } from "../../src/config.js";
import {
  createRedis,
  type RedisClient,
  waitUntilReady,
} from "../../src/stores/redis/connection.js";
import { scanEveryPrimary } from "../../src/stores/redis/scan.js";

export type Topology = "cluster" | "sentinel";

/** The connection the global setup made for `topology`. */
export function connectionFor(topology: Topology): RedisConnection {
  if (topology === "cluster") return { kind: "cluster", nodes: inject("clusterSeeds") };
  const { sentinels, name } = inject("sentinels");
  return { kind: "sentinel", sentinels, name };
}

export interface ClusterEnv {
  readonly prefix: string;
  readonly redis: RedisClient;
  /** Another client, as a second process would have; quit at the end. */
  client(): Promise<RedisClient>;
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Register beforeAll/afterAll hooks and return the environment. */
export function useCluster(topology: Topology): ClusterEnv {
  const prefix = `test:${randomUUID()}:`;
  const extra = new Set<RedisClient>();
  let shared: RedisClient | undefined;
  const make = async () => {
    const c = createRedis(connectionFor(topology), { role: "commands" });
    await waitUntilReady(c, 20_000);
    return c;
  };

  const env: ClusterEnv = {
    prefix,
    get redis(): RedisClient {
      if (!shared) throw new Error("redis is only available inside tests");
      return shared;
    },
    async client() {
      const c = await make();
      extra.add(c);
      return c;
    },
    keys: () => scanEveryPrimary(env.redis, `${prefix}*`),
    async cleanup() {
      // One key per command: a Cluster refuses a multi-key UNLINK across slots.
      for (const key of await env.keys()) await env.redis.unlink(key);
    },
  };

  beforeAll(async () => {
    shared = await make();
  });

  afterAll(async () => {
    await env.cleanup();
    expect(await env.keys()).toEqual([]);
    await Promise.all([...extra].map((c) => c.quit().catch(() => undefined)));
    await shared?.quit();
  });

  return env;
}
