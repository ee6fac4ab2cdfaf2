import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import { closeIdle, PURGE_JOB_ID, purgeExpired, purgeHandler } from "../../src/cases/retention.js";
import { createConfig } from "../../src/config.js";
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

describe("idle open cases", () => {
  const IDLE = 14 * DAY;
  const open = (store: MemoryCaseStore, id: string, at: number) =>
    store.upsert({
      caseRef: id,
      conversation: `tg:${id}`,
      channel: "tg",
      kind: "help",
      priority: "P2",
      reasons: [],
      summary: { flow: "help", lang: "id", answers: {} },
      lang: "id",
      now: at,
    });

  it("closes as 'no response' an open case nobody wrote in for the idle time, and only those", async () => {
    const store = new MemoryCaseStore();
    const now = 400 * DAY;
    await open(store, "forgotten", now - 20 * DAY);
    // Re-announced by the helpline itself all along: that is not anyone working it.
    await store.recordAnnouncement("forgotten", now - DAY);
    await open(store, "claimed-quiet", now - 30 * DAY);
    await store.claim("claimed-quiet", "op7", now - 16 * DAY);
    await open(store, "person-wrote", now - 30 * DAY);
    await store.recordPersonMessage("person-wrote", now - 2 * DAY);
    await open(store, "operator-noted", now - 30 * DAY);
    await store.claim("operator-noted", "op7", now - 29 * DAY);
    await store.addNote("operator-noted", "op7", "Menunggu kabar keluarga", now - 3 * DAY);
    await open(store, "young", now - 13 * DAY);

    const closed = await closeIdle(store, now, IDLE);
    expect(closed.map((c) => c.id).sort()).toEqual(["claimed-quiet", "forgotten"]);
    expect(await store.get("forgotten")).toMatchObject({
      status: "closed",
      outcome: "no_response",
      closedAt: now,
    });
    for (const id of ["person-wrote", "operator-noted", "young"])
      expect((await store.get(id))?.status).not.toBe("closed");
  });

  it("closes them on the purge timer, tells the operators' side, and purges them in turn", async () => {
    const store = new MemoryCaseStore();
    const scheduler = new MemoryScheduler();
    let now = 400 * DAY;
    await open(store, "walked-away", now - 15 * DAY);
    const shown: string[] = [];
    const run = purgeHandler({
      cases: store,
      scheduler,
      policy: { ...POLICY, idleCaseMs: IDLE },
      log: createLogger("silent"),
      now: () => now,
      onIdleClosed: async (c) => void shown.push(`${c.id}:${c.outcome}`),
    });
    await run();
    expect(shown).toEqual(["walked-away:no_response"]);
    expect((await store.get("walked-away"))?.status).toBe("closed");
    now += 31 * DAY;
    await run();
    expect(await store.get("walked-away")).toBeUndefined();
    expect(shown).toHaveLength(1);
  });

  it("takes the idle time from CASE_IDLE_CLOSE_DAYS, 14 days unless set", () => {
    expect(createConfig({}).retention.idleCaseMs).toBe(14 * DAY);
    expect(createConfig({ CASE_IDLE_CLOSE_DAYS: "7" }).retention.idleCaseMs).toBe(7 * DAY);
    expect(() => createConfig({ CASE_IDLE_CLOSE_DAYS: "0" })).toThrow(/CASE_IDLE_CLOSE_DAYS/);
  });
});
