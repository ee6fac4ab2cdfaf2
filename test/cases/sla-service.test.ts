/**
 * The SLA service on a controllable clock, with the memory twins and with Redis: unclaimed
 * cases are announced again, louder, until claimed; silent holders lose their case; and
 * the timers survive throwing every instance away.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import type { Case } from "../../src/cases/model.js";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import { type Announcer, SlaService, slaJobId } from "../../src/cases/sla-service.js";
import type { CaseStore, EscalationInput } from "../../src/cases/store.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import type { Scheduler } from "../../src/schedule/scheduler.js";
import { SchedulerWorker, type WorkerProblem } from "../../src/schedule/worker.js";
import { escalation, MIN, T0 } from "./case-store.contract.js";
import { fakeClock, useRedis } from "./redis-env.js";

const LEASE = 60_000;

interface Heard {
  overdue: { id: string; level: number; at: number }[];
  returned: { id: string; at: number }[];
}

/** A store, a scheduler, a clock and everything that runs on them, as one process has. */
function harness(store: CaseStore, scheduler: Scheduler, clock = fakeClock(T0), failOverdue = 0) {
  const heard: Heard = { overdue: [], returned: [] };
  let failures = failOverdue;
  const announcer: Announcer = {
    overdue: async (c, level) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error("telegram down");
      }
      heard.overdue.push({ id: c.id, level, at: clock.now() - T0 });
    },
    returned: async (c) => void heard.returned.push({ id: c.id, at: clock.now() - T0 }),
  };
  const sla = new SlaService({ store, scheduler, announcer, now: clock.now });
  const problems: WorkerProblem[] = [];
  const worker = new SchedulerWorker({
    scheduler,
    handlers: sla.handlers,
    now: clock.now,
    leaseMs: LEASE,
    onError: (p) => problems.push(p),
  });
  return {
    store,
    scheduler,
    sla,
    heard,
    problems,
    /** Move the clock to T0 + `ms` and run one poll. */
    async at(ms: number): Promise<void> {
      clock.set(T0 + ms);
      await worker.tick();
    },
    /** What the runtime does with an escalate effect. */
    async escalate(over: Partial<EscalationInput> = {}): Promise<Case> {
      const { case: c } = await store.upsert(escalation({ now: clock.now(), ...over }));
      await sla.onCaseChanged(c);
      return c;
    },
    /** What the operator surface does after an action. */
    async changed(result: { case?: Case }): Promise<void> {
      if (result.case) await sla.onCaseChanged(result.case);
    },
    clock,
  };
}

type MakeParts = () => { store: CaseStore; scheduler: Scheduler };

