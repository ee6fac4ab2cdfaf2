/**
 * The operators' group as `npm start` wires it: the real service (webhook, Redis), the
 * person and the operators both on the fake Bot API. An operator's words go through the
 * engine like the bot's own replies: discreet, never written first, sent once per operator
 * update, and kept until they go out.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK_EXIT_DATA } from "../../src/channels/telegram/render.js";
import {
  callbackUpdate,
  FakeTelegramApi,
  groupTextUpdate,
  locationUpdate,
  myChatMemberBlocked,
  type RecordedCall,
  textUpdate,
} from "../fakes/telegram-api.js";
import {
  deletedIn as deletedInChat,
  dropPrefix,
  type Service,
  serviceClock,
  startService,
} from "../helpers/service.js";

const GROUP = -1_009_876_543_210;
const OPERATOR = 4242;
let fake: FakeTelegramApi;
let svc: Service;
const clock = serviceClock();
let nextChat = 7_600_001;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  svc = await startService({
    fake,
    now: clock.now,
    env: {
      OPERATOR_CHAT_ID: String(GROUP),
      OPERATOR_IDS: String(OPERATOR),
      OPERATOR_LANGUAGE: "en",
      // About behaviour, not Telegram's quota: no waiting a second per message.
      TELEGRAM_CHAT_GAP_MS: "1",
      TELEGRAM_GROUP_PER_MINUTE: "10000",
    },
  });
});

afterAll(async () => {
  await svc.stop();
  await fake.close();
  await dropPrefix(svc.prefix);
});

async function post(update: object): Promise<void> {
  expect((await svc.post(update)).status).toBe(200);
  await svc.app.runtime.drain();
}

async function until(check: () => boolean): Promise<void> {
  await fake.waitFor(check, 8000);
}

describe("operators' group, wired by the app", () => {
  it("opens a topic with a card for a P1, and relays both ways once claimed", async () => {
    const chat = 7_500_001;
    await post(textUpdate(chat, "halo", { languageCode: "id" }));
    await post(callbackUpdate(chat, "c|welcome.menu|help"));
    await post(callbackUpdate(chat, "c|help.safety|danger"));
    await post(locationUpdate(chat, 13.66, 102.56));

    const [c] = await svc.app.cases.open(10);
    expect(c).toMatchObject({ priority: "P1", conversation: `tg:${chat}` });
    await until(() => fake.callsTo("createForumTopic").length > 0);
    const title = String(fake.callsTo("createForumTopic")[0]?.params.name);
    expect(title).toContain(`P1 · ${c?.id}`);
    const thread = (await svc.app.cases.get(c?.id as string))?.topic as number;
    await until(() => fake.sentTo(GROUP).some((m) => m.message_thread_id === thread));
    const card = fake.sentTo(GROUP).find((m) => m.message_thread_id === thread) as Message;

    // The operator claims from the card: the person hears a human joined.
    await post(callbackUpdate(GROUP, `o|claim|${c?.id}`, card, { userId: OPERATOR }));
    await until(() => (fake.lastTextTo(chat) ?? "").includes("Halo, saya di sini."));
    expect((await svc.app.cases.get(c?.id as string))?.status).toBe("claimed");

    // The operator writes in the topic: the person receives it.
    await post(groupTextUpdate(GROUP, OPERATOR, "Halo, saya Rina dari tim. Kamu aman?", thread));
    await until(() => fake.lastTextTo(chat) === "Halo, saya Rina dari tim. Kamu aman?");

    // The person answers: it appears in the topic.
    await post(textUpdate(chat, "saya di lantai 3", { languageCode: "id" }));
    await until(() =>
      fake
        .sentTo(GROUP)
        .some((m) => m.message_thread_id === thread && (m.text ?? "").includes("saya di lantai 3")),
    );

    // Hand back: the bot takes the conversation again.
    await post(callbackUpdate(GROUP, `o|handback|${c?.id}`, card, { userId: OPERATOR }));
    await until(() => (fake.lastTextTo(chat) ?? "").includes("bisa terus memakai HP ini?"));

    // Debug-level logs of all of it hold neither side's words, nor the person's place.
    const logs = svc.logs.join("");
    for (const secret of ["Rina", "Kamu aman", "lantai 3", "13.66", "102.56", String(chat)]) {
      expect(logs).not.toContain(secret);
    }
  });
});

/** A person in danger at Poipet whose case an operator claimed; the case's topic. */
async function claimedCase(chat: number): Promise<number> {
  await post(textUpdate(chat, "halo", { languageCode: "id" }));
  await post(callbackUpdate(chat, "c|welcome.menu|help"));
  await post(callbackUpdate(chat, "c|help.safety|danger"));
  await post(locationUpdate(chat, 13.66, 102.56));
  const c = (await svc.app.cases.open(50)).find((x) => x.conversation === `tg:${chat}`);
  if (!c) throw new Error("no case");
  await fake.waitFor(() => fake.sentTo(GROUP).some((m) => (m.text ?? "").includes(c.id)), 8000);
  const shown = await svc.app.cases.get(c.id);
  const thread = shown?.topic as number;
  const card = fake.sentTo(GROUP).find((m) => m.message_thread_id === thread) as Message;
  await post(callbackUpdate(GROUP, `o|claim|${c.id}`, card, { userId: OPERATOR }));
  await fake.waitFor(() => (fake.lastTextTo(chat) ?? "").includes("Halo, saya di sini"), 8000);
  return thread;
}

