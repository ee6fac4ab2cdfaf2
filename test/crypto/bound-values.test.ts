/**
 * What decision 0014 promises: nonces never repeat, and a stored value is bound to its
 * place: copied to another person's key, another field or another case, it does not
 * decrypt; values written before places were bound still do, and keep their form through
 * rotation.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import { createEncryptedCodec, DecryptError } from "../../src/crypto/encrypted-codec.js";
import { nextIv } from "../../src/crypto/iv-pool.js";
import type { DataKey } from "../../src/crypto/keys.js";
import { newSession } from "../../src/engine/session.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { created } from "../cases/case-store.contract.js";
import { freshKey } from "../stores/conversation-store.contract.js";
import { useRedis } from "./redis-fixture.js";

const k1: DataKey = { id: "k1", key: randomBytes(32) };
const k2: DataKey = { id: "k2", key: randomBytes(32) };
const codec = createEncryptedCodec({ current: k1, previous: [] });
const SESSION = { ...newSession(0, "id"), answers: { name: "Siti Rahmawati" } };

function reason(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptError);
    expect((err as Error).message).not.toContain("Siti");
    return (err as DecryptError).reason;
  }
  throw new Error("it decoded");
}

describe("nonces", () => {
  it("never repeat across 100,000 stored values (the pool is refilled about 100 times)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(codec.encode(i, "c:{x}#s").split(".")[2] as string);
    expect(seen.size).toBe(100_000);
  });

  it("are 12 bytes that differ from one to the next across refills", () => {
    const ivs = Array.from({ length: 5_000 }, () => nextIv().toString("hex"));
    expect(ivs.every((iv) => iv.length === 24)).toBe(true);
    expect(new Set(ivs).size).toBe(ivs.length);
  });
});

describe("values bound to their place", () => {
  it("decode where they were written, and nowhere else", () => {
    const text = codec.encode(SESSION, "c:{tg:1}#s");
    expect(text.startsWith("e2.k1.")).toBe(true);
    expect(codec.decode(text, "c:{tg:1}#s")).toEqual(SESSION);
    expect(reason(() => codec.decode(text, "c:{tg:2}#s"))).toBe("tampered");
    expect(reason(() => codec.decode(text, "c:{tg:1}:out#1"))).toBe("tampered");
    expect(reason(() => codec.decode(text))).toBe("malformed");
  });

  it("cannot be passed off as values written before places were bound", () => {
    const text = codec.encode(SESSION, "c:{tg:1}#s").replace(/^e2\./, "e1.");
    expect(reason(() => codec.decode(text, "c:{tg:1}#s"))).toBe("tampered");
    expect(reason(() => codec.decode(text))).toBe("tampered");
  });

  it("still read values written before places were bound, wherever they are", () => {
    const old = codec.encode(SESSION); // e1: what the previous release wrote
    expect(old.startsWith("e1.k1.")).toBe(true);
    expect(codec.decode(old, "c:{tg:1}#s")).toEqual(SESSION);
  });

  it("keep their form when re-encrypted under a new key", () => {
    const rotated = createEncryptedCodec({ current: k2, previous: [k1] });
    const bound = rotated.reencrypt(codec.encode(SESSION, "c:{tg:1}#s"), "c:{tg:1}#s");
    expect(bound.startsWith("e2.k2.")).toBe(true);
    expect(rotated.decode(bound, "c:{tg:1}#s")).toEqual(SESSION);
    const unbound = rotated.reencrypt(codec.encode(SESSION), "c:{tg:1}#s");
    expect(unbound.startsWith("e1.k2.")).toBe(true);
    expect(rotated.decode(unbound)).toEqual(SESSION);
  });
});

describe("in Redis", () => {
  const db = useRedis();

  it("a session copied into another person's conversation does not decrypt", async () => {
    const store = new RedisConversationStore(db.redis, { prefix: db.prefix, codec });
    const [a, b] = [freshKey(), freshKey()];
    await store.commit(a, 0, SESSION, { outbox: [{ type: "reply", text: "untuk Siti" }] });
    await store.commit(b, 0, { ...SESSION, answers: {} });
    const copied = (await db.redis.hget(`${db.prefix}c:{${a}}`, "s")) as string;
    await db.redis.hset(`${db.prefix}c:{${b}}`, "s", copied);
    // Not read as B's: B's conversation is unreadable (and starts afresh), never A's.
    expect(await store.load(b)).toMatchObject({ session: undefined, unreadable: true });
    // An outbox entry moved to another entry id does not decrypt either: it is set aside.
    const out = `${db.prefix}c:{${a}}:out`;
    await db.redis.hset(out, "7", (await db.redis.hget(out, "1")) as string);
    const quarantined: number[] = [];
    const pending = await store.pendingOutbox(a, (ids) => quarantined.push(...ids));
    expect(pending.map((e) => e.id)).toEqual([1]);
    expect(quarantined).toEqual([7]);
    // The original stays readable where it belongs.
    expect((await store.load(a)).session).toEqual(SESSION);
  });

  it("a case copied over another case does not decrypt", async () => {
    const store = new RedisCaseStore(db.redis, { prefix: db.prefix, codec });
    const [one, two] = [await created(store), await created(store)];
    const d = (await db.redis.hget(`${db.prefix}case:{${one.id}}`, "d")) as string;
    await db.redis.hset(`${db.prefix}case:{${two.id}}`, "d", d);
    await expect(store.get(two.id)).rejects.toMatchObject({ reason: "tampered" });
    expect((await store.get(one.id))?.id).toBe(one.id);
  });
});
