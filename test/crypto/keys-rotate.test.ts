/**
 * `keys:rotate` on real Redis: values written under k1 (and plaintext from before
 * encryption) end up under k2 and readable with k1 removed; values it does not own are left
 * alone; a dry run writes nothing; and a value written by the service while the script runs
 * is never overwritten by a stale copy.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import type { DataKey } from "../../src/crypto/keys.js";
import { newSession, type Session } from "../../src/engine/session.js";
import type { Effect } from "../../src/engine/types.js";
import { formatReport, rotateKeys } from "../../src/scripts/keys-rotate.js";
import { type Codec, jsonCodec } from "../../src/stores/codec.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { interceptOnce } from "../helpers/redis.js";
import { freshKey } from "../stores/conversation-store.contract.js";
import { useRedis } from "./redis-fixture.js";

const db = useRedis();

const k0: DataKey = { id: "k0", key: randomBytes(32) }; // lost: nobody has it any more
const k1: DataKey = { id: "k1", key: randomBytes(32) };
const k2: DataKey = { id: "k2", key: randomBytes(32) };

const underK0 = createEncryptedCodec({ current: k0, previous: [] });
const underK1 = createEncryptedCodec({ current: k1, previous: [] });
const rotated = createEncryptedCodec({ current: k2, previous: [k1] });
const k2Only = createEncryptedCodec({ current: k2, previous: [] });

const store = (codec: Codec = rotated) =>
  new RedisConversationStore(db.redis, { prefix: db.prefix, codec });

const session = (turns: number): Session => ({
  ...newSession(Date.UTC(2026, 0, 20), "id"),
  answers: { name: `person ${turns}` },
  turns,
});
const effects = (n: number): Effect[] => [{ type: "reply", text: `reply ${n}` }];

/** Every value under the prefix in the encrypted format, by key id. */
async function valuesByKeyId(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const entry of await db.dump()) {
    for (const s of entry.strings) {
      const id = rotated.keyIdOf(s);
      if (id) counts[id] = (counts[id] ?? 0) + 1;
    }
  }
  return counts;
}

