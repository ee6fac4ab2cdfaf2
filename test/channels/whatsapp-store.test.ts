/**
 * The WhatsApp store's contract, on the memory twin and on real Redis alike: sent messages
 * with their delivery status (when each person last wrote is the conversation store's).
 * In Redis no key name holds a phone number or a message id.
 */
import { describe, expect, it } from "vitest";
import { RedisWhatsAppStore } from "../../src/channels/whatsapp/redis-store.js";
import { MemoryWhatsAppStore } from "../../src/channels/whatsapp/store.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import { useRedis } from "../cases/redis-env.js";
import { HOUR, KEY, WAMID, whatsAppStoreContract } from "./whatsapp-store.contract.js";

whatsAppStoreContract("memory", (clock) => new MemoryWhatsAppStore({ now: () => clock.now }));

const env = useRedis();
const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
const names = hashedNames(Buffer.alloc(32, 7));
whatsAppStoreContract(
  "redis",
  (clock) =>
    new RedisWhatsAppStore(env.redis, { prefix: env.prefix, names, codec, now: () => clock.now }),
);

describe("WhatsApp store in Redis", () => {
  it("names no key by a phone number or a message id, and keeps the number encrypted", async () => {
    const store = new RedisWhatsAppStore(env.redis, { prefix: `${env.prefix}n:`, names, codec });
    await store.sent(WAMID, KEY, Date.now());
    const keys = await env.keys("n:*");
    expect(keys).toHaveLength(1);
    for (const k of keys) {
      expect(k).not.toContain("6281234567890");
      expect(k).not.toContain("HBgN");
    }
    const record = keys.find((k) => k.includes("wa:m:")) as string;
    expect(JSON.stringify(await env.redis.hgetall(record))).not.toContain("6281234567890");
    expect(await env.redis.pttl(record)).toBeGreaterThan(6 * 24 * HOUR);
  });
});
