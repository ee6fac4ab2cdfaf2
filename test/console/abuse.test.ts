/**
 * Bad input and abuse: each gets a clear refusal, changes nothing, and is in the audit
 * log. Through Fastify's `inject`, on the real service and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisConsoleAudit } from "../../src/console/audit-log.js";
import { serviceClock } from "../helpers/service.js";
import { type ConsoleService, codeOf, startConsole } from "./harness.js";

const clock = serviceClock();
let svc: ConsoleService;
let audit: RedisConsoleAudit;

beforeAll(async () => {
  svc = await startConsole(
    { CONSOLE_SIGNIN_MAX_FAILURES: "3", CONSOLE_SESSION_IDLE_MINUTES: "30" },
    clock.now,
  );
  audit = new RedisConsoleAudit(svc.ports.redis as never, svc.prefix, svc.ports.codec);
  await svc.account("rina", "operator");
  await svc.account("sari", "operator");
  await svc.account("yudi", "operator");
});
afterAll(async () => svc.close());

/** The console's audit entries of `action` by `by`, newest first. */
async function audited(by: string, action: string) {
  return (await audit.recent(clock.now(), 500)).filter((e) => e.by === by && e.action === action);
}

describe("signing in", () => {
  it("refuses a wrong password without saying which part was wrong, and audits it", async () => {
    const b = svc.browser();
    const r = await b.signIn("rina", "not the password at all");
    expect(r.statusCode).toBe(401);
    expect(r.body).toContain("The username, password or code is not right");
    expect(b.cookies.has("pulang_console")).toBe(false);
    const unknown = await svc.browser().signIn("nobody-here", "whatever password");
    expect(unknown.body).toContain("The username, password or code is not right");
    expect((await audited("rina", "sign_in"))[0]).toMatchObject({ ok: false, detail: "wrong" });
  });

  it("locks an account after repeated failures, even for the right password", async () => {
    for (let i = 0; i < 3; i++) await svc.browser().signIn("yudi", "wrong password here");
    const r = await svc.browser().signIn("yudi");
    expect(r.statusCode).toBe(429);
    expect(r.body).toContain("locked");
    expect((await audited("yudi", "sign_in"))[0]).toMatchObject({ ok: false, detail: "locked" });
  });

  it("asks supervisors for their code, and takes a code only once", async () => {
    const secret = (await svc.account("wati", "supervisor")) as string;
    expect(secret).toBeDefined();
    expect((await svc.browser().signIn("wati")).statusCode).toBe(401);
    expect((await svc.browser().signIn("wati", undefined, "000000")).statusCode).toBe(401);
    const code = await codeOf(secret, clock.now());
    expect((await svc.browser().signIn("wati", undefined, code)).statusCode).toBe(303);
    expect((await svc.browser().signIn("wati", undefined, code)).statusCode).toBe(401);
  });

  it("ends a session after the idle time: the next action is refused and nothing changes", async () => {
    const id = await svc.personInDanger(7_720_001);
    const b = svc.browser();
    await b.signIn("sari");
    await b.get(`/console/cases/${id}`);
    clock.ms += 31 * 60_000;
    const r = await b.post(`/console/cases/${id}/claim`, {}, { htmx: true });
    expect(r.statusCode).toBe(401);
    expect(r.body).toContain("Your session has ended");
    expect((await svc.app.cases.get(id))?.status).toBe("queued");
    expect((await b.get("/console/queue")).headers.location).toBe("/console/sign-in");
  });
});

describe("state changes need the page's CSRF token", () => {
  it("refuses a missing or forged token, changes nothing, and audits it", async () => {
    const id = await svc.personInDanger(7_720_002);
    const b = svc.browser();
    await b.signIn("rina");
    await b.get(`/console/cases/${id}`);
    const missing = await b.post(`/console/cases/${id}/claim`, {}, { csrf: null });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain("This form has expired or did not come from this console");
    const other = svc.browser();
    await other.signIn("sari");
    const forged = await b.post(`/console/cases/${id}/claim`, {}, { csrf: other.csrf });
    expect(forged.statusCode).toBe(403);
    expect((await svc.app.cases.get(id))?.status).toBe("queued");
    expect((await audited("rina", "csrf")).length).toBeGreaterThanOrEqual(2);
  });
});

describe("seeing what is not yours", () => {
  it("refuses an operator a case someone else holds, and audits the attempt", async () => {
    const id = await svc.personInDanger(7_720_003);
    const rina = svc.browser();
    await rina.signIn("rina");
    await rina.get(`/console/cases/${id}`);
    await rina.post(`/console/cases/${id}/claim`, {}, { htmx: true });
    const sari = svc.browser();
    await sari.signIn("sari");
    const r = await sari.get(`/console/cases/${id}`);
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain("This case is not yours to open");
    expect(r.body).not.toContain("Poipet");
    await sari.get("/console/queue");
    const reply = await sari.post(`/console/cases/${id}/reply`, { text: "hello" }, { htmx: true });
    expect(reply.statusCode).toBe(403);
    expect((await audited("sari", "view"))[0]).toMatchObject({
      ok: false,
      case: id,
      detail: "not_yours",
    });
  });

  it("gives a coordinator figures, never a case or the queue", async () => {
    const secret = (await svc.account("kiki", "coordinator")) as string;
    const id = await svc.personInDanger(7_720_004);
    const b = svc.browser();
    await b.signIn("kiki", undefined, await codeOf(secret, clock.now()));
    for (const url of [`/console/cases/${id}`, "/console/queue", `/console/cases/${id}/live`]) {
      const r = await b.get(url);
      expect(r.statusCode).toBe(403);
      expect(r.body).toContain("Your role sees figures, not cases or personal data");
      expect(r.body).not.toContain("Poipet");
    }
    expect((await b.get("/console/dashboard")).statusCode).toBe(200);
    expect((await audited("kiki", "view"))[0]).toMatchObject({
      ok: false,
      detail: "no_personal_data",
    });
  });
});

/** A person in danger on `chat`, whose case `user` claimed in the console. */
async function claimedBy(user: string, chat: number) {
  const id = await svc.personInDanger(chat);
  const b = svc.browser();
  await b.signIn(user);
  await b.get(`/console/cases/${id}`);
  await b.post(`/console/cases/${id}/claim`, {}, { htmx: true });
  return { id, b };
}

describe("what people and operators write", () => {
  it("refuses a very long reply and sends nothing", async () => {
    const chat = 7_720_005;
    const { id, b } = await claimedBy("rina", chat);
    const before = svc.fake.sentTo(chat).length;
    const r = await b.post(
      `/console/cases/${id}/reply`,
      { text: "a".repeat(5000) },
      { htmx: true },
    );
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain("too long to send in one message");
    await svc.app.runtime.drain();
    expect(svc.fake.sentTo(chat).length).toBe(before);
    expect((await audited("rina", "reply"))[0]).toMatchObject({ ok: false, detail: "too_long" });
  });

  it("shows HTML and script as text, never as markup", async () => {
    const chat = 7_720_006;
    const { id, b } = await claimedBy("rina", chat);
    const u = (await import("../fakes/telegram-api.js")).textUpdate(
      chat,
      '<script>alert("x")</script><b>hi</b>',
      { languageCode: "id" },
    );
    svc.fake.remember(u);
    await svc.post(u);
    await svc.app.runtime.drain();
    await b.post(
      `/console/cases/${id}/note`,
      { text: "<img src=x onerror=alert(1)>" },
      { htmx: true },
    );
    const page = (await b.get(`/console/cases/${id}`)).body;
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<b>hi</b>");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&#60;script&#62;alert");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