/** The operator's sendMessage calls to the person carrying `text`. */
function sendsOf(chat: number, text: string): RecordedCall[] {
  return fake
    .callsTo("sendMessage")
    .filter((c) => Number(c.params.chat_id) === chat && c.params.text === text);
}

/** What the bot said in a topic, newest last. */
function topicLines(thread: number): string[] {
  return fake
    .sentTo(GROUP)
    .filter((m) => m.message_thread_id === thread)
    .map((m) => m.text ?? "");
}

const advance = (minutes: number) => clock.advance(svc, minutes);
const deletedIn = (chat: number) => deletedInChat(fake, chat);

describe("an operator's words to a person in discreet mode", () => {
  it("arrive silently, carry the quick exit, and are deleted on schedule", async () => {
    const chat = nextChat++;
    const thread = await claimedCase(chat);
    const words = "Halo, saya Rina dari tim. Kamu aman sekarang?";
    await post(groupTextUpdate(GROUP, OPERATOR, words, thread));
    await fake.waitFor(() => sendsOf(chat, words).length > 0, 5000);

    const [sent] = sendsOf(chat, words);
    expect(sent?.params.disable_notification).toBe(true);
    const markup = sent?.params.reply_markup as { inline_keyboard: { callback_data: string }[][] };
    expect(markup.inline_keyboard.at(-1)?.[0]?.callback_data).toBe(QUICK_EXIT_DATA);
    const id = fake.sentTo(chat).find((m) => m.text === words)?.message_id as number;

    await advance(29);
    expect(deletedIn(chat)).not.toContain(id);
    await advance(3);
    expect(deletedIn(chat)).toContain(id);
    // Debug-level logs of all of it never hold the operator's words.
    expect(svc.logs.join("")).not.toContain("Rina");
  });
});

describe("an operator update delivered twice", () => {
  it("reaches the person once", async () => {
    const chat = nextChat++;
    const thread = await claimedCase(chat);
    const words = "Tunggu sebentar ya, kami hubungi KBRI.";
    const update = groupTextUpdate(GROUP, OPERATOR, words, thread);
    await post(update);
    await post(update);
    await fake.waitFor(() => sendsOf(chat, words).length > 0, 5000);
    await svc.app.runtime.drain();
    expect(sendsOf(chat, words)).toHaveLength(1);
  });
});

describe("an operator message to a person who blocked the bot", () => {
  it("is refused in the topic, saying why, and nothing is sent", async () => {
    const chat = nextChat++;
    const thread = await claimedCase(chat);
    fake.blockUser(chat);
    await post(myChatMemberBlocked(chat));
    const words = "Apakah kamu masih di sana?";
    await post(groupTextUpdate(GROUP, OPERATOR, words, thread));
    await fake.waitFor(() => topicLines(thread).some((l) => l.startsWith("Not delivered")), 5000);
    expect(topicLines(thread).at(-1)).toBe(
      "Not delivered: the person cannot be reached (they may have blocked the bot).",
    );
    expect(sendsOf(chat, words)).toHaveLength(0);
  });

  it("found out only when sending: the topic says so, with Telegram's reason", async () => {
    const chat = nextChat++;
    const thread = await claimedCase(chat);
    fake.blockUser(chat);
    const words = "Kamu bisa balas?";
    await post(groupTextUpdate(GROUP, OPERATOR, words, thread));
    await fake.waitFor(
      () => topicLines(thread).some((l) => l.includes("could not be delivered")),
      5000,
    );
    expect(topicLines(thread).at(-1)).toBe(
      "⚠️ A message to the person could not be delivered: Forbidden: bot was blocked by the user (403).",
    );
    // Known now: the next words are refused at once.
    await post(groupTextUpdate(GROUP, OPERATOR, "Halo?", thread));
    await fake.waitFor(() => topicLines(thread).at(-1)?.startsWith("Not delivered") ?? false, 5000);
  });
});

describe("an operator message Telegram fails to take", () => {
  it("is kept and goes out later, once: nothing is lost", async () => {
    const chat = nextChat++;
    const thread = await claimedCase(chat);
    const words = "Kami sudah hubungi KBRI untukmu.";
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request", chatId: chat });
    await post(groupTextUpdate(GROUP, OPERATOR, words, thread));
    expect(fake.sentTo(chat).filter((m) => m.text === words)).toHaveLength(0);
    expect(await svc.app.runtime.recover(0)).toBeGreaterThan(0);
    await svc.app.runtime.drain();
    expect(fake.sentTo(chat).filter((m) => m.text === words)).toHaveLength(1);
  });
});
