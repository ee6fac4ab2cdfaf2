/**
 * The operator side end to end, on the service as `npm start` wires it: a person on
 * Telegram escalates, a topic with a case card appears in the operators' forum supergroup
 * (the fake Bot API), operators claim, talk, send the embassy steps and hand back, and
 * strangers in the group change nothing. The SLA timers run on a controllable clock.
 */
import type { Message } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import { cardMessageId } from "../../src/operators/telegram/board.js";
import {
  callbackUpdate,
  FakeTelegramApi,
  groupTextUpdate,
  locationUpdate,
  photoUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { GROUP, type Helpline, startHelpline } from "./compose.js";

const OPERATOR = 501;
const OTHER_OPERATOR = 502;
const SUPERVISOR = 777;
const STRANGER = 999;

let fake: FakeTelegramApi;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
});

const running: Helpline[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

afterAll(async () => {
  await fake.close();
});

/** A fresh service for one test, stopped after it. */
async function helpline(): Promise<Helpline> {
  const h = await startHelpline(fake, {
    operatorIds: [String(OPERATOR), String(OTHER_OPERATOR)],
    supervisorIds: [String(SUPERVISOR)],
  });
  running.push(h);
  return h;
}

let nextChat = 8_100_001;

/** The callback data of the person's latest button labelled like `label`. */
function buttonData(chatId: number, label: RegExp): string {
  const last = fake.sentTo(chatId).at(-1) as Message;
  const rows = (last.reply_markup?.inline_keyboard ?? []).flat();
  const button = rows.find((b) => "callback_data" in b && label.test(b.text));
  if (!button || !("callback_data" in button))
    throw new Error(`no button ${label} in ${JSON.stringify(rows)}`);
  return button.callback_data as string;
}

/** A person who says they are in danger now (help flow), then shares a pin at Poipet. */
async function personInDanger(h: Helpline, chat: number): Promise<Case> {
  await h.handle(textUpdate(chat, "/start", { languageCode: "id" }));
  await h.handle(callbackUpdate(chat, buttonData(chat, /Butuh bantuan/)));
  await h.handle(callbackUpdate(chat, buttonData(chat, /Bahaya sekarang/)));
  await h.handle(locationUpdate(chat, 13.66, 102.56));
  const [c] = (await h.store.open(50)).filter((x) => x.conversation === `tg:${chat}`);
  if (!c) throw new Error("no case was opened");
  return c;
}

/** Messages the bot posted in a thread of the group (undefined: General). */
function inThread(thread: number | undefined): Message[] {
  return fake.sentTo(GROUP).filter((m) => m.message_thread_id === thread);
}

/** The card message of a case, as the group shows it now. */
async function cardOf(h: Helpline, id: string): Promise<Message> {
  const c = await h.store.get(id);
  const messageId = c ? cardMessageId(c) : undefined;
  const card = fake.messagesIn(GROUP).find((m) => m.message_id === messageId);
  if (!card) throw new Error(`no card for ${id}`);
  return card;
}

/** Tap the card's button whose data starts `o|<action>|`. */
async function tap(h: Helpline, id: string, action: string, user: number, outcome?: string) {
  const card = await cardOf(h, id);
  const data = outcome ? `o|${action}|${id}|${outcome}` : `o|${action}|${id}`;
  const before = fake.callsTo("answerCallbackQuery").length;
  await h.handle(callbackUpdate(GROUP, data, card, { userId: user }));
  const answers = fake.callsTo("answerCallbackQuery");
  expect(answers.length).toBe(before + 1);
  return String(answers.at(-1)?.params.text ?? "");
}

async function write(h: Helpline, user: number, text: string, thread?: number): Promise<Message[]> {
  const before = fake.sentTo(GROUP).length;
  await h.handle(groupTextUpdate(GROUP, user, text, thread));
  return fake.sentTo(GROUP).slice(before);
}

async function topicOf(h: Helpline, id: string): Promise<number> {
  const topic = (await h.store.get(id))?.topic;
  if (topic === undefined) throw new Error(`case ${id} has no topic`);
  return topic;
}

describe("operators on Telegram", () => {
  it("takes a P1 case from escalation through claim, relay, steps and hand-back", async () => {
    const h = await helpline();
    const chat = nextChat++;
    const c = await personInDanger(h, chat);
    expect(c.priority).toBe("P1");

    // A topic titled with priority, case id and area, never a name; its first message the card.
    const created = fake.callsTo("createForumTopic").at(-1);
    const title = String(created?.params.name);
    expect(title).toMatch(new RegExp(`^🔴 P1 · ${c.id} · `));
    expect(title).not.toMatch(/Budi/);
    const thread = await topicOf(h, c.id);
    const card = await cardOf(h, c.id);
    expect(card.message_thread_id).toBe(thread);
    expect(inThread(thread)[0]?.message_id).toBe(card.message_id);
    expect(card.text).toContain("P1");
    expect(card.text).toContain("In danger now");
    expect(card.text).toContain("Waiting for an operator");
    expect(card.text).toContain("Telegram");
    const buttons = (card.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);
    expect(buttons).toEqual([
      "✋ Claim",
      "↩️ Release",
      "✅ Close",
      "🏛 Send embassy steps",
      "🤖 Hand back to bot",
    ]);

    // Someone in the group who is not an operator: nothing happens, and they are told.
    const personBefore = fake.sentTo(chat).length;
    expect(await tap(h, c.id, "claim", STRANGER)).toMatch(/not on the operators list/);
    expect((await h.store.get(c.id))?.status).toBe("queued");
    expect(fake.sentTo(chat).length).toBe(personBefore);
    expect(h.logs.some((l) => l.includes(`"user":"${STRANGER}"`))).toBe(true);

    // An operator claims: the person hears that a human joined.
    expect(await tap(h, c.id, "claim", OPERATOR)).toBe(
      "Claimed. The person is told someone joined.",
    );
    expect(fake.lastTextTo(chat)).toContain("Halo, saya di sini.");
    expect((await cardOf(h, c.id)).text).toContain(`Claimed by ${OPERATOR}`);
    expect(await tap(h, c.id, "claim", OTHER_OPERATOR)).toBe(`Already claimed by ${OPERATOR}.`);

    // The person writes: the text appears in the topic, and the bot stays quiet.
    const quiet = fake.sentTo(chat).length;
    await h.handle(textUpdate(chat, "Saya di lantai tiga <b>gedung</b> biru"));
    expect(inThread(thread).at(-1)?.text).toBe("👤 Saya di lantai tiga <b>gedung</b> biru");
    expect(fake.sentTo(chat).length).toBe(quiet);

    // A photo from the person is copied into the topic from their chat.
    const photo = photoUpdate(chat, { caption: "pintu" });
    await h.handle(photo);
    const copy = fake.callsTo("copyMessage").at(-1);
    expect(copy?.params).toMatchObject({
      chat_id: GROUP,
      from_chat_id: chat,
      message_id: photo.message?.message_id,
      message_thread_id: thread,
    });
    expect(inThread(thread).at(-1)?.caption).toBe("pintu");

    // The operator writes in the topic: the person receives it, escaped for HTML.
    await write(h, OPERATOR, "Halo, kami di sini. Kamu aman? <3", thread);
    expect(fake.lastTextTo(chat)).toBe("Halo, kami di sini. Kamu aman? <3");
    // The 👍 once it reached the person.
    await fake.waitFor((call) => call.method === "setMessageReaction", 3000);
    const replied = await h.store.get(c.id);
    expect(replied?.audit.at(-1)).toMatchObject({ by: h.actor(OPERATOR), action: "replied" });
    // Stored under a keyed hash, never the Telegram id itself.
    expect(JSON.stringify(replied)).not.toContain(String(OPERATOR));

    // Another operator writing in the topic: refused and told why; nothing reaches the person.
    const other = await write(h, OTHER_OPERATOR, "Saya juga bisa bantu", thread);
    expect(other.at(-1)?.text).toBe(
      `${OPERATOR} holds this case. Only they or a supervisor can do that.`,
    );
    expect(other.at(-1)?.message_thread_id).toBe(thread);
    // A stranger is not answered in the group (that would spend its budget): only logged.
    const stranger = await write(h, STRANGER, "hai", thread);
    expect(stranger).toEqual([]);
    expect(fake.lastTextTo(chat)).toBe("Halo, kami di sini. Kamu aman? <3");

    // Send embassy steps: the person gets the Phnom Penh hotline.
    expect(await tap(h, c.id, "steps", OPERATOR)).toBe("Embassy steps sent.");
    expect(fake.lastTextTo(chat)).toContain("+855 12 813 282");

    // Hand back: the person is back with the bot, which asks its open question again.
    const handing = fake.sentTo(chat).length;
    expect(await tap(h, c.id, "handback", OPERATOR)).toMatch(/Handed back to the bot/);
    const back = fake
      .sentTo(chat)
      .slice(handing)
      .map((m) => m.text)
      .join("\n");
    expect(back).toContain("Petugas kami sudah selesai");
    expect(back).toContain("bisa terus memakai HP ini?");
    const closed = await h.store.get(c.id);
    expect(closed).toMatchObject({ status: "closed", outcome: "other" });
    expect(String(fake.callsTo("editForumTopic").at(-1)?.params.name)).toMatch(/^✅ P1 · /);
    expect((await cardOf(h, c.id)).reply_markup).toBeUndefined();

    // Acting on the closed case: a clear answer, nothing changes.
    expect(await tap(h, c.id, "claim", OPERATOR)).toBe("This case is closed. Nothing was done.");
  });

  it("recreates a topic deleted by hand when the person writes", async () => {
    const h = await helpline();
    const chat = nextChat++;
    const c = await personInDanger(h, chat);
    await tap(h, c.id, "claim", OPERATOR);
    const first = await topicOf(h, c.id);
    fake.deleteTopic(GROUP, first);

    await h.handle(textUpdate(chat, "halo? masih di sana?"));
    const second = await topicOf(h, c.id);
    expect(second).not.toBe(first);
    const posts = inThread(second);
    expect(posts[0]?.text).toContain(c.id);
    expect(posts[0]?.reply_markup).toBeDefined();
    expect(posts.at(-1)?.text).toBe("👤 halo? masih di sana?");

    // The operator's next message from the new topic reaches the person.
    await write(h, OPERATOR, "Ya, kami masih di sini.", second);
    expect(fake.lastTextTo(chat)).toBe("Ya, kami masih di sini.");
  });

  it("answers commands in the thread they were sent from, and nudges writing outside topics", async () => {
    const h = await helpline();
    const chat = nextChat++;
    const c = await personInDanger(h, chat);
    await tap(h, c.id, "claim", OPERATOR);
    const thread = await topicOf(h, c.id);

    const queue = await write(h, OTHER_OPERATOR, "/queue");
    expect(queue.at(-1)?.message_thread_id).toBeUndefined();
    expect(queue.at(-1)?.text).toContain("Open cases:");
    expect(queue.at(-1)?.text).toContain(c.id);
    expect(queue.at(-1)?.text).toContain(`claimed by ${OPERATOR}`);

    const mine = await write(h, OPERATOR, "/mine@pulang_test_bot", thread);
    expect(mine.at(-1)?.message_thread_id).toBe(thread);
    expect(mine.at(-1)?.text).toContain("Your cases: 1");

    const noted = await write(h, OPERATOR, `/note ${c.id.toLowerCase()} Called the shelter.`);
    expect(noted.at(-1)?.text).toBe("Note saved.");
    const inTopic = await write(h, OPERATOR, "/note Family called back.", thread);
    expect(inTopic.at(-1)?.text).toBe("Note saved.");
    expect((await h.store.get(c.id))?.notes.map((n) => n.text)).toEqual([
      "Called the shelter.",
      "Family called back.",
    ]);

    const shown = await write(h, SUPERVISOR, `/case ${c.id}`);
    expect(shown.at(-1)?.text).toContain("Called the shelter.");
    expect((await h.store.get(c.id))?.audit.at(-1)).toMatchObject({
      by: h.actor(SUPERVISOR),
      action: "viewed",
    });

    const stats = await write(h, OPERATOR, "/stats", thread);
    expect(stats.at(-1)?.text).toContain("New cases: 1");
    expect(stats.at(-1)?.text).toContain("Median time to claim:");

    const outside = await write(h, OPERATOR, "ada yang bisa bantu kasus ini?");
    expect(outside.at(-1)?.text).toBe("Write inside a case's topic to talk to the person.");
    expect(await write(h, STRANGER, "hello everyone")).toEqual([]);
    expect(await write(h, STRANGER, "/queue")).toEqual([]);
    expect(await write(h, STRANGER, "/help")).toEqual([]);
    const unknown = await write(h, OPERATOR, "/case NOPE-12345");
    expect(unknown.at(-1)?.text).toBe("There is no case with that id.");
  });

  it("closes with an outcome chosen on the card", async () => {
    const h = await helpline();
    const chat = nextChat++;
    const c = await personInDanger(h, chat);
    await tap(h, c.id, "claim", OPERATOR);
    expect(await tap(h, c.id, "close", OPERATOR)).toBe("How did the case end?");
    const outcomes = (await cardOf(h, c.id)).reply_markup?.inline_keyboard.flat() ?? [];
    expect(outcomes.map((b) => ("callback_data" in b ? b.callback_data : ""))).toContain(
      `o|close|${c.id}|reached_embassy`,
    );
    expect(await tap(h, c.id, "cancel", OPERATOR)).toBe("OK.");
    expect(await tap(h, c.id, "close", OPERATOR, "reached_embassy")).toBe("Closed.");
    expect(fake.lastTextTo(chat)).toContain("sudah ditutup");
    expect((await h.store.get(c.id))?.outcome).toBe("reached_embassy");
    const thread = await topicOf(h, c.id);
    expect(inThread(thread).at(-1)?.text).toBe(
      `✅ ${OPERATOR} closed the case: Reached the embassy.`,
    );
  });

  it("announces an overdue P1 in General, louder each time, then mentions supervisors", async () => {
    const h = await helpline();
    const chat = nextChat++;
    const c = await personInDanger(h, chat);
    const thread = await topicOf(h, c.id);
    const general = () => inThread(undefined).filter((m) => m.text?.includes(c.id));

    h.clock.advance(2 * 60_000 + 1000);
    await h.worker.tick();
    const [first] = general();
    expect(first?.text).toMatch(new RegExp(`^⚠️ P1 case ${c.id} waiting 2 min`));
    const link = first?.entities?.find((e) => e.type === "text_link");
    expect(link && "url" in link ? link.url : "").toBe(`https://t.me/c/1234567890/${thread}`);

    h.clock.advance(2 * 60_000);
    await h.worker.tick();
    h.clock.advance(2 * 60_000);
    await h.worker.tick();
    const all = general();
    expect(all).toHaveLength(3);
    expect(all[1]?.text).toMatch(/^⚠️⚠️ Still nobody/);
    expect(all[2]?.text).toMatch(/^🚨🚨🚨 URGENT/);
    expect(all[2]?.text).toContain(String(SUPERVISOR));
    const mention = all[2]?.entities?.find(
      (e) => e.type === "text_link" && e.url.startsWith("tg:"),
    );
    expect(mention && "url" in mention ? mention.url : "").toBe(`tg://user?id=${SUPERVISOR}`);

    // Claimed: no more announcements.
    await tap(h, c.id, "claim", OPERATOR);
    h.clock.advance(5 * 60_000);
    await h.worker.tick();
    expect(general()).toHaveLength(3);
  });

  it("puts a claimed case nobody answered back in the queue, and says so", async () => {
    const h = await helpline();
    const chat = nextChat++;
    const c = await personInDanger(h, chat);
    h.clock.advance(60_000);
    await tap(h, c.id, "claim", OPERATOR);
    h.clock.advance(10 * 60_000 + 1000);
    await h.worker.tick();
    expect((await h.store.get(c.id))?.status).toBe("queued");
    const general = inThread(undefined).filter((m) => m.text?.includes(c.id));
    expect(general.at(-1)?.text).toMatch(
      /is back in the queue: no reply from its operator for 10 min/,
    );
    const thread = await topicOf(h, c.id);
    expect(inThread(thread).at(-1)?.text).toMatch(/^↩️ Back in the queue/);
    expect((await cardOf(h, c.id)).text).toContain("Waiting for an operator");
  });
});
