import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import { PURGE_JOB_ID, purgeExpired, purgeHandler } from "../../src/cases/retention.js";
import { createLogger } from "../../src/log.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";

const DAY = 86_400_000;
const POLICY = { closedCaseMs: 30 * DAY, reportMs: 180 * DAY };

async function closedCase(
  store: MemoryCaseStore,
  id: string,
  kind: "help" | "family",
  closedAt: number,
) {
  await store.upsert({
    caseRef: id,
    conversation: `tg:${id}`,
    channel: "tg",
    kind,
    priority: "P3",
    reasons: [],
    summary: { flow: kind, lang: "id", answers: {} },
    lang: "id",
    now: closedAt - DAY,
  });
  await store.close(id, "system", "safe", closedAt);
}

describe("retention", () => {
  it("deletes closed help cases after 30 days and reports after 180, keeping the rest", async () => {
    const store = new MemoryCaseStore();
    const now = 400 * DAY;
    await closedCase(store, "old-help", "help", now - 31 * DAY);
    await closedCase(store, "new-help", "help", now - 29 * DAY);
    await closedCase(store, "mid-report", "family", now - 31 * DAY);
    await closedCase(store, "old-report", "family", now - 181 * DAY);
    expect(await purgeExpired(store, now, POLICY)).toEqual({ help: 1, family: 1 });
    expect(await store.get("old-help")).toBeUndefined();
    expect(await store.get("old-report")).toBeUndefined();
    expect(await store.get("new-help")).toBeDefined();
    expect(await store.get("mid-report")).toBeDefined();
  });

  it("runs on a durable timer that schedules its next run", async () => {
    const store = new MemoryCaseStore();
    const scheduler = new MemoryScheduler();
    const run = purgeHandler({
      cases: store,
      scheduler,
      policy: POLICY,
      log: createLogger("silent"),
      now: () => 1_000,
    });
    await run();
    const [job] = await scheduler.claimDue(1_000 + 3_600_000, 10, 1000);
    expect(job).toMatchObject({ id: PURGE_JOB_ID, payload: { kind: "purge" } });
  });
});
