/**
 * Encryption at rest, end to end on real Redis: the conversation store with the encrypting
 * codec passes the whole store contract, and after it saved a session full of personal data
 * (and effects about it), nothing Redis holds under the prefix reveals any of it.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { newSession, type Session } from "../../src/engine/session.js";
import type { Effect } from "../../src/engine/types.js";
import { jsonCodec } from "../../src/stores/codec.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { conversationStoreContract, freshKey } from "../stores/conversation-store.contract.js";
import { type RawEntry, useRedis } from "./redis-fixture.js";

const db = useRedis();
const codec = createEncryptedCodec({ current: { id: "k1", key: randomBytes(32) }, previous: [] });

const NAME = "Siti Rahmawati";
const PHONE = "+62 812 3456 7890";
const PASSPORT = "X1234567";
const [LAT, LON] = [13.6543, 102.5632];

/**
 * Every form in which the personal data could show up in stored text. (No short fragments:
 * four digits or letters turn up by chance in kilobytes of base64 and in timestamps.)
 */
const FORBIDDEN = [
  NAME,
  "Rahmawati",
  PHONE,
  "6281234567890",
  "812 3456 7890",
  PASSPORT,
  String(LAT),
  String(LON),
].flatMap((s) => [s, JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s))]);

function personalSession(): Session {
  return {
    ...newSession(Date.UTC(2026, 0, 20, 8), "id"),
    at: "help.consent",
    answers: { name: NAME, phone: PHONE, passport: PASSPORT, people: 3 },
    place: { lat: LAT, lon: LON, country: "KH", text: `dekat ${LAT}, ${LON}` },
    reasons: ["not_safe", "passport_held"],
    caseRef: "7QX9M-2PAKD",
    turns: 9,
  };
}

function personalEffects(session: Session): Effect[] {
  return [
    { type: "reply", text: `Terima kasih, ${NAME}.` },
    {
      type: "escalate",
      caseRef: "7QX9M-2PAKD",
      priority: "P2",
      reasons: session.reasons,
      summary: {
        flow: "help",
        lang: "id",
        answers: session.answers,
        place: session.place ?? {},
        country: "KH",
      },
    },
    {
      type: "relay",
      caseRef: "7QX9M-2PAKD",
      inbound: { kind: "text", text: `nama saya ${NAME}, paspor ${PASSPORT}, hp ${PHONE}` },
    },
    { type: "relay", caseRef: "7QX9M-2PAKD", inbound: { kind: "location", lat: LAT, lon: LON } },
    { type: "relay", caseRef: "7QX9M-2PAKD", inbound: { kind: "contact", phone: PHONE } },
  ];
}

/** The forbidden strings found anywhere in the raw dump, with where. */
function leaks(dump: RawEntry[]): string[] {
  const found: string[] = [];
  for (const entry of dump) {
    for (const text of [entry.key, ...entry.strings]) {
      for (const s of FORBIDDEN) if (text.includes(s)) found.push(`${entry.type} ${s}`);
    }
  }
  return found;
}

/** Save personal data through every write path of the store; returns its conversation key. */
async function savePersonalData(store: RedisConversationStore): Promise<string> {
  const key = freshKey();
  const session = personalSession();
  // A commit whose outbox entry is never acked: the effects stay stored.
  expect(
    await store.commit(key, 0, session, { dedupeId: "m1", outbox: personalEffects(session) }),
  ).toBe("ok");
  expect(
    await store.commit(key, 1, { ...session, turns: 10 }, { dedupeId: "m2", outbox: [] }),
  ).toBe("ok");
  // grammY's and Telegraf's unconditional saves go through the codec too.
  const other = freshKey();
  await store.write(other, session);
  return key;
}

conversationStoreContract(
  "redis, encrypted",
  (opts) => new RedisConversationStore(db.redis, { prefix: db.prefix, codec, ...opts }),
  () => db.cleanup(),
);

describe("encryption at rest", () => {
  it("keeps no name, number, passport or coordinates anywhere under the prefix", async () => {
    const store = new RedisConversationStore(db.redis, { prefix: db.prefix, codec });
    const key = await savePersonalData(store);

    const dump = await db.dump();
    expect(new Set(dump.map((e) => e.type))).toEqual(new Set(["hash", "zset"]));
    expect(leaks(dump)).toEqual([]);
    // Every stored value of a conversation is in the encrypted format, bound to its place.
    const values = dump
      .filter((e) => e.type === "hash")
      .flatMap((e) => Object.entries(pairs(e.strings)))
      .filter(([field]) => field !== "v")
      .map(([, value]) => value);
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (const v of values) expect(v).toMatch(/^e2\.k1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);

    // ...and the store still reads it all back.
    expect((await store.load(key)).session).toEqual({ ...personalSession(), turns: 10 });
    const [entry] = await store.pendingOutbox(key);
    expect(entry?.effects).toEqual(personalEffects(personalSession()));
  });

  it("would catch plaintext: the same data through the JSON codec leaks (control)", async () => {
    const plain = new RedisConversationStore(db.redis, {
      prefix: `${db.prefix}plain:`,
      codec: jsonCodec,
    });
    await savePersonalData(plain);
    const found = leaks(await db.dump());
    expect(found.length).toBeGreaterThan(0);
    for (const s of [NAME, PHONE, PASSPORT, String(LAT), String(LON)]) {
      expect(found.some((f) => f.endsWith(s))).toBe(true);
    }
    const plainKeys = await db.keys(`${db.prefix}plain:*`);
    await db.redis.unlink(...plainKeys);
  });
});

/** `[field, value, field, value]` -> record. */
function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}
