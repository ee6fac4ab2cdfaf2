/**
 * Telegram end to end: the real service in webhook mode, a fake Bot API on loopback,
 * real Redis. A person goes through the help flow by taps, typing and a pin.
 */
import type { Message } from "grammy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeChoice } from "../../src/channels/telegram/callback-data.js";
import {
  callbackUpdate,
  FakeTelegramApi,
  locationUpdate,
  photoUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

let fake: FakeTelegramApi;
let svc: Service;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  svc = await startService({ fake });
});

afterAll(async () => {
  await svc.stop();
  await fake.close();
  await dropPrefix(svc.prefix);
});

afterEach(() => fake.clear());

let nextChat = 7_000_001;

/** Send an update and wait until the bot has answered with `count` more messages. */
async function exchange(chatId: number, update: object, count = 1): Promise<Message[]> {
  const before = fake.sentTo(chatId).length;
  const res = await svc.post(update);
  expect(res.status).toBe(200);
  await fake.waitFor(() => fake.sentTo(chatId).length >= before + count, 5000);
  return fake.sentTo(chatId).slice(before);
}

/** The callback data of the button labelled like `label` on the latest message. */
function buttonData(chatId: number, label: RegExp): string {
  const msgs = fake.sentTo(chatId);
  const last = msgs[msgs.length - 1] as Message;
  const rows = (last.reply_markup?.inline_keyboard ?? []).flat();
  const button = rows.find((b) => "callback_data" in b && label.test(b.text));
  if (!button || !("callback_data" in button))
    throw new Error(`no button ${label} in ${JSON.stringify(rows)}`);
  return button.callback_data as string;
}

