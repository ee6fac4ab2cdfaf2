/**
 * The dashboard, its CSV export, the directory and the audit log, each for the roles that
 * may see them, on the real service.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleService, codeOf, startConsole } from "./harness.js";

let svc: ConsoleService;
let kikiSecret: string;
let watiSecret: string;

beforeAll(async () => {
  svc = await startConsole();
  await svc.account("rina", "operator");
  kikiSecret = (await svc.account("kiki", "coordinator")) as string;
  watiSecret = (await svc.account("wati", "supervisor")) as string;
});
afterAll(async () => svc.close());

describe("dashboard", () => {
  it("shows a coordinator today's cases by priority and the share claimed in time, and exports them", async () => {
    const first = await svc.personInDanger(7_740_001);
    await svc.personInDanger(7_740_002);
    const rina = svc.browser();
    await rina.signIn("rina");
    await rina.get(`/console/cases/${first}`);
    await rina.post(`/console/cases/${first}/claim`, {}, { htmx: true });

    const kiki = svc.browser();
    expect((await kiki.signIn("kiki", undefined, await codeOf(kikiSecret))).headers.location).toBe(
      "/console/dashboard",
    );
    const page = (await kiki.get("/console/dashboard")).body;
    expect(page).toMatch(/<th scope="row">P1<\/th><td>2<\/td>/);
    expect(page).toContain("100% (1/1)");
    expect(page).toContain("Cambodia");
    expect(page).not.toContain(first);

    const csv = await kiki.get("/console/dashboard.csv");
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body).toMatch(/,priority,P1,2\n/);
    expect(csv.body).toContain("claimed_within_sla,claimed,1");
    expect(csv.body).not.toContain(first);
  });

  it("is not for operators", async () => {
    const rina = svc.browser();
    await rina.signIn("rina");
    expect((await rina.get("/console/dashboard")).statusCode).toBe(403);
    expect((await rina.get("/console/dashboard.csv")).statusCode).toBe(403);
  });
});

describe("directory", () => {
  it("lists contacts with source, confidence and verification, stale ones marked", async () => {
    const rina = svc.browser();
    await rina.signIn("rina");
    const page = (await rina.get("/console/directory")).body;
    expect(page).toContain("Directory");
    expect(page).toMatch(/<tr class="(stale|unverified)">/);
    expect(page).toMatch(/Never verified|Stale/);
    expect(page).not.toContain('<form method="post" action="/console/directory');
  });
});

describe("audit log", () => {
  it("shows supervisors who signed in, opened cases and was refused", async () => {
    const id = await svc.personInDanger(7_740_003);
    const kiki = svc.browser();
    // The next code: the current one was used by the dashboard test, and a code works once.
    await kiki.signIn("kiki", undefined, await codeOf(kikiSecret, Date.now() + 30_000));
    await kiki.get(`/console/cases/${id}`);
    const wati = svc.browser();
    await wati.signIn("wati", undefined, await codeOf(watiSecret));
    const page = (await wati.get("/console/audit")).body;
    expect(page).toMatch(
      /<td>kiki<\/td><td>opened the case<\/td>[\s\S]*?refused \(no_personal_data\)/,
    );
    expect(page).toMatch(/<td>kiki<\/td><td>sign in<\/td>/);
  });

  it("is not for operators or coordinators", async () => {
    const rina = svc.browser();
    await rina.signIn("rina");
    expect((await rina.get("/console/audit")).statusCode).toBe(403);
  });
});
