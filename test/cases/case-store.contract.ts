/**
 * The behaviour every CaseStore must have, run against the memory twin and Redis. Each
 * test builds its own store; the Redis factory gives each one its own key prefix, so
 * queue-order tests see only their own cases.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import type { CaseStore, EscalationInput } from "../../src/cases/store.js";
import type { Codec } from "../../src/stores/codec.js";

/** 08:00 in Jakarta (UTC+7) on 20 January 2026. */
export const T0 = Date.UTC(2026, 0, 20, 1, 0, 0);
export const MIN = 60_000;

export type MakeCaseStore = (opts?: { codec?: Codec }) => CaseStore;

/** Personal values a summary may hold: none may survive an erase. */
export const PERSONAL = {
  name: "Siti Rahmawati",
  phone: "+855969123456",
  employer: "Golden Fortune Tech Co",
  placeText: "dekat kasino Lucky Star, Poipet",
};

/** A fresh case reference nobody else uses. */
export function freshRef(): string {
  return `C${randomUUID().slice(0, 8).toUpperCase()}`;
}

/** An escalation as the runtime would pass it on. */
export function escalation(over: Partial<EscalationInput> = {}): EscalationInput {
  return {
    caseRef: freshRef(),
    conversation: `wa:${PERSONAL.phone}`,
    channel: "wa",
    kind: "help",
    priority: "P2",
    reasons: ["passport_held"],
    summary: {
      flow: "help",
      lang: "id",
      answers: { name: PERSONAL.name, employer: PERSONAL.employer, safe_now: false, age: 24 },
      place: { id: "poipet", country: "KH", text: PERSONAL.placeText },
      country: "KH",
      mission: "kbri-phnom-penh",
    },
    lang: "id",
    now: T0,
    ...over,
  };
}

/** Create a case and return it. */
export async function created(
  store: CaseStore,
  over: Partial<EscalationInput> = {},
): Promise<Case> {
  return (await store.upsert(escalation(over))).case;
}