describe("Telegram webhook", () => {
  it("takes a person through the help flow in Indonesian to an escalation", async () => {
    const chat = nextChat++;
    const [menu] = await exchange(chat, textUpdate(chat, "/start", { languageCode: "id" }));
    expect(menu?.text).toContain("Halo 👋 Ini Pulang.");
    expect(menu?.text).toContain("Apa yang bisa kami bantu?");

    const [safety] = await exchange(chat, callbackUpdate(chat, buttonData(chat, /Butuh bantuan/)));
    expect(safety?.text).toBe("Bagaimana keadaanmu sekarang?");
    expect(decodeChoice(buttonData(chat, /Bahaya/))?.stepRef).toBe("help.safety");

    const [place] = await exchange(chat, callbackUpdate(chat, buttonData(chat, /Bahaya sekarang/)));
    expect(place?.text).toContain("Kamu ada di mana sekarang?");
    const markup = fake.callsTo("sendMessage").at(-1)?.params.reply_markup as
      | { keyboard: { request_location?: boolean }[][] }
      | undefined;
    expect(markup?.keyboard[0]?.[0]?.request_location).toBe(true);
    expect(fake.callsTo("answerCallbackQuery").length).toBeGreaterThanOrEqual(2);

    const [phone] = await exchange(chat, locationUpdate(chat, 13.66, 102.56));
    expect(phone?.text).toContain("bisa terus memakai HP ini?");
    await exchange(chat, textUpdate(chat, "kadang kadang"));
    await exchange(chat, textUpdate(chat, "malam <b>jam</b> 11 & pagi"));
    const echoed = fake.callsTo("sendMessage").every((c) => !String(c.params.text).includes("<b>"));
    expect(echoed).toBe(true);
    await exchange(chat, textUpdate(chat, "3"));
    await exchange(chat, callbackUpdate(chat, buttonData(chat, /Tidak ada/)));
    await exchange(chat, textUpdate(chat, "ditahan"));
    await exchange(chat, callbackUpdate(chat, buttonData(chat, /Jangan/)));
    const all = fake
      .sentTo(chat)
      .map((m) => m.text ?? "")
      .join("\n");
    expect(all).toContain("KBRI Phnom Penh");
    expect(all).toContain("+855 12 813 282");
    const [escalated] = await svc.app.cases.open(10);
    expect(escalated).toMatchObject({
      conversation: `tg:${chat}`,
      priority: "P1",
      kind: "help",
      status: "queued",
    });
    expect(escalated?.reasons).toContain("immediate_danger");
    expect(JSON.stringify(fake.limitViolations())).toBe("[]");
  });

  it("answers photos kindly and asks the question again", async () => {
    const chat = nextChat++;
    await exchange(chat, textUpdate(chat, "halo", { languageCode: "en" }));
    const [reply] = await exchange(chat, photoUpdate(chat));
    expect(reply?.text).toContain("we can only read text and locations");
    expect(reply?.text).toContain("How can we help?");
  });

  it("tells a group to write privately and keeps nothing", async () => {
    const res = await svc.post({
      update_id: 99_000_001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: -42, type: "group", title: "x" },
        from: { id: 5, is_bot: false, first_name: "A" },
        text: "tolong",
      },
    });
    expect(res.status).toBe(200);
    await fake.waitFor((c) => c.method === "sendMessage" && c.chatId === -42, 3000);
    expect(fake.lastTextTo(-42)).toContain("chat pribadi");
  });

  it("handles an update delivered twice once", async () => {
    const chat = nextChat++;
    const update = textUpdate(chat, "halo", { languageCode: "en" });
    await exchange(chat, update);
    const again = await svc.post(update);
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.sentTo(chat)).toHaveLength(1);
  });

  it.each([
    ["a wrong secret", "wrong-secret-0123456789"],
    ["no secret", null],
  ])("refuses %s with 401 and processes nothing", async (_what, secret) => {
    const chat = nextChat++;
    const res = await svc.post(textUpdate(chat, "tolong"), secret);
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.sentTo(chat)).toHaveLength(0);
  });

  it.each([
    ["not JSON", "{nope"],
    ["not an update", { hello: "world" }],
    ["an update id alone", { update_id: 5 }],
    ["an oversized body", { update_id: 6, message: { text: "x".repeat(2 * 1024 * 1024) } }],
  ])("rejects %s with 400", async (_what, body) => {
    const res = await svc.post(body);
    expect(res.status).toBe(400);
  });

  it("retries a message Telegram throttled (429), after the time it asks for", async () => {
    const chat = nextChat++;
    fake.failNext("sendMessage", { error_code: 429, retry_after: 1, chatId: chat });
    const started = Date.now();
    await exchange(chat, textUpdate(chat, "halo", { languageCode: "en" }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.lastTextTo(chat)).toContain("How can we help?");
  });

  it("stops writing to a person who blocked the bot, until they write again", async () => {
    const chat = nextChat++;
    fake.blockUser(chat);
    expect((await svc.post(textUpdate(chat, "halo"))).status).toBe(200);
    await fake.waitFor((c) => c.method === "sendMessage" && c.injected === "blocked", 3000);
    const attempts = () =>
      fake.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === chat).length;
    expect(attempts()).toBe(1);
    await svc.app.runtime.drain();
    expect(attempts()).toBe(1);
    fake.unblockUser(chat);
    await exchange(chat, textUpdate(chat, "halo lagi"));
    expect(fake.sentTo(chat).length).toBeGreaterThanOrEqual(1);
  });

  it("serves health, readiness and metrics", async () => {
    expect((await fetch(`${svc.base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${svc.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ready",
      checks: [
        { name: "flows", ok: true },
        { name: "redis", ok: true },
      ],
    });
    const metrics = await (await fetch(`${svc.base}/metrics`)).text();
    expect(metrics).toMatch(
      /pulang_updates_total\{channel="tg",kind="message",outcome="handled"\} \d+/,
    );
    expect(metrics).toContain("pulang_update_handling_seconds_bucket");
  });
});

describe("Telegram webhook without Redis", () => {
  it("answers 503 so Telegram delivers again, and acknowledges nothing unsaved", async () => {
    const down = await startService({ fake, env: { REDIS_URL: "redis://127.0.0.1:1" } });
    try {
      const chat = nextChat++;
      const res = await down.post(textUpdate(chat, "halo"));
      expect(res.status).toBe(503);
      const ready = await fetch(`${down.base}/readyz`);
      expect(ready.status).toBe(503);
      expect(fake.sentTo(chat)).toHaveLength(0);
    } finally {
      await down.stop();
    }
  });
});
