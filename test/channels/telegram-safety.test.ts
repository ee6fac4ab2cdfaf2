/**
 * Safety on a real Telegram chat (fake Bot API, real Redis): discreet messages arrive
 * silently and vanish after the chosen delay, the quick exit wipes the chat, check-ins
 * come only when asked for, and nothing is ever written first.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK_EXIT_DATA } from "../../src/channels/telegram/render.js";
import {
  callbackUpdate,
  FakeTelegramApi,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { rawValues } from "../helpers/redis.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import {
  deletedIn as deletedInChat,
  dropPrefix,
  type Service,
  serviceClock,
  startService,
} from "../helpers/service.js";

let fake: FakeTelegramApi;
let svc: Service;
const clock = serviceClock();
let nextChat = 7_300_001;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  svc = await startService({ fake, now: clock.now });
});

afterAll(async () => {
  await svc.stop();
  await fake.close();
  await dropPrefix(svc.prefix);
});

async function say(chat: number, text: string, count = 1) {
  const before = fake.sentTo(chat).length;
  const update = textUpdate(chat, text, { languageCode: "id" });
  expect((await svc.post(update)).status).toBe(200);
  await fake.waitFor(() => fake.sentTo(chat).length >= before + count, 5000);
  return update.message?.message_id as number;
}

async function tap(chat: number, data: string, count = 1) {
  const before = fake.sentTo(chat).length;
  expect((await svc.post(callbackUpdate(chat, data))).status).toBe(200);
  await fake.waitFor(() => fake.sentTo(chat).length >= before + count, 5000);
}

const advance = (minutes: number) => clock.advance(svc, minutes);
const deletedIn = (chat: number) => deletedInChat(fake, chat);

describe("discreet mode on Telegram", () => {
  it("sends silently, offers the quick exit, and deletes both sides after about 30 minutes", async () => {
    const chat = nextChat++;
    const theirs = await say(chat, "halo");
    const sent = fake.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === chat);
    expect(sent[0]?.params.disable_notification).toBe(true);
    const markup = sent[0]?.params.reply_markup as
      | { inline_keyboard: { callback_data: string }[][] }
      | undefined;
    expect(markup?.inline_keyboard.at(-1)?.[0]?.callback_data).toBe(QUICK_EXIT_DATA);
    const ours = fake.sentTo(chat).map((m) => m.message_id);

    await advance(29);
    expect(deletedIn(chat)).toEqual([]);
    // Deletions share a timer per two-minute slot: gone by 32 minutes at the latest.
    await advance(3);
    expect(deletedIn(chat).sort()).toEqual([...ours, theirs].sort());
  });

  it("wipes the chat on the quick-exit button and answers with something harmless", async () => {
    const chat = nextChat++;
    const first = await say(chat, "halo");
    await tap(chat, "c|welcome.menu|help");
    const before = fake.sentTo(chat).map((m) => m.message_id);
    await tap(chat, QUICK_EXIT_DATA);
    expect(deletedIn(chat)).toEqual(expect.arrayContaining([...before, first]));
    expect(fake.lastTextTo(chat)).toBe("Cuaca hari ini: cerah berawan, 31°C.");
  });
});

describe("check-ins on Telegram", () => {
  it("are written only when asked for, and a missed one reaches operators as P1", async () => {
    const chat = nextChat++;
    await say(chat, "halo");
    await say(chat, "/checkin");
    await tap(chat, "c|checkin.when|h1");
    await tap(chat, "c|checkin.window|m15");
    const count = fake.sentTo(chat).length;
    await advance(59);
    expect(fake.sentTo(chat)).toHaveLength(count);
    await advance(2);
    expect(fake.lastTextTo(chat)).toContain("apa kabar hari ini?");
    await advance(16);
    const cases = await svc.app.cases.open(50);
    expect(cases.find((c) => c.conversation === `tg:${chat}`)).toMatchObject({
      priority: "P1",
      reasons: ["missed_check_in"],
    });
  });
});

describe("never writing first", () => {
  it("refuses a message to a person who has not written for longer than the window", async () => {
    const chat = nextChat++;
    await say(chat, "halo");
    await say(chat, "/checkin");
    await tap(chat, "c|checkin.when|h1");
    await tap(chat, "c|checkin.window|m15");
    clock.ms += 25 * 3_600_000;
    const before = fake.sentTo(chat).length;
    // Operators' words (not asked for by the person) after the window closed: refused
    // before anything is saved.
    const words = await svc.app.runtime.handle(`tg:${chat}`, {
      kind: "operator",
      event: "message",
      text: "Halo?",
    });
    expect(words).toEqual({ status: "refused", why: "window_closed" });
    // An operator joining changes the conversation, so it is saved; its reply is not sent.
    const joined = await svc.app.runtime.handle(`tg:${chat}`, {
      kind: "operator",
      event: "joined",
    });
    expect(joined.status).toBe("handled");
    await svc.app.runtime.drain();
    expect(fake.sentTo(chat)).toHaveLength(before);
    expect(svc.logs.join("")).toContain("refused to write first");
  });
});

describe("erase my data on Telegram", () => {
  it("leaves no trace of the person in Redis", async () => {
    const chat = nextChat++;
    await say(chat, "halo");
    await tap(chat, "c|welcome.menu|help");
    await tap(chat, "c|help.safety|unsafe");
    await say(chat, "Poipet");
    await say(chat, "hapus data saya");
    await tap(chat, "c|erase.confirm|yes");
    await svc.app.runtime.drain();
    expect(fake.lastTextTo(chat)).toContain("Data percakapan ini sudah dihapus");
    const redis = new Redis(REDIS_URL);
    try {
      const stored = await rawValues(redis, svc.prefix);
      const traces = stored.filter((v) => v.includes(String(chat)) || /poipet/i.test(v));
      expect(traces).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});

describe("what Redis holds", () => {
  it("has no identifier in a key name and no personal value in the clear after full flows", async () => {
    const chat = nextChat++;
    await say(chat, "halo");
    await tap(chat, "c|welcome.menu|family");
    for (const answer of [
      "Saya ibunya",
      "Siti Rahmawati",
      "24",
      "+855 97 555 1234",
      "3 minggu lalu",
      "Sihanoukville",
    ]) {
      await say(chat, answer);
    }
    for (const answer of ["PT Maju Jaya", "lewat calo", "tidak tahu", "+62 812 3456 7890"])
      await say(chat, answer);
    const other = nextChat++;
    await say(other, "halo");
    await tap(other, "c|welcome.menu|help");
    await tap(other, "c|help.safety|danger");
    expect((await svc.post(locationUpdate(other, 13.6543, 102.5632))).status).toBe(200);
    await svc.app.runtime.drain();

    const secrets = [
      String(chat),
      String(other),
      "Siti",
      "Rahmawati",
      "855 97 555",
      "812 3456",
      "13.6543",
      "102.5632",
      "Maju Jaya",
    ];
    const redis = new Redis(REDIS_URL);
    try {
      const stored = await rawValues(redis, svc.prefix);
      const found = secrets.filter((secret) => stored.some((v) => v.includes(secret)));
      expect(found).toEqual([]);
    } finally {
      await redis.quit();
    }
  });
});
