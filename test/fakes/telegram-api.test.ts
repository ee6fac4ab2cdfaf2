import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  callbackUpdate,
  contactUpdate,
  FakeTelegramApi,
  groupTextUpdate,
  locationUpdate,
  myChatMemberBlocked,
  nextUpdateId,
  parseHtml,
  textUpdate,
} from "./telegram-api.js";

let fake: FakeTelegramApi;
let bot: Bot;

function botFor(f: FakeTelegramApi, token = f.token): Bot {
  return new Bot(token, { client: { apiRoot: f.apiRoot } });
}

async function rejection(p: Promise<unknown>): Promise<GrammyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

beforeEach(async () => {
  fake = await FakeTelegramApi.start();
  bot = botFor(fake);
  await bot.init();
});

afterEach(async () => {
  if (bot.isRunning()) await bot.stop();
  await fake.close();
});

describe("protocol", () => {
  it("serves getMe to bot.init() and listens on loopback", () => {
    expect(fake.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bot.botInfo).toMatchObject({
      id: fake.botInfo.id,
      is_bot: true,
      username: "pulang_test_bot",
    });
    expect(String(bot.botInfo.id)).toBe(fake.token.split(":")[0]);
    expect(fake.callsTo("getMe")).toHaveLength(1);
  });

  it("answers a wrong token with 401 Unauthorized", async () => {
    const other = botFor(fake, "123456:wrong-token");
    const err = await rejection(other.init());
    expect(err.error_code).toBe(401);
    expect(err.description).toBe("Unauthorized");
  });

  it("answers an unknown method with 404 and accepts method names in any case", async () => {
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTeleport`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    const lower = await fetch(`${fake.apiRoot}/bot${fake.token}/getme`);
    expect(await lower.json()).toMatchObject({ ok: true, result: { id: fake.botInfo.id } });
    expect(fake.calls.at(-1)?.method).toBe("getMe");
  });

  it("reads urlencoded and query parameters with Telegram's type conversion", async () => {
    const form = new URLSearchParams({ chat_id: "42", text: "123" });
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    const body = (await res.json()) as { ok: boolean; result: Message };
    expect(body.ok).toBe(true);
    expect(body.result.text).toBe("123");
    expect(fake.calls.at(-1)).toMatchObject({ encoding: "urlencoded", chatId: 42 });
    await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage?chat_id=43&text=hai`);
    expect(fake.calls.at(-1)).toMatchObject({ encoding: "query", chatId: 43, ok: true });
  });
});