function slaSuite(name: string, make: MakeParts): void {
  describe(`SLA service: ${name}`, () => {
    const setup = (failOverdue = 0) => {
      const { store, scheduler } = make();
      return harness(store, scheduler, fakeClock(T0), failOverdue);
    };

    it("announces an unclaimed P1 at 2 minutes, then louder every 2 minutes", async () => {
      const h = setup();
      const c = await h.escalate({ priority: "P1" });
      await h.at(2 * MIN - 1);
      expect(h.heard.overdue).toEqual([]);
      await h.at(2 * MIN);
      expect(h.heard.overdue).toEqual([{ id: c.id, level: 1, at: 2 * MIN }]);
      await h.at(3 * MIN);
      await h.at(4 * MIN);
      await h.at(6 * MIN);
      expect(h.heard.overdue.map((a) => [a.level, a.at])).toEqual([
        [1, 2 * MIN],
        [2, 4 * MIN],
        [3, 6 * MIN],
      ]);
      const stored = await h.store.get(c.id);
      expect(stored?.announcements).toBe(3);
      expect(
        stored?.audit.filter((a) => a.action === "announced").map((a) => [a.by, a.detail]),
      ).toEqual([
        ["system", "level 1"],
        ["system", "level 2"],
        ["system", "level 3"],
      ]);
      expect(h.problems).toEqual([]);
    });

    it("waits a P3's hour", async () => {
      const h = setup();
      await h.escalate({ priority: "P3" });
      await h.at(59 * MIN);
      expect(h.heard.overdue).toEqual([]);
      await h.at(60 * MIN);
      expect(h.heard.overdue).toHaveLength(1);
    });

    it("claiming stops the announcements", async () => {
      const h = setup();
      const c = await h.escalate({ priority: "P1" });
      await h.at(MIN);
      await h.changed(await h.store.claim(c.id, "op1", T0 + MIN));
      await h.at(2 * MIN);
      await h.at(4 * MIN);
      expect(h.heard.overdue).toEqual([]);
    });

    it("a claim the service was not told about stops them too (the timer re-reads the case)", async () => {
      const h = setup();
      const c = await h.escalate({ priority: "P1" });
      await h.store.claim(c.id, "op1", T0 + MIN);
      await h.at(2 * MIN);
      await h.at(4 * MIN);
      expect(h.heard.overdue).toEqual([]);
      // The timer moved on to the holder's no-reply deadline.
      await h.at(11 * MIN);
      expect(h.heard.returned).toEqual([{ id: c.id, at: 11 * MIN }]);
    });

    it("returns a claimed case with no operator reply to the queue after 10 minutes", async () => {
      const h = setup();
      const c = await h.escalate({ priority: "P1" });
      await h.at(MIN / 2);
      await h.changed(await h.store.claim(c.id, "op1", T0 + MIN / 2));
      await h.at(10 * MIN + MIN / 2 - 1);
      expect(h.heard.returned).toEqual([]);
      await h.at(10 * MIN + MIN / 2);
      expect(h.heard.returned).toEqual([{ id: c.id, at: 10 * MIN + MIN / 2 }]);
      const back = await h.store.get(c.id);
      expect(back).toMatchObject({ status: "queued", queuedAt: T0 + 10 * MIN + MIN / 2 });
      expect(back?.operator).toBeUndefined();
      expect(back?.audit.at(-1)).toEqual({
        at: T0 + 10 * MIN + MIN / 2,
        by: "system",
        action: "released",
        detail: "no operator reply",
      });
      expect((await h.store.queued(5)).map((x) => x.id)).toEqual([c.id]);
      // Back in the queue, it is announced again if nobody takes it.
      await h.at(12 * MIN + MIN / 2);
      expect(h.heard.overdue.map((a) => [a.level, a.at])).toEqual([[1, 12 * MIN + MIN / 2]]);
    });

    it("a reply keeps the case with its holder, and leaves no timer", async () => {
      const h = setup();
      const c = await h.escalate({ priority: "P2" });
      await h.changed(await h.store.claim(c.id, "op1", T0 + MIN));
      await h.changed(await h.store.recordOperatorReply(c.id, "op1", T0 + 5 * MIN));
      await h.at(11 * MIN);
      await h.at(100 * MIN);
      expect(h.heard).toEqual({ overdue: [], returned: [] });
      expect((await h.store.get(c.id))?.status).toBe("claimed");
      expect(await h.scheduler.claimDue(T0 + 1000 * MIN, 10, LEASE)).toEqual([]);
    });

    it("closing or erasing cancels the timer", async () => {
      const h = setup();
      const a = await h.escalate({ priority: "P1" });
      const b = await h.escalate({ priority: "P1" });
      await h.changed(await h.store.close(a.id, "op1", "duplicate", T0 + MIN));
      await h.changed(await h.store.erase(b.id, T0 + MIN));
      expect(await h.scheduler.claimDue(T0 + 1000 * MIN, 10, LEASE)).toEqual([]);
      await h.at(10 * MIN);
      expect(h.heard.overdue).toEqual([]);
    });

    it("after an outage, announces once and then keeps the rhythm", async () => {
      const h = setup();
      await h.escalate({ priority: "P1" });
      await h.at(30 * MIN);
      await h.at(31 * MIN);
      await h.at(32 * MIN);
      expect(h.heard.overdue.map((a) => [a.level, a.at])).toEqual([
        [1, 30 * MIN],
        [2, 32 * MIN],
      ]);
    });

    it("a raised case is held to its new priority at once", async () => {
      const h = setup();
      const input = escalation({ priority: "P3", now: T0 });
      const { case: c } = await h.store.upsert(input);
      await h.sla.onCaseChanged(c);
      await h.at(5 * MIN);
      expect(h.heard.overdue).toEqual([]);
      const raised = await h.store.upsert({ ...input, priority: "P1", now: T0 + 5 * MIN });
      await h.sla.onCaseChanged(raised.case);
      await h.at(5 * MIN);
      expect(h.heard.overdue).toEqual([{ id: c.id, level: 1, at: 5 * MIN }]);
    });

    it("an announcement that failed is tried again after the lease, at the same level", async () => {
      const h = setup(1);
      const c = await h.escalate({ priority: "P1" });
      await h.at(2 * MIN);
      expect(h.problems).toMatchObject([{ jobId: slaJobId(c.id), kind: "sla" }]);
      expect(h.heard.overdue).toEqual([]);
      await h.at(2 * MIN + LEASE - 1);
      expect(h.heard.overdue).toEqual([]);
      await h.at(2 * MIN + LEASE);
      await h.at(5 * MIN);
      expect(h.heard.overdue.map((a) => [a.level, a.at])).toEqual([
        [1, 3 * MIN],
        [2, 5 * MIN],
      ]);
    });

    it("a stale closed copy does not cancel the timer of a case that was reopened", async () => {
      const h = setup();
      const input = escalation({ priority: "P1", now: T0 });
      await h.store.upsert(input);
      const closed = await h.store.close(input.caseRef, "op1", "safe", T0 + MIN);
      await h.store.upsert({ ...input, now: T0 + 2 * MIN }); // another process reopens it
      await h.changed(closed); // the closer's stale copy arrives last
      await h.at(4 * MIN);
      expect(h.heard.overdue).toEqual([{ id: input.caseRef, level: 1, at: 4 * MIN }]);
    });

    it("resync re-arms timers lost before anyone called onCaseChanged", async () => {
      const h = setup();
      const { case: lost } = await h.store.upsert(escalation({ priority: "P1", now: T0 }));
      const { case: other } = await h.store.upsert(escalation({ priority: "P2", now: T0 }));
      await h.store.close(other.id, "op1", "duplicate", T0);
      expect(await h.sla.resync()).toBe(1);
      await h.at(2 * MIN);
      expect(h.heard.overdue).toEqual([{ id: lost.id, level: 1, at: 2 * MIN }]);
    });

    it("a timer for a case that no longer exists just goes away", async () => {
      const h = setup();
      await h.scheduler.schedule(slaJobId("GONE"), T0, { kind: "sla", caseId: "GONE" });
      await h.at(0);
      expect(h.problems).toEqual([]);
      expect(await h.scheduler.claimDue(T0 + 1000 * MIN, 10, LEASE)).toEqual([]);
    });
  });
}

