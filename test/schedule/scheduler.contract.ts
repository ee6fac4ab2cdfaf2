/**
 * The behaviour every Scheduler must have, run against the memory twin and Redis. Each
 * test builds its own scheduler (the Redis factory gives each its own prefix), and time
 * is only ever the `now` passed in.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Scheduler } from "../../src/schedule/scheduler.js";

export const T0 = Date.UTC(2026, 0, 20, 1, 0, 0);
const LEASE = 30_000;

export type MakeScheduler = () => Scheduler;

export function schedulerContract(
  name: string,
  make: MakeScheduler,
  cleanup: () => Promise<void>,
): void {
  describe(`Scheduler contract: ${name}`, () => {
    afterAll(cleanup);

    it("hands out only jobs due at or before now, earliest first, with their payload", async () => {
      const s = make();
      await s.schedule("b", T0 + 2_000, { kind: "sla", caseId: "B" });
      await s.schedule("a", T0 + 1_000, { kind: "sla", caseId: "A" });
      await s.schedule("later", T0 + 5_000, { kind: "sla", caseId: "L" });
      expect(await s.claimDue(T0 + 999, 10, LEASE)).toEqual([]);
      const jobs = await s.claimDue(T0 + 2_000, 10, LEASE);
      expect(jobs).toEqual([
        {
          id: "a",
          dueAt: T0 + 1_000,
          payload: { kind: "sla", caseId: "A" },
          attempt: 1,
          leaseUntil: T0 + 2_000 + LEASE,
        },
        {
          id: "b",
          dueAt: T0 + 2_000,
          payload: { kind: "sla", caseId: "B" },
          attempt: 1,
          leaseUntil: T0 + 2_000 + LEASE,
        },
      ]);
    });

    it("respects the limit", async () => {
      const s = make();
      for (let i = 0; i < 5; i++) await s.schedule(`j${i}`, T0 + i, { kind: "x" });
      expect((await s.claimDue(T0 + 10, 2, LEASE)).map((j) => j.id)).toEqual(["j0", "j1"]);
      expect((await s.claimDue(T0 + 10, 0, LEASE)).map((j) => j.id)).toEqual([]);
      expect((await s.claimDue(T0 + 10, 10, LEASE)).map((j) => j.id)).toEqual(["j2", "j3", "j4"]);
    });

    it("a leased job is not handed out again until its lease runs out", async () => {
      const s = make();
      await s.schedule("j", T0, { kind: "x" });
      const [first] = await s.claimDue(T0, 10, LEASE);
      expect(first?.attempt).toBe(1);
      expect(await s.claimDue(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
      const [again] = await s.claimDue(T0 + LEASE, 10, LEASE);
      expect(again).toMatchObject({ id: "j", dueAt: T0, attempt: 2, leaseUntil: T0 + 2 * LEASE });
    });

    it("an acked job is gone for good", async () => {
      const s = make();
      await s.schedule("j", T0, { kind: "x" });
      const [job] = await s.claimDue(T0, 10, LEASE);
      await s.ack("j", job?.leaseUntil);
      expect(await s.claimDue(T0 + 10 * LEASE, 10, LEASE)).toEqual([]);
    });

    it("an ack of a lease that already ran out and was taken by another worker is ignored", async () => {
      const s = make();
      await s.schedule("j", T0, { kind: "x" });
      const [slow] = await s.claimDue(T0, 10, LEASE);
      const [fast] = await s.claimDue(T0 + LEASE, 10, LEASE);
      await s.ack("j", slow?.leaseUntil);
      // Still leased to the second worker: it comes back if that worker dies too.
      expect((await s.claimDue(T0 + 2 * LEASE, 10, LEASE)).map((j) => j.id)).toEqual(["j"]);
      expect(fast?.attempt).toBe(2);
    });

    it("scheduling the same id replaces its due time and payload", async () => {
      const s = make();
      await s.schedule("j", T0, { kind: "x", n: 1 });
      await s.schedule("j", T0 + 1_000, { kind: "x", n: 2 });
      expect(await s.claimDue(T0 + 999, 10, LEASE)).toEqual([]);
      const jobs = await s.claimDue(T0 + 1_000, 10, LEASE);
      expect(jobs.map((j) => [j.id, j.payload])).toEqual([["j", { kind: "x", n: 2 }]]);
    });

    it("rescheduling a job while it runs wins over that run's ack", async () => {
      const s = make();
      await s.schedule("j", T0, { kind: "x", n: 1 });
      const [job] = await s.claimDue(T0, 10, LEASE);
      await s.schedule("j", T0 + 5_000, { kind: "x", n: 2 });
      await s.ack("j", job?.leaseUntil);
      const next = await s.claimDue(T0 + 5_000, 10, LEASE);
      expect(next).toMatchObject([{ id: "j", dueAt: T0 + 5_000, payload: { n: 2 }, attempt: 1 }]);
    });

    it("cancels waiting and leased jobs; unknown ids are ignored", async () => {
      const s = make();
      await s.schedule("waiting", T0, { kind: "x" });
      await s.schedule("leased", T0, { kind: "x" });
      await s.claimDue(T0, 1, LEASE);
      await s.cancel("waiting");
      await s.cancel("leased");
      await s.cancel("nothing");
      expect(await s.claimDue(T0 + 10 * LEASE, 10, LEASE)).toEqual([]);
    });

    it("cancels every job with a prefix, taking the prefix literally", async () => {
      const s = make();
      await s.schedule("checkin:tg:12:a", T0, { kind: "x" });
      await s.schedule("checkin:tg:12:b", T0 + 1, { kind: "x" });
      await s.schedule("checkin:tg:123:a", T0 + 2, { kind: "x" });
      await s.schedule("odd*[x]?:1", T0 + 3, { kind: "x" });
      await s.schedule("odd-other", T0 + 4, { kind: "x" });
      await s.claimDue(T0, 1, LEASE); // one of them is leased
      expect(await s.cancelPrefix("checkin:tg:12:")).toBe(2);
      expect(await s.cancelPrefix("odd*[x]?")).toBe(1);
      expect(await s.cancelPrefix("none:")).toBe(0);
      const left = await s.claimDue(T0 + 10 * LEASE, 10, LEASE);
      expect(left.map((j) => j.id)).toEqual(["checkin:tg:123:a", "odd-other"]);
    });

    it("concurrent claims never hand out one job twice", async () => {
      const s = make();
      for (let i = 0; i < 40; i++) await s.schedule(`j${i}`, T0 + i, { kind: "x" });
      const batches = await Promise.all(
        Array.from({ length: 10 }, () => s.claimDue(T0 + 100, 7, LEASE)),
      );
      const ids = batches.flat().map((j) => j.id);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    });
  });
}
