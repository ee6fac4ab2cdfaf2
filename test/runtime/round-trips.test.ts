/**
 * What an update costs in Redis round trips, on real Redis and the real runtime, effect
 * router and stores (encrypted, discreet mode on): loading it is one, saving it one, and
 * acknowledging its delivery (with the chat log and the deletion timer) at most one more.
 *
 * A round trip is counted when a command is sent while none of ours is waiting for its
 * answer: commands sent together (one write) share one.
 */
import { randomUUID } from "node:crypto";
import type { Command, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import type { Effect } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { TIDY_SLOT_MS } from "../../src/runtime/chat-log.js";
import { EffectRouter } from "../../src/runtime/effects.js";
import { Runtime } from "../../src/runtime/runtime.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import { createRedis, waitUntilReady } from "../../src/stores/redis/connection.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { realBundle } from "../helpers/content.js";
import { REDIS_URL } from "../helpers/redis-url.js";

/** Counts round trips and commands on one client. */
function countTrips(client: Redis) {
  const counts = { trips: 0, commands: 0, waiting: 0 };
  const send = client.sendCommand.bind(client);
  const counted = (command: Command, ...rest: unknown[]) => {
    if (counts.waiting === 0) counts.trips += 1;
    counts.commands += 1;
    counts.waiting += 1;
    const settle = () => {
      counts.waiting -= 1;
    };
    command.promise.then(settle, settle);
    return (send as (c: Command, ...r: unknown[]) => unknown)(command, ...rest);
  };
  (client as unknown as { sendCommand: typeof counted }).sendCommand = counted;
  return {
    reset: () => {
      counts.trips = 0;
      counts.commands = 0;
    },
    get trips() {
      return counts.trips;
    },
    get commands() {
      return counts.commands;
    },
  };
}

describe("Redis round trips per update", () => {
  const prefix = `test:${randomUUID()}:`;
  let redis: Redis;

  beforeAll(async () => {
    redis = createRedis(REDIS_URL, { role: "commands" });
    await waitUntilReady(redis);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.unlink(...keys);
    await redis.quit();
  });

  it("is at most three for an ordinary text message, with its deletion timer armed", async () => {
    const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
    const names = hashedNames(Buffer.alloc(32, 3));
    const timers = new RedisScheduler(redis, { prefix, codec });
    const store = new RedisConversationStore(redis, { prefix, codec, names, timers });
    const sent: string[] = [];
    let n = 0;
    const router = new EffectRouter({
      channels: {
        tg: {
          deliver: async (_key, replies) => {
            sent.push(...replies.map((r) => r.text));
            return { ids: replies.map(() => String(++n)) };
          },
          deleteMessages: async () => undefined,
        },
      },
      cases: {
        escalate: async () => undefined,
        relay: async () => undefined,
        erase: async () => undefined,
      },
      reattach: { reattach: async () => ({ kind: "system", event: "reattach_failed" }) },
      chatLog: store,
      scheduler: timers,
      eraser: { erase: (key) => store.remove(key) },
      reachability: store,
      log: createLogger("silent"),
      windowMs: 24 * 60 * 60 * 1000,
      names,
    });
    const runtime = new Runtime({
      bundle: realBundle(),
      store,
      sink: router,
      log: createLogger("silent"),
      ids: () => randomUUID(),
    });
    const key = `tg:${Date.now()}`;
    const counter = countTrips(redis);
    const say = async (text: string, id: string) => {
      const outcome = await runtime.handle(key, { kind: "text", text, origin: id }, id);
      if (outcome.status !== "handled") throw new Error(outcome.status);
      return { effects: outcome.effects, delivered: await outcome.delivered };
    };
    // The first message loads the scripts into Redis (once per Redis, not per update).
    await say("halo", "1");
    await say("1", "2");
    counter.reset();
    const before = sent.length;
    const step = await say("aman", "3");

    expect(step.delivered).toBe("done");
    expect(sent.length).toBeGreaterThan(before);
    expect(step.effects.some((e: Effect) => e.type === "tidy")).toBe(true);
    expect(counter.trips).toBeLessThanOrEqual(3);
    // The messages are logged and the one timer is armed, within those round trips.
    const logged = await store.all(key, Date.now());
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).toContain("3");
    const due = await timers.claimDue(Date.now() + 60 * TIDY_SLOT_MS, 10, 1_000);
    expect(due.map((j) => j.payload)).toEqual([{ kind: "tidy", conversation: key }]);
  });
});
