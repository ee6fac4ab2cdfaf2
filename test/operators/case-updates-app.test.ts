/**
 * What operators need, when it is known (issue 13, point 6): a place given after the
 * escalation reaches the case's topic at once: the card, the pin, and the topic's title,
 * which gains the area (never typed text: titles show in notifications).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locationUpdate } from "../fakes/telegram-api.js";
import { type GroupService, startGroupService } from "./group-service.js";

const GROUP = -1_009_876_500_006;
const OPERATOR = 4646;
let g: GroupService;

beforeAll(async () => {
  g = await startGroupService(GROUP, OPERATOR);
});

afterAll(async () => {
  await g.stop();
});

/** The names the topic of `thread` was given, in order. */
function titles(thread: number): string[] {
  return g.fake
    .callsTo("editForumTopic")
    .filter((c) => Number(c.params.message_thread_id) === thread)
    .map((c) => String(c.params.name));
}

describe("a place given after an SOS", () => {
  it("puts the area in the topic's title at once, with the pin in the topic", async () => {
    const chat = 7_960_001;
    await g.say(chat, "SOS tolong saya");
    const [c] = (await g.svc.app.cases.open(10)).filter((x) => x.conversation === `tg:${chat}`);
    if (!c) throw new Error("no case");
    await g.fake.waitFor(() => g.fake.callsTo("createForumTopic").length > 0, 8000);
    const opened = String(g.fake.callsTo("createForumTopic").at(-1)?.params.name);
    expect(opened).toBe(`🔴 P1 · ${c.id} · place unknown`);
    const thread = (await g.svc.app.cases.get(c.id))?.topic as number;

    await g.post(locationUpdate(chat, 13.66, 102.56));
    await g.fake.waitFor(() => titles(thread).length > 0, 8000);
    expect(titles(thread).at(-1)).toBe(`🔴 P1 · ${c.id} · Poipet`);
    expect(
      g.fake.callsTo("sendLocation").some((x) => Number(x.params.message_thread_id) === thread),
    ).toBe(true);
  });

  it("typed at the place question, it is in the title as soon as it is answered", async () => {
    const chat = 7_960_003;
    await g.say(chat, "SOS tolong saya");
    const [c] = (await g.svc.app.cases.open(10)).filter((x) => x.conversation === `tg:${chat}`);
    if (!c) throw new Error("no case");
    await g.fake.waitFor(() => g.fake.sentTo(GROUP).some((m) => m.text?.includes(c.id)), 8000);
    const thread = (await g.svc.app.cases.get(c.id))?.topic as number;
    await g.say(chat, "Sihanoukville");
    await g.fake.waitFor(() => titles(thread).length > 0, 8000);
    expect(titles(thread).at(-1)).toBe(`🔴 P1 · ${c.id} · Sihanoukville`);
  });

  it("a typed place the directory does not know never goes into the title", async () => {
    const chat = 7_960_002;
    await g.say(chat, "SOS tolong saya");
    const [c] = (await g.svc.app.cases.open(10)).filter((x) => x.conversation === `tg:${chat}`);
    if (!c) throw new Error("no case");
    await g.fake.waitFor(() => g.fake.sentTo(GROUP).some((m) => m.text?.includes(c.id)), 8000);
    const thread = (await g.svc.app.cases.get(c.id))?.topic as number;
    await g.say(chat, "gedung biru dekat sungai");
    for (const name of titles(thread)) expect(name).not.toContain("gedung");
  });
});
