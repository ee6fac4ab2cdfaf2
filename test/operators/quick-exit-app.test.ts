/**
 * A quick exit while an operator has the chat, through the real service and the fake
 * operators' group (issue 13, points 4 and 5): the operator is told at once not to write,
 * their words are refused until the person writes again, and the whole conversation (the
 * operator's words and the person's own) is deleted like the bot's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK_EXIT_DATA } from "../../src/channels/telegram/render.js";
import { callbackUpdate, groupTextUpdate, textUpdate } from "../fakes/telegram-api.js";
import { deletedIn } from "../helpers/service.js";
import { claimedCase, type GroupService, startGroupService } from "./group-service.js";

const GROUP = -1_009_876_500_004;
const OPERATOR = 4444;
let g: GroupService;

beforeAll(async () => {
  g = await startGroupService(GROUP, OPERATOR);
});

afterAll(async () => {
  await g.stop();
});

const topicText = (thread: number) => g.topic(thread).map((m) => m.text ?? "");
const sentTexts = (chat: number) => g.fake.sentTo(chat).map((m) => m.text ?? "");

describe("a quick exit during a takeover", () => {
  it("tells the operator at once, refuses their words until the person writes again, and loses nothing", async () => {
    const chat = 7_800_001;
    const { id, thread } = await claimedCase(g, chat);
    await g.post(groupTextUpdate(GROUP, OPERATOR, "Halo, saya Rina. Kamu aman?", thread));
    await g.fake.waitFor(() => g.fake.lastTextTo(chat) === "Halo, saya Rina. Kamu aman?", 8000);

    // Someone comes: the person taps the quick exit.
    await g.post(callbackUpdate(chat, QUICK_EXIT_DATA));
    await g.fake.waitFor(
      () => topicText(thread).some((t) => t.startsWith("🚪 The person left quickly")),
      8000,
    );
    expect(topicText(thread).at(-1)).toBe(
      "🚪 The person left quickly: do not write until they write again. Their next message will show here.",
    );

    // The operator writes anyway: refused in the topic, nothing goes to the phone.
    const before = g.fake.sentTo(chat).length;
    await g.post(groupTextUpdate(GROUP, OPERATOR, "Halo? Kamu masih di sana?", thread));
    await g.fake.waitFor(() => topicText(thread).at(-1)?.startsWith("Not sent") ?? false, 8000);
    expect(topicText(thread).at(-1)).toContain("the person left quickly");
    expect(g.fake.sentTo(chat).length).toBe(before);
    expect(sentTexts(chat)).not.toContain("Halo? Kamu masih di sana?");
    // Nor does a claim by someone else, or the embassy steps, write to the phone.
    await g.post(callbackUpdate(GROUP, `o|steps|${id}`, g.topic(thread)[0], { userId: OPERATOR }));
    expect(g.fake.sentTo(chat).length).toBe(before);

    // The person writes again: it reaches the topic, and the operator may write.
    await g.say(chat, "sudah aman, tadi ada orang");
    await g.fake.waitFor(
      () => topicText(thread).some((t) => t.includes("sudah aman, tadi ada orang")),
      8000,
    );
    await g.post(groupTextUpdate(GROUP, OPERATOR, "Baik. Kabari kalau bisa bicara.", thread));
    await g.fake.waitFor(() => g.fake.lastTextTo(chat) === "Baik. Kabari kalau bisa bicara.", 8000);
    expect((await g.svc.app.cases.get(id))?.status).toBe("claimed");
  });
});

describe("discreet mode during a takeover", () => {
  it("deletes the person's own messages on the bot's schedule, and all of them at a quick exit", async () => {
    const chat = 7_800_011;
    const { thread } = await claimedCase(g, chat);
    const mine = textUpdate(chat, "saya di lantai 3, kamar 12", { languageCode: "id" });
    await g.post(mine);
    const myMessage = (mine.message as { message_id: number }).message_id;
    await g.fake.waitFor(() => topicText(thread).some((t) => t.includes("kamar 12")), 8000);

    await g.clock.advance(g.svc, 29);
    expect(deletedIn(g.fake, chat)).not.toContain(myMessage);
    await g.clock.advance(g.svc, 3);
    expect(deletedIn(g.fake, chat)).toContain(myMessage);

    // A message not yet due, and the quick-exit word itself, go at the quick exit.
    const second = textUpdate(chat, "mereka datang", { languageCode: "id" });
    await g.post(second);
    const exitWord = textUpdate(chat, "cuaca", { languageCode: "id" });
    await g.post(exitWord);
    const gone = deletedIn(g.fake, chat);
    expect(gone).toContain((second.message as { message_id: number }).message_id);
    expect(gone).toContain((exitWord.message as { message_id: number }).message_id);
  });
});