describe("keys:rotate", () => {
  const conversations: string[] = [];
  const plainConversation = freshKey();
  const caseKey = () => `${db.prefix}case:{7QX9M-2PAKD}`;
  const jobsKey = () => `${db.prefix}{sched}:jobs`;
  const laterKey = () => `${db.prefix}later:{7QX9M-2PAKD}`;
  const lostKey = () => `${db.prefix}later:{lost}`;
  const outside = `test:${randomUUID()}:c:{sim:outside}`;

  beforeAll(async () => {
    // Three conversations written under k1: sessions, outbox entries still pending.
    for (let i = 1; i <= 3; i++) {
      const key = freshKey();
      conversations.push(key);
      await store(underK1).commit(key, 0, session(i), { dedupeId: "m1", outbox: effects(i) });
      await store(underK1).commit(key, 1, session(i + 10), { outbox: effects(i + 10) });
    }
    // One written by a new instance, already under k2.
    const fresh = freshKey();
    conversations.push(fresh);
    await store(rotated).commit(fresh, 0, session(4), { outbox: effects(4) });
    // One from before encryption: plain JSON.
    conversations.push(plainConversation);
    await store(jsonCodec).commit(plainConversation, 0, session(5), { outbox: effects(5) });
    // A case from before encryption (plain `d`, plain status and version beside it) and
    // scheduled jobs, one plain and one under k1, as those stores lay them out.
    await db.redis.hset(
      caseKey(),
      "d",
      jsonCodec.encode({ note: "case data" }),
      "s",
      "open",
      "v",
      "3",
    );
    await db.redis.hset(
      jobsKey(),
      "j1",
      jsonCodec.encode({ dueAt: 1 }),
      "j2",
      underK1.encode({ dueAt: 2 }),
    );
    // A store this script knows nothing about, keeping encrypted strings with a TTL.
    await db.redis.set(laterKey(), underK1.encode({ at: 123 }), "EX", 3600);
    await db.redis.set(`${db.prefix}counter`, "5");
    await db.redis.set(lostKey(), underK0.encode({ lost: true }));
    // Not ours: another deployment's prefix.
    await db.redis.hset(outside, "s", underK1.encode(session(99)));
  });

  afterAll(async () => {
    await db.redis.unlink(outside);
  });

  it("a dry run counts what it would do and writes nothing", async () => {
    const before = await db.dump();
    const report = await rotateKeys({
      redis: db.redis,
      prefix: db.prefix,
      keys: { current: k2, previous: [k1] },
      dryRun: true,
    });
    expect(await db.dump()).toEqual(before);
    // 3 x (session + 2 entries) under k1, plain session + entry, case, 2 jobs, 1 later,
    // and the 3 conversation keys kept for outbox recovery (in each conversation's hash).
    expect(report).toMatchObject({ dryRun: true, reencrypted: 18, keysChanged: 11 });
    expect(report.alreadyCurrent).toBe(3);
    expect(report.unreadable).toEqual({ "unknown-key k0": 1 });
    expect(formatReport(report)).toMatch(
      /^would re-encrypt 18 values in 11 keys; 3 already current/,
    );
  });

  it("re-encrypts everything under the current key; k1 is then no longer needed", async () => {
    const ttlBefore = await db.redis.pttl(laterKey());
    const report = await rotateKeys({
      redis: db.redis,
      prefix: db.prefix,
      keys: { current: k2, previous: [k1] },
      scanCount: 3, // many SCAN rounds
    });
    expect(report).toMatchObject({ dryRun: false, reencrypted: 18, keysChanged: 11, raced: 0 });
    expect(report.alreadyCurrent).toBe(3);
    expect(report.unreadable).toEqual({ "unknown-key k0": 1 });
    expect(formatReport(report)).toBe(
      [
        `re-encrypted 18 values in 11 keys; 3 already current (${report.keysScanned} keys scanned)`,
        "could not read 1 values (unknown-key k0); left as they are",
      ].join("\n"),
    );

    expect(await valuesByKeyId()).toEqual({ k2: 21, k0: 1 });
    // Readable with k2 alone, through the store as the service reads it.
    const reader = store(k2Only);
    for (const [i, key] of conversations.entries()) {
      const { session: s, version } = await reader.load(key);
      expect(s).toEqual(session(i < 3 ? i + 11 : i + 1));
      expect(version).toBe(i < 3 ? 2 : 1);
      const pending = await reader.pendingOutbox(key);
      expect(pending.map((e) => e.effects)).toEqual(
        i < 3 ? [effects(i + 1), effects(i + 11)] : [effects(i + 1)],
      );
    }
    const [d, s, v] = await db.redis.hmget(caseKey(), "d", "s", "v");
    expect(k2Only.decode(d ?? "")).toEqual({ note: "case data" });
    const jobs = await db.redis.hgetall(jobsKey());
    expect(k2Only.decode(jobs.j1 ?? "")).toEqual({ dueAt: 1 });
    expect(k2Only.decode(jobs.j2 ?? "")).toEqual({ dueAt: 2 });
    expect(k2Only.decode((await db.redis.get(laterKey())) ?? "")).toEqual({ at: 123 });
    // What is not codec output is untouched; TTLs are kept.
    expect([s, v]).toEqual(["open", "3"]);
    expect(await db.redis.get(`${db.prefix}counter`)).toBe("5");
    expect(await db.redis.pttl(laterKey())).toBeGreaterThan(ttlBefore - 5_000);
    expect(await db.redis.pttl(`${db.prefix}c:{${conversations[0]}}`)).toBeGreaterThan(0);
    // Another prefix is not ours to touch.
    expect(rotated.keyIdOf((await db.redis.hget(outside, "s")) ?? "")).toBe("k1");
  });

  it("a second run finds everything current", async () => {
    const report = await rotateKeys({
      redis: db.redis,
      prefix: db.prefix,
      keys: { current: k2, previous: [] },
    });
    expect(report).toMatchObject({ reencrypted: 0, keysChanged: 0, alreadyCurrent: 21 });
    expect(formatReport(report)).toMatch(/^re-encrypted 0 values in 0 keys; 21 already current/);
  });

  it("never overwrites a value the service wrote while it was rotating", async () => {
    const key = freshKey();
    await store(underK1).commit(key, 0, session(1));
    // The service commits turn 2 right between the script's read and its compare-and-set.
    const racing = interceptOnce(db.redis, "pulangRotateField", () =>
      store(rotated).commit(key, 1, session(2)),
    );
    const report = await rotateKeys({
      redis: racing,
      prefix: db.prefix,
      keys: { current: k2, previous: [k1] },
    });
    expect(report.raced).toBe(0);
    const { session: s, version } = await store(k2Only).load(key);
    expect(s).toEqual(session(2));
    expect(version).toBe(2);
  });

  it("keeps every update of a busy conversation while it runs", async () => {
    const key = freshKey();
    // An instance at rollout step 1: it can read k2 already, but still writes under k1.
    const writer = store(createEncryptedCodec({ current: k1, previous: [k2] }));
    await writer.commit(key, 0, session(0));
    let done = false;
    const updates = (async () => {
      for (let turn = 1; turn <= 200; turn++) {
        for (;;) {
          const { version } = await writer.load(key);
          if ((await writer.commit(key, version, session(turn))) === "ok") break;
        }
      }
      done = true;
    })();
    let rewritten = 0;
    while (!done) {
      const keys = { current: k2, previous: [k1] };
      rewritten += (await rotateKeys({ redis: db.redis, prefix: db.prefix, keys })).reencrypted;
    }
    await updates;
    expect(rewritten).toBeGreaterThan(1); // they really interleaved
    const { session: s, version } = await store(rotated).load(key);
    expect(s).toEqual(session(200));
    expect(version).toBe(201);
  });
});
