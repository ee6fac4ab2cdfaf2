/**
 * The WhatsApp store's contract, on the memory twin and on real Redis alike: sent messages
 * with their delivery status (when each person last wrote is the conversation store's).
 * In Redis no key name holds a phone number or a message id.
 */
import { describe, expect, it } from "vitest";
import { RedisWhatsAppStore } from "../../src/channels/whatsapp/redis-store.js";
import { MemoryWhatsAppStore, type WhatsAppStore } from "../../src/channels/whatsapp/store.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import { useRedis } from "../cases/redis-env.js";

const HOUR = 60 * 60 * 1000;
const KEY = "wa:+6281234567890";
const WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ2QkY1QTA=";

function contract(name: string, make: (clock: { now: number }) => WhatsAppStore) {
  describe(`WhatsApp store (${name})`, () => {
    it("records sent messages and moves their status only forward", async () => {
      const clock = { now: 10 * HOUR };
      const store = make(clock);
      await store.sent(WAMID, KEY, clock.now);
      expect(await store.statusOf(WAMID)).toBe("sent");
      expect(await store.status(WAMID, "read", clock.now)).toEqual({
        changed: true,
        conversation: KEY,
      });
      expect(await store.status(WAMID, "delivered", clock.now)).toEqual({
        changed: false,
        conversation: KEY,
      });
      expect(await store.statusOf(WAMID)).toBe("read");
      expect(await store.status(WAMID, "failed", clock.now)).toEqual({
        changed: true,
        conversation: KEY,
      });
      expect(await store.status(WAMID, "failed", clock.now)).toEqual({
        changed: false,
        conversation: KEY,
      });
    });

    it("takes a receipt that comes before the send was recorded", async () => {
      const clock = { now: 10 * HOUR };
      const store = make(clock);
      expect(await store.status("wamid.early", "delivered", clock.now)).toEqual({ changed: true });
      await store.sent("wamid.early", KEY, clock.now);
      expect(await store.statusOf("wamid.early")).toBe("delivered");
      expect(await store.status("wamid.early", "read", clock.now)).toEqual({
        changed: true,
        conversation: KEY,
      });
    });
  });
}

contract("memory", (clock) => new MemoryWhatsAppStore({ now: () => clock.now }));

const env = useRedis();
const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
const names = hashedNames(Buffer.alloc(32, 7));
contract(
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
