/**
 * The behaviour every MatchStore must have, run against the memory twin and Redis (and,
 * in test/cluster, a Redis Cluster and Sentinel). Each test builds its own store.
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { type MatchProfile, profileOf } from "../../src/reunite/profile.js";
import { score } from "../../src/reunite/score.js";
import type { MatchStore } from "../../src/reunite/store.js";
import type { Codec } from "../../src/stores/codec.js";
import { type CaseFacts, makeCase } from "./make-case.js";

export type MakeMatchStore = (opts?: { codec?: Codec }) => MatchStore;

/** The keyed hash the tests file under (the service's is under PSEUDONYM_KEY). */
export const testHash = (v: string) => createHmac("sha256", "k").update(v).digest("base64url");

/** A profile of a case with these facts and a fresh id. */
export function profile(f: CaseFacts): MatchProfile {
  return profileOf(makeCase({ id: `C${randomUUID().slice(0, 8)}`, ...f }), testHash);
}

const T = Date.UTC(2026, 10, 1);
const PHONE_MATCH = {
  score: 0.8,
  reasons: [{ kind: "phone" as const }],
  state: "suggested" as const,
  at: T,
};

export function matchStoreContract(
  name: string,
  make: MakeMatchStore,
  cleanup: () => Promise<void>,
): void {
  describe(`MatchStore contract (${name})`, () => {
    afterAll(cleanup);

    it("finds a filed case by its number's key, and not by another's", async () => {
      const store = make();
      const report = profile({ kind: "family", answers: { phones: "+855 97 123 4567" } });
      await store.file(report);
      const person = profile({ conversation: "wa:+855971234567" });
      const other = profile({ conversation: "wa:+855971234568" });
      expect((await store.candidates(person.keys, 10)).map((p) => p.id)).toEqual([report.id]);
      expect(await store.candidates(other.keys, 10)).toEqual([]);
      expect(await store.profile(report.id)).toEqual(report);
    });

    it("reads at most so many per key, newest first", async () => {
      const store = make();
      const name = { name: `Yohanes Situmorang${randomUUID().slice(0, 4).replace(/\d/g, "x")}` };
      const filed = [0, 1, 2, 3].map((i) =>
        profile({ kind: "family", answers: name, createdAt: T + i * 1000 }),
      );
      for (const p of filed) await store.file(p);
      const got = await store.candidates((filed[0] as MatchProfile).keys, 2);
      expect(got.map((p) => p.id)).toEqual([filed[3]?.id, filed[2]?.id]);
    });

    it("files a case again under its new facts, and no longer under the old", async () => {
      const store = make();
      const before = profile({ kind: "family", answers: { phones: "0812 1111 2222" } });
      await store.file(before);
      const after = {
        ...profile({ kind: "family", answers: { phones: "0812 3333 4444" } }),
        id: before.id,
      };
      await store.file(after);
      expect(await store.candidates(before.keys, 10)).toEqual([]);
      expect((await store.candidates(after.keys, 10)).map((p) => p.id)).toEqual([before.id]);
    });

    it("records a suggestion on both cases, once", async () => {
      const store = make();
      const [a, b] = [`A${randomUUID()}`, `B${randomUUID()}`];
      const m = PHONE_MATCH;
      expect(await store.suggest(a, b, m)).toBe(true);
      expect(await store.suggest(b, a, { ...m, score: 0.9 })).toBe(false);
      expect(await store.matchesOf(a)).toEqual([{ ...m, other: b }]);
      expect(await store.matchesOf(b)).toEqual([{ ...m, other: a }]);
    });

    it("keeps a dismissed match dismissed: it is never suggested again", async () => {
      const store = make();
      const [a, b] = [`A${randomUUID()}`, `B${randomUUID()}`];
      const m = PHONE_MATCH;
      await store.suggest(a, b, m);
      const dismissed = await store.update(b, a, {
        state: "dismissed",
        by: "op",
        decidedAt: T + 1,
      });
      expect(dismissed).toMatchObject({ other: a, state: "dismissed", by: "op" });
      expect(await store.suggest(a, b, { ...m, at: T + 2 })).toBe(false);
      expect(await store.get(a, b)).toMatchObject({ other: b, state: "dismissed" });
    });

    it("changes a match on both sides (link, consent, the family told)", async () => {
      const store = make();
      const [a, b] = [`A${randomUUID()}`, `B${randomUUID()}`];
      await store.suggest(a, b, { score: 0.6, reasons: [], state: "suggested", at: T });
      await store.update(a, b, { state: "linked", by: "op", decidedAt: T + 5 });
      await store.update(b, a, { consent: "yes" });
      expect(await store.get(a, b)).toMatchObject({ state: "linked", consent: "yes" });
      expect(await store.get(b, a)).toMatchObject({ state: "linked", consent: "yes" });
      expect(await store.update(a, "nobody", { state: "linked" })).toBeUndefined();
    });

    it("lists a case's matches strongest first", async () => {
      const store = make();
      const [a, b, c] = [`A${randomUUID()}`, `B${randomUUID()}`, `C${randomUUID()}`];
      await store.suggest(a, b, { score: 0.55, reasons: [], state: "suggested", at: T });
      await store.suggest(a, c, { score: 0.9, reasons: [], state: "suggested", at: T });
      expect((await store.matchesOf(a)).map((m) => m.other)).toEqual([c, b]);
    });

    it("forgets a case: no profile, no index entry, no match on either side", async () => {
      const store = make();
      const report = profile({
        kind: "family",
        answers: { name: "Dewi Widjanarko", phones: "0812 5555 6666" },
      });
      const person = profile({
        conversation: "wa:+6281255556666",
        answers: { name: "Dewi Widjanarko" },
      });
      await store.file(report);
      await store.file(person);
      const s = score(report, person);
      await store.suggest(report.id, person.id, { ...s, state: "suggested", at: T });
      await store.forget(person.id);
      expect(await store.profile(person.id)).toBeUndefined();
      expect((await store.candidates(person.keys, 10)).map((p) => p.id)).toEqual([report.id]);
      expect(await store.matchesOf(report.id)).toEqual([]);
      expect(await store.matchesOf(person.id)).toEqual([]);
    });

    it("stores profiles and matches through the codec", async () => {
      let encoded = 0;
      const codec: Codec = {
        encode: (v) => {
          encoded++;
          return `X${JSON.stringify(v)}`;
        },
        decode: (t) => {
          if (!t.startsWith("X")) throw new Error("not ours");
          return JSON.parse(t.slice(1));
        },
      };
      const store = make({ codec });
      const p = profile({ kind: "family", answers: { phones: "0812 7777 8888" } });
      await store.file(p);
      await store.suggest(p.id, "other", { score: 0.7, reasons: [], state: "suggested", at: T });
      expect(encoded).toBe(3);
      expect(await store.profile(p.id)).toEqual(p);
    });
  });
}
