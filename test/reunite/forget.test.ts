/**
 * Retention and erase apply to matches: a purged or erased case leaves no profile, no
 * hashed key and no match behind, on its side or the other's.
 */
import { describe, expect, it } from "vitest";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import { purgeExpired } from "../../src/cases/retention.js";
import { createLogger } from "../../src/log.js";
import { MemoryMatchStore } from "../../src/reunite/memory-match-store.js";
import { Reunite } from "../../src/reunite/service.js";
import { escalation } from "../cases/case-store.contract.js";
import { testHash } from "./match-store.contract.js";

const DAY = 24 * 60 * 60 * 1000;
const T = Date.UTC(2026, 10, 1);

async function matched() {
  const cases = new MemoryCaseStore();
  const matches = new MemoryMatchStore();
  const reunite = new Reunite({
    matches,
    cases,
    hash: testHash,
    board: { matchChanged: async () => {} },
    authorise: () => "operator",
    log: createLogger("silent"),
    now: () => T,
  });
  const summary = (answers: Record<string, string>) => ({ flow: "family", lang: "id", answers });
  const report = await cases.upsert(
    escalation({
      kind: "family",
      conversation: "tg:1",
      channel: "tg",
      summary: summary({ name: "Sinta Hadiwijaya", phones: "0812 1212 3434" }),
      now: T,
    }),
  );
  const person = await cases.upsert(
    escalation({ conversation: "wa:+6281212123434", summary: summary({}), now: T }),
  );
  await reunite.caseChanged(report.case);
  expect(await reunite.caseChanged(person.case)).toBe(1);
  return { cases, matches, reunite, report: report.case, person: person.case };
}

describe("forgetting matches", () => {
  it("a report purged after its time takes its match and hashes with it", async () => {
    const { cases, matches, reunite, report, person } = await matched();
    await cases.close(report.id, "op", "other", T + DAY);
    const policy = { closedCaseMs: 30 * DAY, reportMs: 180 * DAY };
    const purged = await purgeExpired(cases, T + 200 * DAY, policy, (id) => reunite.forget(id));
    expect(purged.family).toBe(1);
    expect(await matches.profile(report.id)).toBeUndefined();
    expect(await matches.matchesOf(person.id)).toEqual([]);
    expect(matches.size()).toEqual({ profiles: 1, keys: 1, matches: 0 });
  });

  it("an erased case is unfiled and its matches go from both sides", async () => {
    const { cases, matches, reunite, report, person } = await matched();
    const erased = await cases.erase(person.id, T + 1);
    expect(erased.ok && (await reunite.caseChanged(erased.case))).toBe(0);
    expect(await matches.matchesOf(report.id)).toEqual([]);
    expect(matches.size()).toEqual({ profiles: 1, keys: 3, matches: 0 });
  });
});
