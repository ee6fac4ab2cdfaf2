/**
 * The console's case page shows a case's possible matches with their reasons, and an
 * operator links one there: both cases' histories say so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalation } from "../cases/case-store.contract.js";
import { type ConsoleService, startConsole } from "../console/harness.js";

let svc: ConsoleService;
beforeAll(async () => {
  svc = await startConsole({ CONSOLE_TOTP_REQUIRED_FOR: "none" });
  await svc.account("wati", "supervisor");
});
afterAll(async () => svc.close());

describe("matches on the console's case page", () => {
  it("shows the reasons and links the two cases, audited on both", async () => {
    const now = Date.now();
    const report = (await svc.ports.cases.upsert(escalation({ kind: "family", now }))).case;
    const person = (await svc.ports.cases.upsert(escalation({ now }))).case;
    await svc.ports.matches.suggest(report.id, person.id, {
      score: 0.8,
      reasons: [{ kind: "phone" }, { kind: "country" }],
      state: "suggested",
      at: now,
    });
    const b = svc.browser();
    expect((await b.signIn("wati")).statusCode).toBe(303);
    const page = (await b.get(`/console/cases/${report.id}`)).body;
    expect(page).toContain("Possible matches");
    expect(page).toContain(person.id);
    expect(page).toContain("same phone number, same country");

    const r = await b.post(`/console/cases/${report.id}/match`, {
      other: person.id,
      decision: "linked",
    });
    expect(r.statusCode).toBe(303);
    expect(await svc.ports.matches.get(person.id, report.id)).toMatchObject({ state: "linked" });
    for (const [id, other] of [
      [report.id, person.id],
      [person.id, report.id],
    ]) {
      const audit = (await svc.ports.cases.get(id as string))?.audit ?? [];
      expect(audit.map((a) => `${a.action}:${a.detail}`)).toContain(`match_linked:${other}`);
    }
    expect((await b.get(`/console/cases/${report.id}`)).body).not.toContain('value="linked"');
  });
});
