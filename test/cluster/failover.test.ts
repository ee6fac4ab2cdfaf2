/**
 * A primary dies under load (kill -9) while its replica lags behind, and the replica takes
 * over: what was acknowledged (a write that resolved, then the replica barrier) is still
 * there afterwards, on a Cluster and under Sentinel (without the barrier, the writes of the
 * lag are acknowledged and lost). The barrier holds for a lag shorter than its timeout;
 * beyond it, writes stand on the primary alone (availability over durability), so the
 * timeout here is long enough for a loaded test machine, and the client's commands outlast
 * it (decision 0042). Writes made while the slot had no primary fail, and are retried, as
 * the channels' redeliveries retry an update. Afterwards the load must go on: the new
 * primary has no replica, and the barrier must find that out (ROLE) rather than wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivateCluster, PrivateSentinels } from "../../bench/lib/redis-cluster.js";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import type { RedisConnection } from "../../src/config.js";
import {
  createRedis,
  type RedisClient,
  waitUntilReady,
} from "../../src/stores/redis/connection.js";
import { replicaBarrier } from "../../src/stores/redis/replicas.js";
import { escalation } from "../cases/case-store.contract.js";

const WRITERS = 8;

/** Long enough for a replica stopped under a loaded 2-core machine to be caught waiting. */
const WAIT_TIMEOUT_MS = 10_000;

/** Escalate cases from `WRITERS` loops until `stop()`, retrying what fails; returns what was acknowledged. */
function underLoad(store: RedisCaseStore, barrier: () => Promise<void>) {
  const acknowledged: string[] = [];
  let failures = 0;
  let running = true;
  const loops = Array.from({ length: WRITERS }, async () => {
    while (running) {
      const input = escalation();
      for (;;) {
        try {
          await store.upsert(input);
          await barrier();
          acknowledged.push(input.caseRef);
          break;
        } catch {
          failures += 1;
          if (!running) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  });
  return {
    acknowledged,
    failures: () => failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function lostAfterFailover(
  connection: RedisConnection,
  fail: (someCase: string) => Promise<void>,
): Promise<{ lost: string[]; acknowledged: number; failures: number }> {
  const client: RedisClient = createRedis(connection, {
    role: "commands",
    waitTimeoutMs: WAIT_TIMEOUT_MS,
  });
  client.on("error", () => undefined);
  await waitUntilReady(client, 20_000);
  try {
    const store = new RedisCaseStore(client, { prefix: "failover:" });
    const load = underLoad(
      store,
      replicaBarrier(client, { replicas: 1, timeoutMs: WAIT_TIMEOUT_MS }),
    );
    while (load.acknowledged.length < 200) await new Promise((r) => setTimeout(r, 20));
    await fail(load.acknowledged[0] as string);
    const before = load.acknowledged.length;
    // The new primary has no replica yet: the barrier sees it (ROLE) and the load goes on.
    while (load.acknowledged.length < before + 50) await new Promise((r) => setTimeout(r, 20));
    await load.stop();
    const lost: string[] = [];
    for (const id of load.acknowledged) if (!(await store.get(id))) lost.push(id);
    return { lost, acknowledged: load.acknowledged.length, failures: load.failures() };
  } finally {
    client.disconnect();
  }
}

describe("a Redis Cluster loses a primary under load", () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await PrivateCluster.start();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("keeps every acknowledged case, and the load goes on through the new primary", {
    timeout: 150_000,
  }, async () => {
    const result = await lostAfterFailover(
      { kind: "cluster", nodes: cluster.seeds },
      // The case's own key: its slot's primary dies.
      (id) => cluster.failPrimaryOf(`failover:case:{${id}}`, { replicaBehindMs: 300 }),
    );
    expect(result.lost).toEqual([]);
    expect(result.acknowledged).toBeGreaterThanOrEqual(250);
  });
});

describe("a Sentinel-watched primary dies under load", () => {
  let set: PrivateSentinels;
  beforeAll(async () => {
    set = await PrivateSentinels.start();
  });
  afterAll(async () => {
    await set?.stop();
  });

  it("keeps every acknowledged case once the replica is promoted", {
    timeout: 150_000,
  }, async () => {
    const result = await lostAfterFailover(
      { kind: "sentinel", sentinels: set.sentinels, name: set.name },
      () => set.failPrimary({ replicaBehindMs: 300 }),
    );
    expect(result.lost).toEqual([]);
    expect(result.acknowledged).toBeGreaterThanOrEqual(250);
  });
});