describe("sending", () => {
  it("records a reply of the real bot with the real Message shape", async () => {
    bot.command("start", (ctx) =>
      ctx.reply("Halo, <b>Budi</b>!", {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("Mulai", "start:go"),
      }),
    );
    const update = textUpdate(42, "/start");
    expect(update.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    await bot.handleUpdate(update);

    const [call] = fake.callsTo("sendMessage");
    expect(call).toMatchObject({
      method: "sendMessage",
      chatId: 42,
      ok: true,
      encoding: "json",
      params: { chat_id: 42, text: "Halo, <b>Budi</b>!", parse_mode: "HTML" },
    });
    expect(call?.at).toBeGreaterThan(Date.now() - 5000);
    const sent = fake.sentTo(42);
    expect(sent).toHaveLength(1);
    const msg = sent[0] as Message;
    expect(msg.message_id).toBeGreaterThan(update.message?.message_id ?? 0);
    expect(msg).toMatchObject({
      from: { id: fake.botInfo.id, is_bot: true, first_name: "Pulang" },
      chat: { id: 42, type: "private" },
      text: "Halo, Budi!",
      entities: [{ type: "bold", offset: 6, length: 4 }],
      reply_markup: { inline_keyboard: [[{ text: "Mulai", callback_data: "start:go" }]] },
    });
    expect(Math.abs(msg.date - Date.now() / 1000)).toBeLessThan(5);
    expect(fake.lastTextTo(42)).toBe("Halo, Budi!");
    expect(call?.result).toEqual(msg);
  });

  it("numbers messages per chat, interleaved with the user's", async () => {
    const a = textUpdate(501, "hai");
    const m1 = await bot.api.sendMessage(501, "satu");
    const m2 = await bot.api.sendMessage(501, "dua");
    const other = await bot.api.sendMessage(502, "lain");
    expect(m1.message_id).toBe((a.message?.message_id ?? 0) + 1);
    expect(m2.message_id).toBe(m1.message_id + 1);
    expect(other.message_id).toBe(1);
  });

  it("validates like Telegram", async () => {
    const cases: [Promise<unknown>, string][] = [
      [bot.api.sendMessage(42, ""), "Bad Request: message text is empty"],
      [bot.api.sendMessage(42, "   "), "Bad Request: message text is empty"],
      [bot.api.sendMessage(42, "x".repeat(4097)), "Bad Request: message is too long"],
      [bot.api.raw.sendMessage({ text: "hi" } as never), "Bad Request: chat_id is empty"],
      [bot.api.sendMessage("@nobody", "hi"), "Bad Request: chat not found"],
      [
        bot.api.sendMessage(42, "pilih", {
          reply_markup: new InlineKeyboard().text("x", "d".repeat(65)),
        }),
        "Bad Request: BUTTON_DATA_INVALID",
      ],
      [
        bot.api.sendMessage(42, "pilih", {
          reply_markup: { inline_keyboard: [[{ text: "x" } as never]] },
        }),
        "Bad Request: text buttons are unallowed in the inline keyboard",
      ],
    ];
    for (const [p, description] of cases) {
      const err = await rejection(p);
      expect(err.error_code).toBe(400);
      expect(err.description).toBe(description);
    }
    // 64 bytes of callback_data is fine; multi-byte characters count as bytes.
    await bot.api.sendMessage(42, "ok", {
      reply_markup: new InlineKeyboard().text("x", "d".repeat(64)),
    });
    const err = await rejection(
      bot.api.sendMessage(42, "ok", {
        reply_markup: new InlineKeyboard().text("x", "é".repeat(33)),
      }),
    );
    expect(err.description).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect(fake.sentTo(42)).toHaveLength(1);
  });

  it("refuses <script> and accepts escaped text in HTML", async () => {
    const err = await rejection(
      bot.api.sendMessage(42, "<script>alert(1)</script>", { parse_mode: "HTML" }),
    );
    expect(err.description).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "script" at byte offset 0`,
    );
    const ok = await bot.api.sendMessage(42, "&lt;script&gt; 1 &amp; 2 <i>aman</i>", {
      parse_mode: "HTML",
    });
    expect(ok.text).toBe("<script> 1 & 2 aman");
    expect(ok.entities).toEqual([{ type: "italic", offset: 15, length: 4 }]);

    expect(parseHtml("a < b")).toMatchObject({ ok: false });
    expect(parseHtml("<b>unclosed")).toEqual({
      ok: false,
      error: `can't parse entities: Can't find end tag corresponding to start tag "b"`,
    });
    expect(parseHtml("<b>x</i>")).toMatchObject({
      ok: false,
      error: expect.stringContaining(
        `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`,
      ),
    });
    expect(parseHtml("1 > 0")).toMatchObject({ ok: false });
    expect(parseHtml("1 > 0", { strictEscaping: false })).toMatchObject({
      ok: true,
      text: "1 > 0",
    });
    expect(parseHtml("AT&T")).toMatchObject({ ok: false });
    expect(
      parseHtml('<a href="https://x.id/?a=1&amp;b=2">t</a> <span class="tg-spoiler">s</span>'),
    ).toEqual({
      ok: true,
      text: "t s",
      entities: [
        { type: "text_link", offset: 0, length: 1, url: "https://x.id/?a=1&b=2" },
        { type: "spoiler", offset: 2, length: 1 },
      ],
    });
    expect(parseHtml('<pre><code class="language-ts">x</code></pre>')).toEqual({
      ok: true,
      text: "x",
      entities: [{ type: "pre", offset: 0, length: 1, language: "ts" }],
    });
    expect(parseHtml("<span>x</span>")).toMatchObject({ ok: false });
    expect(parseHtml("<blockquote expandable>q</blockquote>")).toMatchObject({
      entities: [{ type: "expandable_blockquote", offset: 0, length: 1 }],
    });
  });

  it("sends locations, uploads documents (multipart) and photos", async () => {
    const loc = await bot.api.sendLocation(42, 13.41, 103.86);
    expect(loc.location).toEqual({ latitude: 13.41, longitude: 103.86 });

    const doc = await bot.api.sendDocument(
      42,
      new InputFile(Buffer.from("kasus #12"), "kasus.txt"),
      {
        caption: "<b>Ringkasan</b>",
        parse_mode: "HTML",
      },
    );
    expect(doc.document).toMatchObject({
      file_name: "kasus.txt",
      mime_type: "text/plain",
      file_size: 9,
    });
    expect(doc.caption).toBe("Ringkasan");
    const upload = fake.callsTo("sendDocument")[0];
    expect(upload?.encoding).toBe("multipart");
    expect(upload?.params.chat_id).toBe(42);
    expect(upload?.files?.[0]?.filename).toBe("kasus.txt");
    expect(upload?.files?.[0]?.bytes.toString()).toBe("kasus #12");

    const photo = await bot.api.sendPhoto(42, "https://example.org/peta.jpg");
    expect(photo.photo).toHaveLength(3);
    const file = await bot.api.getFile(doc.document?.file_id ?? "");
    const bytes = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(await bytes.text()).toBe("kasus #12");
    expect(
      fake
        .sentTo(42)
        .map((m) => Object.keys(m).find((k) => ["location", "document", "photo"].includes(k))),
    ).toEqual(["location", "document", "photo"]);
  });

  it("copies and forwards messages it knows", async () => {
    const pin = locationUpdate(42, 13.4, 103.8);
    fake.remember(pin);
    const copy = await bot.api.copyMessage(-1001234567890, 42, pin.message?.message_id ?? 0, {
      message_thread_id: undefined,
    });
    expect(Object.keys(copy)).toEqual(["message_id"]);
    const copied = fake.sentTo(-1001234567890).at(-1);
    expect(copied).toMatchObject({ message_id: copy.message_id, location: { latitude: 13.4 } });
    const fwd = await bot.api.forwardMessage(-1001234567890, 42, pin.message?.message_id ?? 0);
    expect(fwd.forward_origin).toMatchObject({ type: "user", sender_user: { id: 42 } });

    await bot.api.deleteMessage(42, pin.message?.message_id ?? 0);
    const err = await rejection(
      bot.api.copyMessage(-1001234567890, 42, pin.message?.message_id ?? 0),
    );
    expect(err.description).toBe("Bad Request: message to copy not found");
  });

  it("edits and deletes like Telegram", async () => {
    const kb = new InlineKeyboard().text("Ya", "y");
    const m = await bot.api.sendMessage(42, "Apakah aman?", { reply_markup: kb });
    const notModified = await rejection(
      bot.api.editMessageText(42, m.message_id, "Apakah aman?", { reply_markup: kb }),
    );
    expect(notModified.description).toMatch(/^Bad Request: message is not modified/);
    const edited = await bot.api.editMessageText(42, m.message_id, "Terima kasih");
    expect(edited).toMatchObject({ text: "Terima kasih", edit_date: expect.any(Number) });
    expect(edited).not.toHaveProperty("reply_markup"); // editing text without a keyboard removes it
    await bot.api.editMessageReplyMarkup(42, m.message_id, { reply_markup: kb });
    expect(fake.messagesIn(42).at(-1)?.reply_markup).toEqual(kb);

    const userMsg = textUpdate(42, "halo");
    fake.remember(userMsg);
    const cant = await rejection(
      bot.api.editMessageText(42, userMsg.message?.message_id ?? 0, "x"),
    );
    expect(cant.description).toBe("Bad Request: message can't be edited");

    await bot.api.deleteMessage(42, m.message_id);
    expect((await rejection(bot.api.deleteMessage(42, m.message_id))).description).toBe(
      "Bad Request: message to delete not found",
    );
    expect((await rejection(bot.api.editMessageText(42, m.message_id, "y"))).description).toBe(
      "Bad Request: message to edit not found",
    );
    expect(await bot.api.deleteMessages(42, [1, 2, 3])).toBe(true);
  });

  it("answers callback queries once", async () => {
    const m = await bot.api.sendMessage(42, "Pilih", {
      reply_markup: new InlineKeyboard().text("A", "a"),
    });
    bot.callbackQuery("a", (ctx) => ctx.answerCallbackQuery({ text: "ok" }));
    const update = callbackUpdate(42, "a", m);
    fake.remember(update);
    await bot.handleUpdate(update);
    expect(fake.callsTo("answerCallbackQuery")[0]).toMatchObject({ ok: true, chatId: 42 });
    const again = await rejection(bot.api.answerCallbackQuery(update.callback_query?.id ?? ""));
    expect(again.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });
});

describe("fault injection", () => {
  it("injects a 429 that grammY sees with retry_after, then recovers", async () => {
    fake.failNext("sendMessage", { error_code: 429, retry_after: 7 });
    const err = await rejection(bot.api.sendMessage(42, "hai"));
    expect(err.error_code).toBe(429);
    expect(err.description).toBe("Too Many Requests: retry after 7");
    expect(err.parameters.retry_after).toBe(7);
    expect(fake.calls.at(-1)).toMatchObject({ ok: false, injected: "failNext" });
    await bot.api.sendMessage(42, "hai");
    expect(fake.sentTo(42)).toHaveLength(1);
  });

  it("injects 500s several times, per chat, and dropped connections", async () => {
    fake.failNext("sendMessage", { error_code: 500, times: 2, chatId: 7 });
    await bot.api.sendMessage(8, "other chat is fine");
    expect((await rejection(bot.api.sendMessage(7, "a"))).description).toBe(
      "Internal Server Error",
    );
    expect((await rejection(bot.api.sendMessage(7, "a"))).error_code).toBe(500);
    await bot.api.sendMessage(7, "a");

    fake.failNext("getChat", { dropConnection: true });
    const err = await bot.api.getChat(7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
  });

  it("answers 403 for a user who blocked the bot", async () => {
    fake.blockUser(42);
    const err = await rejection(bot.api.sendMessage(42, "hai"));
    expect(err.error_code).toBe(403);
    expect(err.description).toBe("Forbidden: bot was blocked by the user");
    expect(myChatMemberBlocked(42).my_chat_member?.new_chat_member.status).toBe("kicked");
    fake.unblockUser(42);
    await bot.api.sendMessage(42, "hai");
  });

  it("delays answers by latencyMs", async () => {
    fake.latencyMs = 120;
    const t0 = Date.now();
    await bot.api.sendMessage(42, "lambat");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });
});

describe("long polling", () => {
  it("holds getUpdates until an update is queued, and honours offset", async () => {
    const t0 = Date.now();
    const pending = bot.api.getUpdates({ timeout: 5 });
    setTimeout(() => fake.queueUpdate(textUpdate(42, "tolong")), 100);
    const updates = await pending;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.message?.text).toBe("tolong");

    // Not confirmed yet: returned again; confirmed by a higher offset.
    const id = updates[0]?.update_id ?? 0;
    expect(await bot.api.getUpdates({ timeout: 0 })).toHaveLength(1);
    expect(await bot.api.getUpdates({ offset: id + 1, timeout: 0 })).toEqual([]);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it("returns an empty batch after the timeout", async () => {
    const t0 = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it("filters by allowed_updates and refuses polling while a webhook is set", async () => {
    fake.queueUpdate(callbackUpdate(42, "x"));
    fake.queueUpdate(textUpdate(42, "a"));
    const got = await bot.api.getUpdates({ allowed_updates: ["message"], timeout: 0 });
    expect(got.map((u) => Object.keys(u)[1])).toEqual(["message"]);

    await bot.api.setWebhook("https://pulang.example/hook", { secret_token: "s3cret" });
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url: "https://pulang.example/hook",
      pending_update_count: 1,
    });
    const err = await rejection(bot.api.getUpdates());
    expect(err.error_code).toBe(409);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url: "", pending_update_count: 0 });
  });

  it("drives bot.start() end to end", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`kamu bilang: ${ctx.msg.text}`));
    bot.on("message:contact", (ctx) => ctx.reply(`nomor ${ctx.msg.contact.phone_number}`));
    void bot.start({ timeout: 2 });
    fake.queueUpdate(textUpdate(77, "halo"));
    fake.queueUpdate(contactUpdate(77, "6281234567890"));
    await fake.waitFor(
      (c) => c.method === "sendMessage" && c.params.text === "nomor 6281234567890",
    );
    expect(fake.sentTo(77).map((m) => m.text)).toEqual([
      "kamu bilang: halo",
      "nomor 6281234567890",
    ]);
    await bot.stop();
    expect(fake.pendingUpdates()).toEqual([]);
    // Cancelling the poll on stop is not mistaken for a second instance.
    expect(fake.callsTo("getUpdates").filter((c) => !c.ok)).toEqual([]);
    expect(fake.callsTo("deleteWebhook")).toHaveLength(1);
  });

  it("ends a pending poll with 409 when another getUpdates arrives", async () => {
    const first = bot.api.getUpdates({ timeout: 3 });
    await new Promise((r) => setTimeout(r, 50));
    const second = bot.api.getUpdates({ timeout: 0 });
    const err = await rejection(first);
    expect(err.error_code).toBe(409);
    expect(err.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    expect(await second).toEqual([]);
  });

  it("gives update ids from one shared counter", () => {
    const a = nextUpdateId();
    const u = textUpdate(1, "x");
    expect(u.update_id).toBe(a + 1);
    expect(textUpdate(1, "x", { updateId: 5 }).update_id).toBe(5);
  });
});

describe("rate limits", () => {
  it("detects two messages within a second to one private chat", async () => {
    await bot.api.sendMessage(42, "satu");
    await bot.api.sendMessage(42, "dua");
    const v = fake.limitViolations();
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ kind: "per-chat", chatId: 42, count: 2, limit: 1 });
  });

  it("tolerates a burst when configured", async () => {
    const tolerant = await FakeTelegramApi.start({ perChatBurst: 3 });
    try {
      const b = botFor(tolerant);
      for (const t of ["1", "2", "3"]) await b.api.sendMessage(42, t);
      expect(tolerant.limitViolations()).toEqual([]);
      await b.api.sendMessage(42, "4");
      expect(tolerant.limitViolations()).toHaveLength(1);
    } finally {
      await tolerant.close();
    }
  });

  it("detects 31 messages in a second overall", async () => {
    await Promise.all(
      Array.from({ length: 31 }, (_, i) => bot.api.sendMessage(1000 + i, "siaran")),
    );
    const v = fake.limitViolations();
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ kind: "global", count: 31, limit: 30 });
  });

  it("detects more than 20 a minute to one group", async () => {
    for (let i = 0; i < 21; i++) await bot.api.sendMessage(-1001234567890, `#${i}`);
    const v = fake.limitViolations().filter((x) => x.kind === "group");
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ chatId: -1001234567890, count: 21, limit: 20 });
  });

  it("answers 429 with retry_after when enforcing", async () => {
    const strict = await FakeTelegramApi.start({ enforceLimits: true });
    try {
      const b = botFor(strict);
      await b.api.sendMessage(42, "satu");
      const err = await rejection(b.api.sendMessage(42, "dua"));
      expect(err.error_code).toBe(429);
      expect(err.parameters.retry_after).toBe(1);
      // Parallel sends cannot slip past the check together.
      const burst = await Promise.allSettled([1, 2, 3].map((i) => b.api.sendMessage(43, `${i}`)));
      expect(burst.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(strict.limitViolations()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe("forum topics", () => {
  const group = -1009876543210;

  it("creates topics, sends into them, and fails after a topic is deleted by hand", async () => {
    const topic = await bot.api.createForumTopic(group, "Kasus PUL-7");
    expect(topic).toEqual({
      message_thread_id: expect.any(Number),
      name: "Kasus PUL-7",
      icon_color: 7322096,
    });
    const inTopic = await bot.api.sendMessage(group, "Kasus baru", {
      message_thread_id: topic.message_thread_id,
    });
    expect(inTopic).toMatchObject({
      message_thread_id: topic.message_thread_id,
      is_topic_message: true,
    });
    expect(inTopic.message_id).toBe(topic.message_thread_id + 1);

    await bot.api.closeForumTopic(group, topic.message_thread_id);
    expect(
      (await rejection(bot.api.closeForumTopic(group, topic.message_thread_id))).description,
    ).toBe("Bad Request: TOPIC_NOT_MODIFIED");
    await bot.api.reopenForumTopic(group, topic.message_thread_id);
    await bot.api.editForumTopic(group, topic.message_thread_id, { name: "Kasus PUL-7 (selesai)" });

    fake.deleteTopic(group, topic.message_thread_id);
    const err = await rejection(
      bot.api.sendMessage(group, "masih di sana?", { message_thread_id: topic.message_thread_id }),
    );
    expect(err.error_code).toBe(400);
    expect(err.description).toBe("Bad Request: message thread not found");
    expect(
      (await rejection(bot.api.editForumTopic(group, topic.message_thread_id, { name: "x" })))
        .description,
    ).toBe("Bad Request: TOPIC_ID_INVALID");
    expect(fake.topics(group)[0]).toMatchObject({ name: "Kasus PUL-7 (selesai)", deleted: true });
  });

  it("refuses topics outside forums and learns topics from operator messages", async () => {
    expect((await rejection(bot.api.createForumTopic(42, "x"))).description).toBe(
      "Bad Request: the chat is not a forum",
    );
    const u = groupTextUpdate(group, 9001, "/tutup", 55, { topicName: "Kasus PUL-9" });
    expect(u.message).toMatchObject({
      chat: { id: group, type: "supergroup", is_forum: true },
      from: { id: 9001 },
      message_thread_id: 55,
      is_topic_message: true,
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
    });
    fake.remember(u);
    expect(fake.topics(group)).toMatchObject([{ message_thread_id: 55, name: "Kasus PUL-9" }]);
  });

  it("refuses unknown chats, messages and topics when strict", async () => {
    const strict = await FakeTelegramApi.start({ strict: true });
    try {
      const b = botFor(strict);
      expect((await rejection(b.api.sendMessage(42, "hai"))).description).toBe(
        "Bad Request: chat not found",
      );
      strict.remember(groupTextUpdate(group, 9001, "hai"));
      expect(
        (await rejection(b.api.sendMessage(group, "x", { message_thread_id: 999 }))).description,
      ).toBe("Bad Request: message thread not found");
    } finally {
      await strict.close();
    }
  });
});

describe("bot settings", () => {
  it("keeps commands per scope and language, descriptions and the menu button", async () => {
    await bot.api.setMyCommands([{ command: "start", description: "Mulai" }], {
      language_code: "id",
    });
    await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
    expect(await bot.api.getMyCommands({ language_code: "id" })).toEqual([
      { command: "start", description: "Mulai" },
    ]);
    expect(await bot.api.getMyCommands()).toEqual([{ command: "start", description: "Start" }]);
    expect(await bot.api.getMyCommands({ language_code: "en" })).toEqual([]);
    expect(
      (await rejection(bot.api.setMyCommands([{ command: "Start!", description: "x" }])))
        .description,
    ).toBe("Bad Request: BOT_COMMAND_INVALID");
    await bot.api.setMyDescription("Bantuan untuk pulang", { language_code: "id" });
    await bot.api.setMyShortDescription("Pulang");
    expect(await bot.api.getMyDescription({ language_code: "id" })).toEqual({
      description: "Bantuan untuk pulang",
    });
    await bot.api.setChatMenuButton({ menu_button: { type: "commands" } });
    expect(await bot.api.getChatMenuButton()).toEqual({ type: "commands" });
    expect(await bot.api.getChat(42)).toMatchObject({ id: 42, type: "private" });
    expect(await bot.api.close()).toBe(true);
  });
});

describe("waitFor", () => {
  it("resolves on a future call without polling and times out with context", async () => {
    const from = fake.calls.length;
    const waiting = fake.waitFor((c) => c.method === "sendMessage" && c.chatId === 5, 1000, {
      fromIndex: from,
    });
    setTimeout(() => void bot.api.sendMessage(5, "nanti"), 50);
    expect((await waiting).params.text).toBe("nanti");
    await expect(fake.waitFor((c) => c.method === "sendPoll", 50)).rejects.toThrow(
      /waitFor: no matching call/,
    );
    fake.clear();
    expect(fake.calls).toEqual([]);
  });
});
