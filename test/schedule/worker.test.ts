/**
 * The worker on the memory scheduler: dispatch by kind, ack on success, retry after the
 * lease on failure or an unknown kind, and a stop that waits for the job in hand.
 */
import { describe, expect, it } from "vitest";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import type { Job } from "../../src/schedule/scheduler.js";
import { SchedulerWorker, type WorkerProblem } from "../../src/schedule/worker.js";
import { fakeClock } from "../cases/redis-env.js";
import { T0 } from "./scheduler.contract.js";

const LEASE = 10_000;

function setup(handlers: Record<string, (job: Job) => Promise<void>>) {
  const scheduler = new MemoryScheduler();
  const clock = fakeClock(T0);
  const problems: WorkerProblem[] = [];
  const worker = new SchedulerWorker({
    scheduler,
    handlers,
    now: clock.now,
    leaseMs: LEASE,
    intervalMs: 5,
    onError: (p) => problems.push(p),
  });
  return { scheduler, clock, problems, worker };
}

describe("SchedulerWorker", () => {
  it("runs due jobs by kind and acks them", async () => {
    const seen: string[] = [];
    const { scheduler, clock, worker } = setup({
      a: async (job) => void seen.push(`a:${job.id}`),
      b: async (job) => void seen.push(`b:${job.id}`),
    });
    await scheduler.schedule("1", T0 + 100, { kind: "a" });
    await scheduler.schedule("2", T0 + 200, { kind: "b" });
    expect(await worker.tick()).toBe(0);
    clock.advance(200);
    expect(await worker.tick()).toBe(2);
    expect(seen.sort()).toEqual(["a:1", "b:2"]);
    clock.advance(10 * LEASE);
    expect(await worker.tick()).toBe(0);
  });

  it("leaves a failed job leased: it comes back after the lease", async () => {
    let fail = true;
    const attempts: number[] = [];
    const { scheduler, clock, problems, worker } = setup({
      flaky: async (job) => {
        attempts.push(job.attempt);
        if (fail) throw new Error("embassy API down");
      },
    });
    await scheduler.schedule("j", T0, { kind: "flaky" });
    expect(await worker.tick()).toBe(0);
    expect(problems).toMatchObject([{ jobId: "j", kind: "flaky" }]);
    clock.advance(LEASE - 1);
    expect(await worker.tick()).toBe(0);
    expect(attempts).toEqual([1]);
    fail = false;
    clock.advance(1);
    expect(await worker.tick()).toBe(1);
    expect(attempts).toEqual([1, 2]);
    clock.advance(10 * LEASE);
    expect(await worker.tick()).toBe(0);
  });

  it("reports a kind it has no handler for and leaves it for a process that has", async () => {
    const { scheduler, problems, worker } = setup({});
    await scheduler.schedule("j", T0, { kind: "future" });
    expect(await worker.tick()).toBe(0);
    expect(problems[0]?.kind).toBe("future");
    expect(String(problems[0]?.error)).toContain("no handler");
    expect((await scheduler.claimDue(T0 + LEASE, 10, LEASE)).map((j) => j.id)).toEqual(["j"]);
  });

  it("does not take an inherited property for a handler", async () => {
    const { scheduler, problems, worker } = setup({});
    await scheduler.schedule("j", T0, { kind: "toString" });
    expect(await worker.tick()).toBe(0);
    expect(problems).toHaveLength(1);
  });

  it("polls on its own once started, and stop() waits for the job in hand", async () => {
    let release: () => void = () => {};
    const started: string[] = [];
    const finished: string[] = [];
    const { scheduler, worker } = setup({
      slow: async (job) => {
        started.push(job.id);
        await new Promise<void>((r) => {
          release = r;
        });
        finished.push(job.id);
      },
    });
    worker.start();
    worker.start();
    await scheduler.schedule("j", T0, { kind: "slow" });
    await waitFor(() => started.length === 1);
    const stopping = worker.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toEqual(["j"]);
    // Acked before stop() returned, and no more polling after it.
    expect(await scheduler.claimDue(T0 + 10 * LEASE, 10, LEASE)).toEqual([]);
    await scheduler.schedule("k", T0, { kind: "slow" });
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toEqual(["j"]);
  });

  it("keeps polling after the scheduler itself fails", async () => {
    const scheduler = new MemoryScheduler();
    let calls = 0;
    const failing = {
      ...scheduler,
      schedule: scheduler.schedule.bind(scheduler),
      cancel: scheduler.cancel.bind(scheduler),
      cancelPrefix: scheduler.cancelPrefix.bind(scheduler),
      ack: scheduler.ack.bind(scheduler),
      claimDue: async (now: number, limit: number, lease: number) => {
        calls += 1;
        if (calls === 1) throw new Error("redis down");
        return scheduler.claimDue(now, limit, lease);
      },
    };
    const problems: WorkerProblem[] = [];
    const seen: string[] = [];
    const worker = new SchedulerWorker({
      scheduler: failing,
      handlers: { x: async (job) => void seen.push(job.id) },
      now: () => T0,
      intervalMs: 5,
      onError: (p) => problems.push(p),
    });
    await scheduler.schedule("j", T0, { kind: "x" });
    worker.start();
    await waitFor(() => seen.length === 1);
    await worker.stop();
    expect(String(problems[0]?.error)).toContain("redis down");
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 2));
  }
}
