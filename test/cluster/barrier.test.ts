/**
 * The replica barrier against real primaries: it never holds the helpline up behind a
 * primary that has no replica, and the commands sent behind a WAIT outlast it (the bug of
 * decision 0042: a WAIT longer than the command timeout made every command of a promoted
 * primary's slots fail for good).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivateRedis } from "../../bench/lib/redis.js";
import { until } from "../../bench/lib/redis-cluster.js";
import { createRedis, waitUntilReady } from "../../src/stores/redis/connection.js";
import { replicaBarrier } from "../../src/stores/redis/replicas.js";

/** Far longer than any test here may take: a barrier that waits it out fails the test. */
const LONG_WAIT_MS = 60_000;

describe("the replica barrier", () => {
  let primary: PrivateRedis;
  let replica: PrivateRedis;
  let alone: PrivateRedis;
  beforeAll(async () => {
    [primary, alone] = await Promise.all([PrivateRedis.start(), PrivateRedis.start()]);
    replica = await PrivateRedis.start({
      args: ["--replicaof", "127.0.0.1", String(primary.port)],
    });
    const probe = new Redis(primary.port, "127.0.0.1");
    await until("the replica to be in sync", async () =>
      /slave0:.*state=online/.test(await probe.info("replication")),
    );
    probe.disconnect();
  });
  afterAll(async () => {
    await Promise.all([primary, replica, alone].map((r) => r?.stop()));
  });

  const clientOf = async (node: PrivateRedis) => {
    const client = createRedis(node.url, { role: "commands", waitTimeoutMs: LONG_WAIT_MS });
    await waitUntilReady(client);
    return client;
  };

  /** A barrier on `node` for one replica, with the short answers it reported. */
  const barrierOn = async (node: PrivateRedis) => {
    const client = await clientOf(node);
    const shorts: number[] = [];
    const barrier = replicaBarrier(client, {
      replicas: 1,
      timeoutMs: LONG_WAIT_MS,
      onShort: (n) => shorts.push(n),
    });
    return { client, shorts, barrier };
  };

  it("lets a write pass once the replica holds it", { timeout: 20_000 }, async () => {
    const { client, shorts, barrier } = await barrierOn(primary);
    try {
      await client.set("barrier:held", "yes");
      await barrier();
      const onReplica = new Redis(replica.port, "127.0.0.1");
      expect(await onReplica.get("barrier:held")).toBe("yes");
      onReplica.disconnect();
      expect(shorts).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it("does not wait on a primary with no replica, and says so", { timeout: 20_000 }, async () => {
    const { client, shorts, barrier } = await barrierOn(alone);
    try {
      for (let i = 0; i < 3; i++) {
        await client.set(`barrier:alone:${i}`, "x");
        await barrier();
      }
      expect(await client.get("barrier:alone:2")).toBe("x");
      expect(shorts).toEqual([0]);
    } finally {
      client.disconnect();
    }
  });

  it("keeps commands sent behind a WAIT that runs out its time", { timeout: 30_000 }, async () => {
    const client = await clientOf(primary);
    const pid = replica.pid as number;
    process.kill(pid, "SIGSTOP");
    try {
      const waitMs = 3_000; // above the plain command timeout of 2 s
      const barrier = replicaBarrier(client, { replicas: 1, timeoutMs: waitMs });
      await client.set("barrier:lagging", "1");
      const waited = barrier();
      // Sent behind the WAIT on the same connection: Redis reads it after the WAIT ends.
      const after = client.get("barrier:lagging");
      await waited;
      expect(await after).toBe("1");
    } finally {
      process.kill(pid, "SIGCONT");
      client.disconnect();
    }
  });

  it("refuses a wait that the client's commands could not outlast", async () => {
    const client = createRedis(alone.url, { role: "commands" });
    try {
      expect(() => replicaBarrier(client, { replicas: 1, timeoutMs: 5_000 })).toThrow(
        /command timeout/,
      );
    } finally {
      client.disconnect();
    }
  });
});
