/**
 * An operator works a case from the console alone, on the real service (webhook, Redis,
 * the fake Bot API for the person and the operators' group): the same desk as the
 * Telegram group, so what one does shows in the other.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackUpdate, groupTextUpdate, textUpdate } from "../fakes/telegram-api.js";
import { type ConsoleService, startConsole } from "./harness.js";

const GROUP = -1_009_876_500_001;
const TG_OPERATOR = 5151;
let svc: ConsoleService;

beforeAll(async () => {
  svc = await startConsole({
    OPERATOR_CHAT_ID: String(GROUP),
    OPERATOR_IDS: String(TG_OPERATOR),
    OPERATOR_LANGUAGE: "en",
  });
  await svc.account("rina", "operator");
  await svc.account("budi", "operator", { telegramId: String(TG_OPERATOR) });
});
afterAll(async () => svc.close());

async function personSays(chat: number, text: string): Promise<void> {
  const u = textUpdate(chat, text, { languageCode: "id" });
  svc.fake.remember(u);
  expect((await svc.post(u)).status).toBe(200);
  await svc.app.runtime.drain();
}

describe("an operator works a case from the console", () => {
  it("claims, replies (delivered), sees the answer, notes and closes; the Telegram group keeps in step", async () => {
    const chat = 7_710_001;
    const id = await svc.personInDanger(chat);
    const b = svc.browser();
    expect((await b.signIn("rina")).headers.location).toBe("/console/queue");

    // The queue: the case, urgent, with area and reasons, and never the person's number.
    const queue = await b.get("/console/queue");
    expect(queue.body).toContain(id);
    expect(queue.body).toContain("Poipet");
    expect(queue.body).toContain("In danger now");
    expect(queue.body).not.toContain(String(chat));

    // Claim: the person hears a human joined; the case is the operator's in the group too.
    const claimed = await b.post(`/console/cases/${id}/claim`, {}, { htmx: true });
    expect(claimed.statusCode).toBe(200);
    expect(claimed.body).toContain("Send");
    await svc.fake.waitFor(
      () => (svc.fake.lastTextTo(chat) ?? "").includes("Halo, saya di sini"),
      8000,
    );
    expect(await svc.app.cases.get(id)).toMatchObject({ status: "claimed", operator: "web:rina" });
    await svc.fake.waitFor(
      () => svc.fake.callsTo("editMessageText").some((c) => String(c.params.text).includes("rina")),
      8000,
    );
    // The group's card names her as the console does, not by the stored actor name.
    const cards = svc.fake.callsTo("editMessageText").map((c) => String(c.params.text));
    expect(cards.join("\n")).not.toContain("web:rina");

    // Reply: the person receives it; the console says it was delivered.
    const page = await b.get(`/console/cases/${id}`);
    const nonce = /name="nonce" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const sent = await b.post(
      `/console/cases/${id}/reply`,
      { text: "Halo, saya Rina. Kamu aman?", nonce },
      { htmx: true },
    );
    expect(sent.statusCode).toBe(200);
    await svc.fake.waitFor(() => svc.fake.lastTextTo(chat) === "Halo, saya Rina. Kamu aman?", 8000);
    const afterReply = await b.get(`/console/cases/${id}/live`);
    expect(afterReply.body).toContain("Halo, saya Rina. Kamu aman?");
    expect(afterReply.body).toContain("Delivered");

    // The same form sent twice (a double click) reaches the person once.
    await b.post(
      `/console/cases/${id}/reply`,
      { text: "Halo, saya Rina. Kamu aman?", nonce },
      { htmx: true },
    );
    await svc.app.runtime.drain();
    expect(
      svc.fake.sentTo(chat).filter((m) => m.text === "Halo, saya Rina. Kamu aman?"),
    ).toHaveLength(1);

    // The person answers: it shows in the case.
    await personSays(chat, "saya di lantai 3");
    expect((await b.get(`/console/cases/${id}/live`)).body).toContain("saya di lantai 3");

    // A note, then close with an outcome: the person is told, the case is closed.
    expect(
      (
        await b.post(
          `/console/cases/${id}/note`,
          { text: "Called KBRI, they know." },
          { htmx: true },
        )
      ).statusCode,
    ).toBe(200);
    const closed = await b.post(
      `/console/cases/${id}/close`,
      { outcome: "reached_embassy" },
      { htmx: true },
    );
    expect(closed.statusCode).toBe(200);
    const c = await svc.app.cases.get(id);
    expect(c).toMatchObject({ status: "closed", outcome: "reached_embassy" });
    expect(c?.notes.map((n) => n.text)).toEqual(["Called KBRI, they know."]);

    // Every step is in the console's audit log, with who did it.
    const audit = await svc.ports.redis?.keys(`${svc.prefix}console:audit:*`);
    expect(audit?.length).toBeGreaterThan(0);

    // Sign out: the session is gone.
    await b.post("/console/sign-out");
    const after = await b.get("/console/queue");
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe("/console/sign-in");
  });

  it("shows a claim made in the Telegram group at once, under the linked account's name", async () => {
    const chat = 7_710_002;
    const id = await svc.personInDanger(chat);
    await svc.fake.waitFor(
      () => svc.fake.sentTo(GROUP).some((m) => (m.text ?? "").includes(id)),
      8000,
    );
    const thread = (await svc.app.cases.get(id))?.topic as number;
    const card = svc.fake.sentTo(GROUP).find((m) => m.message_thread_id === thread) as Message;
    const tap = callbackUpdate(GROUP, `o|claim|${id}`, card, { userId: TG_OPERATOR });
    svc.fake.remember(tap);
    expect((await svc.post(tap)).status).toBe(200);
    await svc.app.runtime.drain();

    // Budi, whose account is linked to that Telegram id, holds it in the console too.
    const budi = svc.browser();
    await budi.signIn("budi");
    expect((await budi.get("/console/queue/list")).body).toMatch(
      new RegExp(`${id}[\\s\\S]*taken by budi`),
    );
    const live = await budi.get(`/console/cases/${id}/live`);
    expect(live.body).toContain("Send embassy steps");

    // What Budi writes in the group shows in the console's case, both ways.
    const words = groupTextUpdate(GROUP, TG_OPERATOR, "Kami sudah hubungi KBRI.", thread);
    svc.fake.remember(words);
    await svc.post(words);
    await svc.app.runtime.drain();
    await svc.fake.waitFor(() => svc.fake.lastTextTo(chat) === "Kami sudah hubungi KBRI.", 8000);
    expect((await budi.get(`/console/cases/${id}/live`)).body).toContain(
      "Kami sudah hubungi KBRI.",
    );

    // Rina, who does not hold it, may not open it.
    const rina = svc.browser();
    await rina.signIn("rina");
    expect((await rina.get(`/console/cases/${id}`)).statusCode).toBe(403);
  });
});