export function caseStoreContract(
  name: string,
  make: MakeCaseStore,
  cleanup: () => Promise<void>,
): void {
  describe(`CaseStore contract: ${name}`, () => {
    afterAll(cleanup);

    describe("upsert", () => {
      it("creates a queued case with what the bot learned", async () => {
        const store = make();
        const input = escalation({ priority: "P1", reasons: ["beaten", "beaten", "locked_in"] });
        const { case: c, change } = await store.upsert(input);
        expect(change).toBe("created");
        expect(c).toMatchObject({
          id: input.caseRef,
          conversation: input.conversation,
          channel: "wa",
          kind: "help",
          priority: "P1",
          reasons: ["beaten", "locked_in"],
          summary: input.summary,
          lang: "id",
          createdAt: T0,
          queuedAt: T0,
          status: "queued",
          notes: [],
          announcements: 0,
        });
        expect(c.audit).toEqual([{ at: T0, by: "person", action: "created", detail: "P1" }]);
        expect(await store.get(input.caseRef)).toEqual(c);
      });

      it("is idempotent: the same escalation twice changes nothing the second time", async () => {
        const store = make();
        const input = escalation();
        const first = await store.upsert(input);
        const second = await store.upsert({ ...input, now: T0 + 5_000 });
        expect(second.change).toBe("updated");
        expect(second.case).toEqual(first.case);
        expect(await store.get(input.caseRef)).toEqual(first.case);
      });

      it("raises priority but never lowers it", async () => {
        const store = make();
        const input = escalation({ priority: "P3" });
        await store.upsert(input);
        const raised = await store.upsert({
          ...input,
          priority: "P1",
          reasons: ["beaten"],
          now: T0 + MIN,
        });
        expect(raised.change).toBe("raised");
        expect(raised.case.priority).toBe("P1");
        expect(raised.case.audit.at(-1)).toEqual({
          at: T0 + MIN,
          by: "person",
          action: "raised",
          detail: "P3->P1",
        });
        const lower = await store.upsert({ ...input, priority: "P3", now: T0 + 2 * MIN });
        expect(lower.case.priority).toBe("P1");
        expect(lower.change).toBe("updated");
      });

      it("merges reasons without duplicates and summaries newest-first, keeping the place", async () => {
        const store = make();
        const input = escalation({ reasons: ["passport_held"] });
        await store.upsert(input);
        const { case: c, change } = await store.upsert({
          ...input,
          reasons: ["sick", "passport_held"],
          summary: { flow: "help", lang: "en", answers: { safe_now: true, contact_time: "night" } },
          lang: "en",
          now: T0 + MIN,
        });
        expect(change).toBe("updated");
        expect(c.reasons).toEqual(["passport_held", "sick"]);
        expect(c.summary.answers).toEqual({
          name: PERSONAL.name,
          employer: PERSONAL.employer,
          safe_now: true,
          age: 24,
          contact_time: "night",
        });
        expect(c.summary.place).toEqual(input.summary.place);
        expect(c.summary.country).toBe("KH");
        expect(c.lang).toBe("en");
        expect(c.audit.at(-1)).toMatchObject({ action: "updated", by: "person" });
        const moved = await store.upsert({
          ...input,
          summary: { ...input.summary, place: { country: "MM", text: "Shwe Kokko" } },
          now: T0 + 2 * MIN,
        });
        expect(moved.case.summary.place).toEqual({ country: "MM", text: "Shwe Kokko" });
      });

      it("reopens a closed case as a new episode in the queue", async () => {
        const store = make();
        const input = escalation({ priority: "P2" });
        await store.upsert(input);
        await store.claim(input.caseRef, "op1", T0 + MIN);
        await store.close(input.caseRef, "op1", "safe", T0 + 2 * MIN);
        const { case: c, change } = await store.upsert({
          ...input,
          priority: "P1",
          now: T0 + 60 * MIN,
        });
        expect(change).toBe("reopened");
        expect(c).toMatchObject({
          status: "queued",
          queuedAt: T0 + 60 * MIN,
          priority: "P1",
          reattached: true,
        });
        expect(c.closedAt).toBeUndefined();
        expect(c.outcome).toBeUndefined();
        expect(c.operator).toBeUndefined();
        expect(c.createdAt).toBe(T0);
        expect(c.audit.map((a) => a.action)).toEqual(["created", "claimed", "closed", "reopened"]);
        expect((await store.queued(10)).map((x) => x.id)).toEqual([input.caseRef]);
        expect(await store.purgeClosedBefore(T0 + 1000 * MIN, 10)).toBe(0);
      });

      it("does not bring an erased person's data back", async () => {
        const store = make();
        const input = escalation();
        await store.upsert(input);
        await store.erase(input.caseRef, T0 + MIN);
        const { case: c, change } = await store.upsert({ ...input, now: T0 + 2 * MIN });
        expect(change).toBe("erased");
        expect(c.erased).toBe(true);
        expect(c.conversation).toBeUndefined();
        expect(JSON.stringify(await store.get(input.caseRef))).not.toContain(PERSONAL.name);
        expect(await store.open(10)).toEqual([]);
      });
    });

    describe("get", () => {
      it("returns undefined for an unknown id", async () => {
        expect(await make().get(freshRef())).toBeUndefined();
      });
    });

    describe("claim", () => {
      it("claims a queued case and audits it", async () => {
        const store = make();
        const c = await created(store);
        const r = await store.claim(c.id, "op1", T0 + MIN);
        expect(r.ok).toBe(true);
        expect(r.case).toMatchObject({ status: "claimed", operator: "op1", claimedAt: T0 + MIN });
        expect(r.case?.audit.at(-1)).toEqual({ at: T0 + MIN, by: "op1", action: "claimed" });
        expect(await store.get(c.id)).toEqual(r.case);
      });

      it("a second claim by the holder succeeds and changes nothing", async () => {
        const store = make();
        const c = await created(store);
        const first = await store.claim(c.id, "op1", T0 + MIN);
        const again = await store.claim(c.id, "op1", T0 + 2 * MIN);
        expect(again).toEqual(first);
      });

      it("refuses a case someone else holds, and says who", async () => {
        const store = make();
        const c = await created(store);
        await store.claim(c.id, "op1", T0 + MIN);
        const r = await store.claim(c.id, "op2", T0 + 2 * MIN);
        expect(r).toMatchObject({ ok: false, error: "already_claimed", case: { operator: "op1" } });
      });

      it("refuses unknown and closed cases", async () => {
        const store = make();
        expect(await store.claim(freshRef(), "op1", T0)).toEqual({ ok: false, error: "not_found" });
        const c = await created(store);
        await store.close(c.id, "op1", "duplicate", T0 + MIN);
        expect(await store.claim(c.id, "op1", T0 + 2 * MIN)).toMatchObject({
          ok: false,
          error: "closed",
          case: { outcome: "duplicate" },
        });
      });

      it("of 50 concurrent claims exactly one wins", async () => {
        const store = make();
        const c = await created(store, { priority: "P1" });
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.claim(c.id, `op${i}`, T0 + MIN)),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const holder = winners[0]?.case?.operator;
        for (const r of results.filter((x) => !x.ok)) {
          expect(r).toMatchObject({ error: "already_claimed", case: { operator: holder } });
        }
        const stored = await store.get(c.id);
        expect(stored?.audit.filter((a) => a.action === "claimed")).toHaveLength(1);
      });
    });

    describe("release", () => {
      it("returns a claimed case to the queue, with the reason audited", async () => {
        const store = make();
        const c = await created(store);
        await store.claim(c.id, "op1", T0 + MIN);
        const r = await store.release(c.id, "op1", T0 + 2 * MIN, "end of shift");
        expect(r.ok).toBe(true);
        expect(r.case).toMatchObject({ status: "queued", queuedAt: T0 + 2 * MIN });
        expect(r.case?.operator).toBeUndefined();
        expect(r.case?.audit.at(-1)).toEqual({
          at: T0 + 2 * MIN,
          by: "op1",
          action: "released",
          detail: "end of shift",
        });
        expect(await store.byOperator("op1")).toEqual([]);
        expect((await store.queued(5)).map((x) => x.id)).toEqual([c.id]);
      });

      it("only the holder, system or a supervisor may release", async () => {
        const store = make();
        const c = await created(store);
        await store.claim(c.id, "op1", T0 + MIN);
        expect(await store.release(c.id, "op2", T0 + 2 * MIN, "x")).toMatchObject({
          ok: false,
          error: "not_holder",
          case: { operator: "op1" },
        });
        expect((await store.release(c.id, "system", T0 + 2 * MIN, "x")).ok).toBe(true);
        await store.claim(c.id, "op1", T0 + 3 * MIN);
        expect((await store.release(c.id, "sup", T0 + 4 * MIN, "x", { supervisor: true })).ok).toBe(
          true,
        );
      });

      it("refuses queued, closed and unknown cases, and a failed condition", async () => {
        const store = make();
        const c = await created(store);
        expect(await store.release(c.id, "system", T0, "x")).toMatchObject({
          ok: false,
          error: "not_claimed",
        });
        await store.claim(c.id, "op1", T0 + MIN);
        const cond = await store.release(c.id, "system", T0, "x", { onlyIf: () => false });
        expect(cond).toMatchObject({
          ok: false,
          error: "condition_failed",
          case: { status: "claimed" },
        });
        await store.close(c.id, "op1", "safe", T0 + 2 * MIN);
        expect(await store.release(c.id, "op1", T0, "x")).toMatchObject({
          ok: false,
          error: "closed",
        });
        expect(await store.release(freshRef(), "op1", T0, "x")).toEqual({
          ok: false,
          error: "not_found",
        });
      });
    });

    describe("close", () => {
      it("closes with an outcome; a second close is refused", async () => {
        const store = make();
        const c = await created(store);
        await store.claim(c.id, "op1", T0 + MIN);
        const r = await store.close(c.id, "op1", "reached_embassy", T0 + 9 * MIN);
        expect(r.case).toMatchObject({
          status: "closed",
          outcome: "reached_embassy",
          closedAt: T0 + 9 * MIN,
        });
        expect(r.case?.audit.at(-1)).toEqual({
          at: T0 + 9 * MIN,
          by: "op1",
          action: "closed",
          detail: "reached_embassy",
        });
        expect(await store.close(c.id, "op1", "safe", T0 + 10 * MIN)).toMatchObject({
          ok: false,
          error: "closed",
          case: { outcome: "reached_embassy" },
        });
        expect(await store.open(10)).toEqual([]);
      });

      it("a claimed case only by its holder or a supervisor; a queued one by anyone", async () => {
        const store = make();
        const [a, b] = [await created(store), await created(store)];
        await store.claim(a.id, "op1", T0 + MIN);
        expect(await store.close(a.id, "op2", "other", T0 + 2 * MIN)).toMatchObject({
          error: "not_holder",
        });
        expect(
          (await store.close(a.id, "sup", "other", T0 + 2 * MIN, { supervisor: true })).ok,
        ).toBe(true);
        expect((await store.close(b.id, "op2", "duplicate", T0 + 2 * MIN)).ok).toBe(true);
        expect(await store.close(freshRef(), "op2", "other", T0)).toEqual({
          ok: false,
          error: "not_found",
        });
      });
    });

    describe("reassign", () => {
      it("hands a claimed case to another operator, whose clock starts now", async () => {
        const store = make();
        const c = await created(store);
        await store.claim(c.id, "op1", T0 + MIN);
        const r = await store.reassign(c.id, "op1", "op2", T0 + 3 * MIN);
        expect(r.case).toMatchObject({
          operator: "op2",
          claimedAt: T0 + 3 * MIN,
          status: "claimed",
        });
        expect(r.case?.audit.at(-1)).toEqual({
          at: T0 + 3 * MIN,
          by: "op1",
          action: "reassigned",
          detail: "op1->op2",
        });
        expect((await store.byOperator("op2")).map((x) => x.id)).toEqual([c.id]);
        expect(await store.byOperator("op1")).toEqual([]);
      });

      it("refuses non-holders, queued, closed and unknown cases", async () => {
        const store = make();
        const c = await created(store);
        expect(await store.reassign(c.id, "op1", "op2", T0)).toMatchObject({
          error: "not_claimed",
        });
        await store.claim(c.id, "op1", T0 + MIN);
        expect(await store.reassign(c.id, "op3", "op3", T0)).toMatchObject({ error: "not_holder" });
        expect(
          (await store.reassign(c.id, "sup", "op3", T0, { supervisor: true })).case?.operator,
        ).toBe("op3");
        await store.close(c.id, "op3", "safe", T0 + 2 * MIN);
        expect(await store.reassign(c.id, "op3", "op1", T0)).toMatchObject({ error: "closed" });
        expect(await store.reassign(freshRef(), "op3", "op1", T0)).toEqual({
          ok: false,
          error: "not_found",
        });
      });
    });

    describe("notes, replies, messages and the audit log", () => {
      it("adds notes, audited without their text", async () => {
        const store = make();
        const c = await created(store);
        const r = await store.addNote(c.id, "op1", "called KBRI duty officer", T0 + MIN);
        expect(r.case?.notes).toEqual([
          { at: T0 + MIN, by: "op1", text: "called KBRI duty officer" },
        ]);
        expect(r.case?.audit.at(-1)).toEqual({ at: T0 + MIN, by: "op1", action: "note" });
        await store.close(c.id, "op1", "safe", T0 + 2 * MIN);
        expect(await store.addNote(c.id, "op1", "late", T0 + 3 * MIN)).toMatchObject({
          error: "closed",
        });
        expect(await store.addNote(freshRef(), "op1", "x", T0)).toEqual({
          ok: false,
          error: "not_found",
        });
      });

      it("sets the first reply once and the last reply always", async () => {
        const store = make();
        const c = await created(store);
        await store.claim(c.id, "op1", T0 + MIN);
        await store.recordOperatorReply(c.id, "op1", T0 + 2 * MIN);
        const r = await store.recordOperatorReply(c.id, "op1", T0 + 5 * MIN);
        expect(r.case).toMatchObject({
          firstReplyAt: T0 + 2 * MIN,
          lastOperatorReplyAt: T0 + 5 * MIN,
        });
        expect(r.case?.audit.filter((a) => a.action === "replied")).toHaveLength(2);
        await store.close(c.id, "op1", "safe", T0 + 6 * MIN);
        expect(await store.recordOperatorReply(c.id, "op1", T0 + 7 * MIN)).toMatchObject({
          error: "closed",
        });
      });

      it("records when the person last wrote, without auditing it", async () => {
        const store = make();
        const c = await created(store);
        const r = await store.recordPersonMessage(c.id, T0 + MIN);
        expect(r.case?.lastPersonMessageAt).toBe(T0 + MIN);
        expect(r.case?.audit).toEqual(c.audit);
        expect(await store.recordPersonMessage(freshRef(), T0)).toEqual({
          ok: false,
          error: "not_found",
        });
      });

      it("appends audit entries, also on closed cases", async () => {
        const store = make();
        const c = await created(store);
        await store.close(c.id, "op1", "safe", T0 + MIN);
        const r = await store.audit(c.id, "op1", "exported", T0 + 2 * MIN, "csv");
        expect(r.case?.audit.at(-1)).toEqual({
          at: T0 + 2 * MIN,
          by: "op1",
          action: "exported",
          detail: "csv",
        });
        expect(r.case?.audit).toHaveLength(3);
        expect(await store.audit(freshRef(), "op1", "x", T0)).toEqual({
          ok: false,
          error: "not_found",
        });
      });

      it("counts re-announcements of queued cases only", async () => {
        const store = make();
        const c = await created(store);
        const r = await store.recordAnnouncement(c.id, T0 + 2 * MIN);
        expect(r.case).toMatchObject({ announcements: 1, lastAnnouncedAt: T0 + 2 * MIN });
        expect(r.case?.audit.at(-1)).toEqual({
          at: T0 + 2 * MIN,
          by: "system",
          action: "announced",
          detail: "level 1",
        });
        expect(await store.recordAnnouncement(c.id, T0, { onlyIf: () => false })).toMatchObject({
          error: "condition_failed",
        });
        await store.claim(c.id, "op1", T0 + 3 * MIN);
        expect(await store.recordAnnouncement(c.id, T0 + 4 * MIN)).toMatchObject({
          error: "not_queued",
        });
      });
    });

    describe("topics", () => {
      it("finds a case by its operator-group thread, and forgets an old thread", async () => {
        const store = make();
        const c = await created(store);
        expect((await store.setTopic(c.id, 101)).case?.topic).toBe(101);
        expect((await store.byTopic(101))?.id).toBe(c.id);
        await store.setTopic(c.id, 202);
        expect(await store.byTopic(101)).toBeUndefined();
        expect((await store.byTopic(202))?.id).toBe(c.id);
        expect(await store.byTopic(303)).toBeUndefined();
        expect(await store.setTopic(freshRef(), 404)).toEqual({ ok: false, error: "not_found" });
        expect(await store.byTopic(404)).toBeUndefined();
      });
    });

    describe("the queue", () => {
      it("orders by priority, then oldest first; claimed cases are open but not queued", async () => {
        const store = make();
        const p3 = await created(store, { priority: "P3", now: T0 });
        const p2 = await created(store, { priority: "P2", now: T0 + 1 });
        const p1new = await created(store, { priority: "P1", now: T0 + 3 });
        const p1old = await created(store, { priority: "P1", now: T0 + 2 });
        const ids = (cs: Case[]) => cs.map((c) => c.id);
        expect(ids(await store.open(10))).toEqual([p1old.id, p1new.id, p2.id, p3.id]);
        expect(ids(await store.open(2))).toEqual([p1old.id, p1new.id]);
        await store.claim(p1old.id, "op1", T0 + 10);
        expect(ids(await store.open(10))).toEqual([p1old.id, p1new.id, p2.id, p3.id]);
        expect(ids(await store.queued(10))).toEqual([p1new.id, p2.id, p3.id]);
        expect(ids(await store.queued(1))).toEqual([p1new.id]);
        await store.close(p2.id, "op1", "duplicate", T0 + 11);
        expect(ids(await store.open(10))).toEqual([p1old.id, p1new.id, p3.id]);
      });

      it("a raised case moves up", async () => {
        const store = make();
        const a = await created(store, { priority: "P2", now: T0 });
        const b = escalation({ priority: "P3", now: T0 + 1 });
        await store.upsert(b);
        await store.upsert({ ...b, priority: "P1", now: T0 + 5 });
        expect((await store.queued(10)).map((c) => c.id)).toEqual([b.caseRef, a.id]);
      });

      it("a released case keeps its place in line", async () => {
        const store = make();
        const old = await created(store, { priority: "P2", now: T0 });
        const young = await created(store, { priority: "P2", now: T0 + MIN });
        await store.claim(old.id, "op1", T0 + 2 * MIN);
        await store.release(old.id, "op1", T0 + 3 * MIN, "wrong language");
        expect((await store.queued(10)).map((c) => c.id)).toEqual([old.id, young.id]);
      });

      it("lists an operator's cases", async () => {
        const store = make();
        const [a, b, c] = [
          await created(store, { priority: "P3" }),
          await created(store, { priority: "P1" }),
          await created(store),
        ];
        await store.claim(a.id, "op1", T0 + 1);
        await store.claim(b.id, "op1", T0 + 2);
        await store.claim(c.id, "op2", T0 + 3);
        expect((await store.byOperator("op1")).map((x) => x.id)).toEqual([b.id, a.id]);
        await store.close(b.id, "op1", "safe", T0 + 4);
        expect((await store.byOperator("op1")).map((x) => x.id)).toEqual([a.id]);
        expect(await store.byOperator("nobody")).toEqual([]);
      });
    });

    describe("stats", () => {
      it("counts today's cases and medians in Jakarta time", async () => {
        const store = make();
        // Yesterday 23:00 Jakarta: not created today, but claimed and closed today.
        const yesterday = await created(store, { now: T0 - 9 * 60 * MIN });
        await store.claim(yesterday.id, "op1", T0 + 10_000);
        await store.close(yesterday.id, "op1", "reached_embassy", T0 + 20_000);
        const a = await created(store, { now: T0 });
        const b = await created(store, { now: T0 + MIN });
        const c = await created(store, { now: T0 + 2 * MIN });
        await created(store, { now: T0 + 3 * MIN }); // never claimed
        await store.claim(a.id, "op1", T0 + 30_000); // 30 s
        await store.claim(b.id, "op2", T0 + MIN + 90_000); // 90 s
        await store.claim(c.id, "op3", T0 + 2 * MIN + 60_000); // 60 s
        await store.release(c.id, "op3", T0 + 4 * MIN, "x");
        await store.claim(c.id, "op1", T0 + 5 * MIN); // a second claim: the first one counts
        await store.recordOperatorReply(a.id, "op1", T0 + 100_000); // 100 s
        await store.recordOperatorReply(b.id, "op2", T0 + MIN + 200_000); // 200 s
        await store.close(a.id, "op1", "safe", T0 + 10 * MIN);
        await store.close(b.id, "op2", "safe", T0 + 10 * MIN);
        const stats = await store.stats(T0 + 60 * MIN);
        expect(stats).toEqual({
          day: "2026-01-20",
          timeZone: "Asia/Jakarta",
          created: 4,
          claimed: 4,
          closed: 3,
          closedByOutcome: { reached_embassy: 1, safe: 2, no_response: 0, duplicate: 0, other: 0 },
          medianSecondsToClaim: 60,
          medianSecondsToFirstReply: 150,
        });
        // In UTC the yesterday case (16:00 UTC on the 19th) is still yesterday's too.
        expect((await store.stats(T0 + 60 * MIN, "UTC")).created).toBe(4);
        // Tomorrow nothing happened yet.
        const tomorrow = await store.stats(T0 + 24 * 60 * MIN);
        expect(tomorrow).toMatchObject({ day: "2026-01-21", created: 0, claimed: 0, closed: 0 });
        expect(tomorrow.medianSecondsToClaim).toBeNull();
      });
    });

    describe("erase", () => {
      it("keeps an anonymised, closed stub and nothing personal", async () => {
        const store = make();
        const c = await created(store, { priority: "P1", reasons: ["beaten"] });
        await store.claim(c.id, "op1", T0 + MIN);
        await store.addNote(
          c.id,
          "op1",
          `spoke to ${PERSONAL.name}, brother ${PERSONAL.phone}`,
          T0 + 2 * MIN,
        );
        await store.audit(c.id, "op1", "called", T0 + 3 * MIN, PERSONAL.phone);
        await store.recordOperatorReply(c.id, "op1", T0 + 4 * MIN);
        await store.setTopic(c.id, 77);
        const r = await store.erase(c.id, T0 + 5 * MIN);
        expect(r.ok).toBe(true);
        const stub = await store.get(c.id);
        expect(stub).toEqual(r.case);
        expect(stub).toMatchObject({
          id: c.id,
          channel: "wa",
          kind: "help",
          priority: "P1",
          reasons: ["beaten"],
          createdAt: T0,
          claimedAt: T0 + MIN,
          firstReplyAt: T0 + 4 * MIN,
          status: "closed",
          closedAt: T0 + 5 * MIN,
          erased: true,
          summary: { answers: {} },
          notes: [{ at: T0 + 2 * MIN, by: "op1", text: "" }],
        });
        expect(stub?.conversation).toBeUndefined();
        expect(stub?.summary.answers).toEqual({});
        expect(stub?.summary.place).toBeUndefined();
        expect(stub?.audit.at(-1)).toEqual({ at: T0 + 5 * MIN, by: "person", action: "erased" });
        const text = JSON.stringify(stub);
        for (const value of Object.values(PERSONAL)) expect(text).not.toContain(value);
        expect(await store.open(10)).toEqual([]);
        expect(await store.erase(c.id, T0 + 6 * MIN)).toEqual({ ok: true, case: stub });
        expect(await store.erase(freshRef(), T0)).toEqual({ ok: false, error: "not_found" });
      });
    });

    describe("purge", () => {
      it("deletes cases closed before the cutoff, at most `limit`", async () => {
        const store = make();
        const old = [await created(store), await created(store), await created(store)];
        for (const [i, c] of old.entries()) await store.close(c.id, "op1", "safe", T0 + i);
        const recent = await created(store);
        await store.close(recent.id, "op1", "safe", T0 + 100 * MIN);
        const open = await created(store);
        await store.setTopic(old[0]?.id ?? "", 900);
        expect(await store.purgeClosedBefore(T0 + 100 * MIN, 2)).toBe(2);
        // Oldest closures go first.
        expect((await store.get(old[2]?.id ?? ""))?.status).toBe("closed");
        expect(await store.purgeClosedBefore(T0 + 100 * MIN, 10)).toBe(1);
        for (const c of old) expect(await store.get(c.id)).toBeUndefined();
        expect(await store.byTopic(900)).toBeUndefined();
        expect((await store.get(recent.id))?.status).toBe("closed");
        expect((await store.get(open.id))?.status).toBe("queued");
        expect(await store.purgeClosedBefore(T0 + 100 * MIN, 10)).toBe(0);
        expect(await store.purgeClosedBefore(T0 + 100 * MIN + 1, 10)).toBe(1);
      });
    });
  });
}
