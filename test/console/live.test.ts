/**
 * Live updates: an open console is told at once when the queue or its case changes, over
 * server-sent events on a real connection (no polling in the browser). The events carry
 * no data: the page asks again for what its user may see. And a flood of sign-in
 * attempts from one address is slowed down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisConsoleAudit } from "../../src/console/audit-log.js";
import { type ConsoleService, PASSWORD, startConsole } from "./harness.js";

let svc: ConsoleService;
beforeAll(async () => {
  svc = await startConsole({ CONSOLE_SIGNIN_PER_MINUTE: "3" });
  await svc.account("rina", "operator");
});
afterAll(async () => svc.close());

/** Read the event stream until `want` appears (or fail after 8 s). */
async function readUntil(body: ReadableStream<Uint8Array>, want: RegExp): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 8000;
  try {
    while (!want.test(text)) {
      if (Date.now() > deadline) throw new Error(`no ${want} in ${JSON.stringify(text)}`);
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    return text;
  } finally {
    await reader.cancel();
  }
}

describe("live updates", () => {
  it("tells an open queue at once when a person in danger is escalated, and the case page when they write", async () => {
    const b = svc.browser();
    expect((await b.signIn("rina")).statusCode).toBe(303);
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

    const queue = await fetch(`${svc.base}/console/events`, { headers: { cookie } });
    expect(queue.headers.get("content-type")).toContain("text/event-stream");
    const seen = readUntil(queue.body as ReadableStream<Uint8Array>, /event: queue/);
    const id = await svc.personInDanger(7_730_001);
    const text = await seen;
    expect(text).not.toContain(id);

    const caseStream = await fetch(`${svc.base}/console/events?case=${id}`, {
      headers: { cookie },
    });
    const changed = readUntil(caseStream.body as ReadableStream<Uint8Array>, /event: case/);
    await b.get(`/console/cases/${id}`);
    await b.post(`/console/cases/${id}/claim`, {}, { htmx: true });
    expect(await changed).toContain("event: case");
  });

  it("refuses the event stream without a session", async () => {
    const r = await fetch(`${svc.base}/console/events`);
    expect(r.status).toBe(401);
  });
});

describe("sign-in rate limit", () => {
  it("answers 429 after too many attempts from one address in a minute, and audits it", async () => {
    const b = svc.browser();
    await b.get("/console/sign-in?lang=en");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await b.post("/console/sign-in", {
        username: "rina",
        password: `${PASSWORD}-wrong`,
      });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(-1)).toEqual([429]);
    expect(b.last?.body).toContain("Too many requests");
    const audit = new RedisConsoleAudit(svc.ports.redis as never, svc.prefix, svc.ports.codec);
    const refused = (await audit.recent(Date.now(), 100)).filter(
      (e) => e.action === "rate_limited",
    );
    expect(refused.length).toBeGreaterThan(0);
  });
});
