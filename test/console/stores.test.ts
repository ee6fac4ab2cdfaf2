/**
 * The console's stores: one contract, run on the Redis implementation (real Redis, a
 * prefix of its own, the encrypting codec) and on the memory twin.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import { consoleStores } from "../../src/console/stores.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "../../src/crypto/keys.js";
import { rawValues } from "../helpers/redis.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { dropPrefix } from "../helpers/service.js";

const config = {
  enabled: true,
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  maxFailures: 3,
  lockoutMs: 15 * 60_000,
  signInPerMinute: 10,
  totpRequiredFor: [],
  secureCookies: false,
} as const;
const codec = createEncryptedCodec(generateEphemeralKeys(() => undefined));
const prefix = `test:console:${process.pid}:`;
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await dropPrefix(prefix);
  await redis.quit();
});

const T0 = Date.UTC(2026, 5, 1, 3, 0, 0);

const kinds = {
  memory: () => consoleStores(config, codec),
  redis: () => consoleStores(config, codec, { client: redis, prefix }),
};

for (const [kind, make] of Object.entries(kinds)) {
  describe(`console stores (${kind})`, () => {
    it("keeps accounts, and lists them", async () => {
      const s = make();
      const a = {
        username: `ana-${kind}`,
        role: "operator" as const,
        passwordHash: "h",
        createdAt: T0,
      };
      await s.accounts.put(a);
      expect(await s.accounts.get(a.username)).toEqual(a);
      expect((await s.accounts.list()).map((x) => x.username)).toContain(a.username);
      expect(await s.accounts.remove(a.username)).toBe(true);
      expect(await s.accounts.get(a.username)).toBeUndefined();
    });

    it("ends a session when idle too long or too old, and when told to", async () => {
      const s = make();
      const id = await s.sessions.create("ana", T0);
      expect((await s.sessions.get(id, T0 + 60_000))?.username).toBe("ana");
      expect(await s.sessions.get(id, T0 + 60_000 + config.idleMs + 1)).toBeUndefined();
      const other = await s.sessions.create("ana", T0);
      let t = T0;
      // Used every 20 minutes: never idle, yet ended 12 hours after signing in.
      while (t < T0 + config.absoluteMs - 20 * 60_000) {
        t += 20 * 60_000;
        expect(await s.sessions.get(other, t)).toBeDefined();
      }
      expect(await s.sessions.get(other, T0 + config.absoluteMs)).toBeUndefined();
      const third = await s.sessions.create("ana", T0);
      await s.sessions.endAll("ana");
      expect(await s.sessions.get(third, T0 + 1)).toBeUndefined();
    });

    it("locks after the allowed failures, until the lockout has passed", async () => {
      const s = make();
      const user = `bob-${kind}`;
      expect(await s.lockout.failed(user, T0)).toBe(false);
      expect(await s.lockout.failed(user, T0)).toBe(false);
      expect(await s.lockout.failed(user, T0)).toBe(true);
      expect(await s.lockout.locked(user, T0 + 1000)).toBe(true);
      await s.lockout.clear(user);
      expect(await s.lockout.locked(user, T0 + 1000)).toBe(false);
    });

    it("keeps the audit log newest first", async () => {
      const s = make();
      await s.audit.add({ at: T0, by: "ana", action: "sign_in", ok: true });
      await s.audit.add({
        at: T0 + 1,
        by: "ana",
        action: "view",
        ok: false,
        case: "C1",
        detail: "not_yours",
      });
      const recent = await s.audit.recent(T0 + 2, 10);
      expect(recent.map((e) => e.action).slice(0, 2)).toEqual(["view", "sign_in"]);
    });

    it("keeps a case's transcript in order, with each reply's delivery, until removed", async () => {
      const s = make();
      const caseId = `CASE-${kind}`;
      await s.transcripts.add(caseId, { from: "person", at: T0, kind: "text", text: "tolong" });
      const reply = await s.transcripts.add(caseId, {
        from: "operator",
        at: T0 + 1,
        text: "Halo",
        state: "sending",
      });
      await s.transcripts.setState(caseId, reply, "done");
      const list = await s.transcripts.list(caseId);
      expect(list.map((e) => e.from)).toEqual(["person", "operator"]);
      expect(list[1]).toMatchObject({ text: "Halo", state: "done" });
      expect(await s.transcripts.caseIds()).toContain(caseId);
      await s.transcripts.remove(caseId);
      expect(await s.transcripts.list(caseId)).toEqual([]);
    });

    it("keeps anonymised figures per case, the latest state of each", async () => {
      const s = make();
      const c = {
        id: `F-${kind}`,
        createdAt: T0,
        priority: "P1",
        channel: "tg",
        kind: "help",
        summary: {
          flow: null,
          lang: "id",
          answers: { name: "Siti" },
          place: { country: "KH", lat: 13.6, lon: 102.5 },
        },
        audit: [{ at: T0 + 60_000, by: "web:ana", action: "claimed" }],
        status: "claimed",
      } as unknown as Case;
      await s.figures.record(c);
      await s.figures.record({ ...c, status: "closed", closedAt: T0 + 120_000, outcome: "safe" });
      const figures = await s.figures.since(T0 + 1000, 7);
      expect(figures).toEqual([
        {
          createdAt: T0,
          priority: "P1",
          channel: "tg",
          kind: "help",
          country: "KH",
          claimedAt: T0 + 60_000,
          closedAt: T0 + 120_000,
          outcome: "safe",
        },
      ]);
      expect(JSON.stringify(figures)).not.toContain("Siti");
    });
  });
}

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
