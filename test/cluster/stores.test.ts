/**
 * The stores' contract suites, unchanged, on a real Redis Cluster (three primaries) and on
 * a Sentinel-watched primary: every script and transaction must stay within one slot, and
 * queue-wide indexes must work wherever their slot lives. The console's live updates use
 * classic pub/sub, which a Cluster broadcasts to every node: one instance's event must
 * reach a console on another, whichever nodes their connections landed on.
 */
import { randomUUID } from "node:crypto";
import { describe } from "vitest";
import { RedisCaseCodes } from "../../src/cases/case-codes.js";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import { RedisWhatsAppStore } from "../../src/channels/whatsapp/redis-store.js";
import { consoleStores } from "../../src/console/stores.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { RedisMatchStore } from "../../src/stores/redis/match-store.js";
import { caseCodesContract } from "../cases/case-codes.contract.js";
import { caseStoreContract } from "../cases/case-store.contract.js";
import { sendBudgetContract } from "../channels/send-budget.contract.js";
import { whatsAppStoreContract } from "../channels/whatsapp-store.contract.js";
import {
  CONSOLE_CONFIG,
  consoleEventsContract,
  consoleStoresContract,
} from "../console/stores.contract.js";
import { matchStoreContract } from "../reunite/match-store.contract.js";
import { schedulerContract } from "../schedule/scheduler.contract.js";
import { conversationStoreContract } from "../stores/conversation-store.contract.js";
import { type Topology, useCluster } from "./cluster-env.js";

const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
const names = hashedNames(Buffer.alloc(32, 5));

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
    caseCodesContract(topology, () => new RedisCaseCodes(env.redis, env.prefix, names));
    whatsAppStoreContract(
      topology,
      (clock) =>
        new RedisWhatsAppStore(env.redis, {
          prefix: freshPrefix(),
          names,
          codec,
          now: () => clock.now,
        }),
    );
    consoleStoresContract(topology, () =>
      consoleStores(CONSOLE_CONFIG, codec, { client: env.redis, prefix: freshPrefix() }),
    );
    consoleEventsContract(topology, async () =>
      consoleStores(CONSOLE_CONFIG, codec, { client: await env.client(), prefix: env.prefix }),
    );
    sendBudgetContract(topology, env);
  });
}
