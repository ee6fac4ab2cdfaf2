/**
 * The stores' contract suites, unchanged, on a real Redis Cluster (three primaries) and on
 * a Sentinel-watched primary: every script and transaction must stay within one slot, and
 * queue-wide indexes must work wherever their slot lives.
 */
import { randomUUID } from "node:crypto";
import { describe } from "vitest";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { RedisMatchStore } from "../../src/stores/redis/match-store.js";
import { caseStoreContract } from "../cases/case-store.contract.js";
import { matchStoreContract } from "../reunite/match-store.contract.js";
import { schedulerContract } from "../schedule/scheduler.contract.js";
import { conversationStoreContract } from "../stores/conversation-store.contract.js";
import { type Topology, useCluster } from "./cluster-env.js";

for (const topology of ["cluster", "sentinel"] satisfies Topology[]) {
  describe(topology, () => {
    const env = useCluster(topology);
    const freshPrefix = () => `${env.prefix}${randomUUID()}:`;

    conversationStoreContract(
      topology,
      (opts) => new RedisConversationStore(env.redis, { prefix: env.prefix, ...opts }),
      env.cleanup,
    );
    caseStoreContract(
      topology,
      (opts) => new RedisCaseStore(env.redis, { prefix: freshPrefix(), ...opts }),
      env.cleanup,
    );
    matchStoreContract(
      topology,
      (opts) => new RedisMatchStore(env.redis, { prefix: freshPrefix(), ...opts }),
      env.cleanup,
    );
    schedulerContract(
      topology,
      () => new RedisScheduler(env.redis, { prefix: freshPrefix() }),
      env.cleanup,
    );
  });
}