slaSuite("memory", () => ({ store: new MemoryCaseStore(), scheduler: new MemoryScheduler() }));

describe("redis", () => {
  const env = useRedis();
  const parts = (client = env.redis, prefix = `${env.prefix}${randomUUID()}:`) => ({
    store: new RedisCaseStore(client, { prefix }),
    scheduler: new RedisScheduler(client, { prefix }),
  });

  slaSuite("redis", () => parts());

  it("an overdue announcement still happens after every instance was thrown away", async () => {
    const prefix = `${env.prefix}${randomUUID()}:`;
    const clock = fakeClock(T0);
    const before = await env.client();
    const first = harness(...partsOf(parts(before, prefix)), clock);
    const unclaimed = await first.escalate({ priority: "P1" });
    const silent = await first.escalate({ priority: "P2" });
    await first.changed(await first.store.claim(silent.id, "op1", T0 + MIN));
    await first.at(MIN);
    await before.quit();

    const after = await env.client();
    const second = harness(...partsOf(parts(after, prefix)), clock);
    await second.at(2 * MIN);
    expect(second.heard.overdue).toEqual([{ id: unclaimed.id, level: 1, at: 2 * MIN }]);
    await second.at(11 * MIN);
    expect(second.heard.returned).toEqual([{ id: silent.id, at: 11 * MIN }]);
    expect(first.heard).toEqual({ overdue: [], returned: [] });
    await after.quit();
  });

  it("two processes sharing Redis announce each overdue case once", async () => {
    const prefix = `${env.prefix}${randomUUID()}:`;
    const clock = fakeClock(T0);
    const [a, b] = await Promise.all([env.client(), env.client()]);
    try {
      const [pa, pb] = [
        harness(...partsOf(parts(a, prefix)), clock),
        harness(...partsOf(parts(b, prefix)), clock),
      ];
      const cases = [];
      for (let i = 0; i < 20; i++) cases.push(await pa.escalate({ priority: "P1" }));
      clock.set(T0 + 2 * MIN);
      await Promise.all([pa.at(2 * MIN), pb.at(2 * MIN)]);
      const heard = [...pa.heard.overdue, ...pb.heard.overdue].map((x) => x.id).sort();
      expect(heard).toEqual(cases.map((c) => c.id).sort());
    } finally {
      await Promise.all([a.quit(), b.quit()]);
    }
  });
});

function partsOf(p: { store: CaseStore; scheduler: Scheduler }): [CaseStore, Scheduler] {
  return [p.store, p.scheduler];
}
