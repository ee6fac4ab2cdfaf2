/**
 * The Telegram adapter's two translations: updates in, messages out.
 */
import { describe, expect, it } from "vitest";
import { decodeChoice, fitsCallback } from "../../src/channels/telegram/callback-data.js";
import { readUpdate } from "../../src/channels/telegram/inbound.js";
import { chunks, escapeHtml, renderReplies } from "../../src/channels/telegram/render.js";
import {
  callbackUpdate,
  contactUpdate,
  editedTextUpdate,
  groupTextUpdate,
  locationUpdate,
  myChatMemberBlocked,
  photoUpdate,
  stickerUpdate,
  textUpdate,
  voiceUpdate,
} from "../fakes/telegram-api.js";
import { realBundle } from "../helpers/content.js";

describe("reading updates", () => {
  it.each([
    ["text", textUpdate(11, "halo"), { kind: "text", text: "halo", langHint: "id" }],
    ["a deep link", textUpdate(11, "/start family"), { kind: "start", payload: "family" }],
    ["/start", textUpdate(11, "/start"), { kind: "start" }],
    ["/help", textUpdate(11, "/help"), { kind: "command", name: "help" }],
    ["/human@bot", textUpdate(11, "/human@pulang_bot"), { kind: "command", name: "human" }],
    ["an unknown command", textUpdate(11, "/weather"), { kind: "command", name: "weather" }],
    ["a pin", locationUpdate(11, 13.65, 102.56), { kind: "location", lat: 13.65, lon: 102.56 }],
    [
      "a shared contact",
      contactUpdate(11, "+62 812 1111 2222"),
      { kind: "contact", phone: "+62 812 1111 2222" },
    ],
    ["a photo", photoUpdate(11), { kind: "media", media: "photo" }],
    ["a voice note", voiceUpdate(11), { kind: "media", media: "voice" }],
    ["a sticker", stickerUpdate(11), { kind: "media", media: "sticker" }],
    ["an edited message", editedTextUpdate(11, 5, "Poipet"), { kind: "text", text: "Poipet" }],
  ])("reads %s", (_what, update, inbound) => {
    const read = readUpdate(update);
    expect(read.type).toBe("person");
    if (read.type !== "person") return;
    expect(read.key).toBe("tg:11");
    expect(read.inbound).toMatchObject(inbound);
    expect(read.dedupeId).toBe(String(update.update_id));
  });

  it("reads a tap with the question it belongs to, and the query to answer", () => {
    const read = readUpdate(callbackUpdate(11, "c|help.safety|danger"));
    expect(read).toMatchObject({
      type: "person",
      inbound: { kind: "choice", stepRef: "help.safety", option: "danger" },
      callbackQueryId: expect.any(String),
    });
  });

  it("reads a tap on data we did not make as an old button", () => {
    const read = readUpdate(callbackUpdate(11, "something else"));
    expect(read).toMatchObject({ inbound: { kind: "choice", stepRef: "", option: "" } });
  });

  it("keeps no names or usernames", () => {
    const read = readUpdate(textUpdate(11, "halo", { firstName: "Siti", username: "siti_r" }));
    expect(JSON.stringify(read)).not.toMatch(/Siti|siti_r/);
  });

  it("sends groups other than the operators' elsewhere", () => {
    expect(readUpdate(groupTextUpdate(-100_555, 7, "halo"))).toMatchObject({
      type: "group",
      chatId: -100_555,
    });
    expect(readUpdate(groupTextUpdate(-100_555, 7, "halo"), -100_555)).toMatchObject({
      type: "operators",
    });
  });

  it("notices a person blocking the bot", () => {
    expect(readUpdate(myChatMemberBlocked(11))).toMatchObject({
      type: "reachability",
      key: "tg:11",
      reachable: false,
    });
  });
});

describe("rendering replies", () => {
  it("escapes everything for HTML, including what people typed", () => {
    const [m] = renderReplies([{ type: "reply", text: "Nama: <b>Andi</b> & co" }]);
    expect(m?.text).toBe("Nama: &lt;b&gt;Andi&lt;/b&gt; &amp; co");
    expect(escapeHtml("a<b>&")).toBe("a&lt;b&gt;&amp;");
  });

  it("merges a step's replies into one message, with the question's buttons", () => {
    const messages = renderReplies([
      { type: "reply", text: "Tim kami sudah diberi tahu." },
      {
        type: "reply",
        text: "Kamu di mana?",
        stepRef: "help.place",
        buttons: [{ id: "_unknown", label: "Saya tidak tahu" }],
        request: { kind: "location", label: "📍 Kirim lokasi saya" },
      },
    ]);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe("Tim kami sudah diberi tahu.\n\nKamu di mana?");
    expect(messages[0]?.reply_markup).toMatchObject({
      keyboard: [
        [{ text: "📍 Kirim lokasi saya", request_location: true }],
        [{ text: "Saya tidak tahu" }],
      ],
      one_time_keyboard: true,
    });
  });

  it("puts choices on inline buttons whose data names the question", () => {
    const [m] = renderReplies([
      {
        type: "reply",
        text: "Aman?",
        stepRef: "help.safety",
        buttons: [{ id: "safe", label: "Aman" }],
      },
    ]);
    expect(m?.reply_markup).toEqual({
      inline_keyboard: [[{ text: "Aman", callback_data: "c|help.safety|safe" }]],
    });
    expect(decodeChoice("c|help.safety|safe")).toEqual({ stepRef: "help.safety", option: "safe" });
  });

  it("splits text over 4,096 characters at paragraph ends, keeping the buttons on the last part", () => {
    const long = `${"a".repeat(3000)}\n\n${"b".repeat(3000)}`;
    const messages = renderReplies([
      { type: "reply", text: long, stepRef: "x.y", buttons: [{ id: "o", label: "O" }] },
    ]);
    expect(messages.map((m) => m.text.length)).toEqual([3000, 3000]);
    expect(messages[0]?.reply_markup).toBeUndefined();
    expect(messages[1]?.reply_markup).toBeDefined();
  });

  it("sends what came before an overlong reply on its own, then the reply in parts", () => {
    const messages = renderReplies([
      { type: "reply", text: "Pembuka." },
      { type: "reply", text: "z".repeat(5000) },
    ]);
    expect(messages.map((m) => m.text.length)).toEqual([8, 4096, 904]);
  });

  it("cuts a single enormous word without breaking an emoji", () => {
    const parts = chunks(`${"x".repeat(4095)}😭${"y".repeat(10)}`);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join("")).toBe(`${"x".repeat(4095)}😭${"y".repeat(10)}`);
  });

  it("fits every flow button in Telegram's 64 bytes of callback data", () => {
    const bundle = realBundle();
    for (const step of bundle.flows.steps.values()) {
      for (const option of [...(step.optionIds ?? []), "_skip", "_unknown"]) {
        expect(fitsCallback(step.ref, option), `${step.ref} ${option}`).toBe(true);
      }
    }
  });
});
