/**
 * The console's stores: one contract, run on the Redis implementation (real Redis, a
 * prefix of its own, the encrypting codec) and on the memory twin.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { consoleStores } from "../../src/console/stores.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { rawValues } from "../helpers/redis.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { dropPrefix } from "../helpers/service.js";
import {
  CONSOLE_CONFIG as config,
  consoleEventsContract,
  consoleStoresContract,
  T0,
} from "./stores.contract.js";

const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
const prefix = `test:console:${process.pid}:`;
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await dropPrefix(prefix);
  await redis.quit();
});

const kinds = {
  memory: () => consoleStores(config, codec),
  redis: () => consoleStores(config, codec, { client: redis, prefix }),
};

for (const [kind, make] of Object.entries(kinds)) consoleStoresContract(kind, make);

const instances: Redis[] = [];
afterAll(async () => {
  await Promise.all(instances.map((c) => c.quit()));
});
consoleEventsContract("redis", async () => {
  const client = new Redis(REDIS_URL);
  instances.push(client);
  return consoleStores(config, codec, { client, prefix });
});

describe("console data in Redis", () => {
  it("is encrypted: no name, message or secret readable in the database", async () => {
    const s = kinds.redis();
    await s.accounts.put({
      username: "rina",
      role: "operator",
      passwordHash: "$argon2id$secret",
      totpSecret: "TOTPSECRET",
      createdAt: T0,
    });
    await s.transcripts.add("ENC-1", {
      from: "person",
      at: T0,
      kind: "text",
      text: "saya di lantai 3",
    });
    const raw = (await rawValues(redis, prefix)).join("\n");
    for (const secret of ["$argon2id$secret", "TOTPSECRET", "lantai 3"])
      expect(raw).not.toContain(secret);
  });
});
