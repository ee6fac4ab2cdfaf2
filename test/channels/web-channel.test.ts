/**
 * The web chat's sending side: replies become bubbles the open page is told about at once,
 * deleting removes them from the page, and the page's words follow the conversation's
 * language. What a page is sent is escaped HTML: a person's words never become markup.
 */
import { describe, expect, it } from "vitest";
import { WebChannel } from "../../src/channels/web/channel.js";
import { Mailbox, type MailboxEvent } from "../../src/channels/web/mailbox.js";
import type { WebMessage } from "../../src/channels/web/render.js";
import { bubbles, chrome, removals } from "../../src/channels/web/views.js";
import type { Effect } from "../../src/engine/types.js";
import { realBundle } from "../helpers/content.js";

type Reply = Extract<Effect, { type: "reply" }>;
const KEY = "web:tab";

function listening(mailbox: Mailbox): MailboxEvent[] {
  const events: MailboxEvent[] = [];
  mailbox.subscribe(KEY, (e) => events.push(e));
  return events;
}

describe("WebChannel", () => {
  it("shows a step's replies as bubbles on the open page, with their buttons and the map", async () => {
    const mailbox = new Mailbox();
    const events = listening(mailbox);
    const channel = new WebChannel({ mailbox, languageOf: async () => "id" });
    const replies: Reply[] = [
      { type: "reply", text: "Baik. Tim kami sudah kami kabari." },
      {
        type: "reply",
        text: "Kamu ada di mana sekarang?",
        stepRef: "help.place",
        buttons: [{ id: "unknown", label: "Saya tidak tahu" }],
        request: { kind: "location", label: "📍 Kirim lokasi saya" },
      },
    ];
    const sent = await channel.deliver(KEY, replies, "P1");
    expect(sent.ids).toHaveLength(2);
    const shown = mailbox.transcript(KEY).messages;
    expect(shown.map((m) => m.id)).toEqual(sent.ids);
    expect(shown[1]).toMatchObject({
      from: "bot",
      buttons: [
        { kind: "choice", stepRef: "help.place", option: "unknown", label: "Saya tidak tahu" },
      ],
      location: { label: "📍 Kirim lokasi saya" },
    });
    expect(events.map((e) => e.type)).toEqual(["language", "add"]);
  });

  it("sends a button's words as text when the question names no step (like a reply keyboard)", async () => {
    const mailbox = new Mailbox();
    const channel = new WebChannel({ mailbox });
    await channel.deliver(
      KEY,
      [{ type: "reply", text: "?", buttons: [{ id: "a", label: "Ya" }] }],
      "P3",
    );
    expect(mailbox.transcript(KEY).messages[0]?.buttons).toEqual([{ kind: "text", label: "Ya" }]);
  });

  it("removes deleted bubbles from the page (discreet mode, quick exit)", async () => {
    const mailbox = new Mailbox();
    const channel = new WebChannel({ mailbox });
    const { ids } = await channel.deliver(
      KEY,
      [
        { type: "reply", text: "one" },
        { type: "reply", text: "two" },
      ],
      "P3",
    );
    const events = listening(mailbox);
    await channel.deleteMessages(KEY, [ids[0] as string]);
    expect(mailbox.transcript(KEY).messages.map((m) => m.text)).toEqual(["two"]);
    expect(events).toEqual([{ type: "remove", ids: [ids[0]] }]);
  });

  it("tells the page the language only when it changes", async () => {
    const mailbox = new Mailbox();
    let lang = "id";
    const channel = new WebChannel({ mailbox, languageOf: async () => lang });
    const events = listening(mailbox);
    await channel.deliver(KEY, [{ type: "reply", text: "a" }], "P3");
    await channel.deliver(KEY, [{ type: "reply", text: "b" }], "P3");
    lang = "en";
    await channel.deliver(KEY, [{ type: "reply", text: "c" }], "P3");
    expect(events.filter((e) => e.type === "language")).toEqual([
      { type: "language", lang: "id" },
      { type: "language", lang: "en" },
    ]);
  });
});

describe("Mailbox", () => {
  it("keeps a bounded number of bubbles per tab, the newest", () => {
    const mailbox = new Mailbox({ maxMessages: 3 });
    for (let i = 0; i < 5; i++) mailbox.add(KEY, [{ id: `m${i}`, from: "bot", text: `${i}` }]);
    expect(mailbox.transcript(KEY).messages.map((m) => m.id)).toEqual(["m2", "m3", "m4"]);
  });

  it("shows a bubble sent twice (a redelivered post) once", () => {
    const mailbox = new Mailbox();
    const events = listening(mailbox);
    const m: WebMessage = { id: "p1", from: "person", text: "halo" };
    mailbox.add(KEY, [m]);
    mailbox.add(KEY, [m]);
    expect(mailbox.transcript(KEY).messages).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it("forgets tabs idle for a day that no page is showing, and keeps those shown", () => {
    let now = 0;
    const mailbox = new Mailbox({ idleMs: 1000, now: () => now });
    mailbox.add("web:idle", [{ id: "a", from: "bot", text: "a" }]);
    mailbox.subscribe("web:open", () => {});
    now = 5000;
    mailbox.add("web:new", [{ id: "b", from: "bot", text: "b" }]);
    expect(mailbox.transcript("web:idle").messages).toEqual([]);
    expect(mailbox.size).toBe(2);
  });

  it("holds at most so many tabs, forgetting the longest unused first", () => {
    const mailbox = new Mailbox({ maxConversations: 2 });
    for (const key of ["web:a", "web:b", "web:c"])
      mailbox.add(key, [{ id: "x", from: "bot", text: key }]);
    expect(mailbox.transcript("web:a").messages).toEqual([]);
    expect(mailbox.transcript("web:c").messages).toHaveLength(1);
  });

  it("clears the page and forgets everything on a quick exit", () => {
    const mailbox = new Mailbox();
    mailbox.add(KEY, [{ id: "a", from: "bot", text: "a" }]);
    mailbox.setLanguage(KEY, "en");
    const events = listening(mailbox);
    mailbox.forget(KEY);
    expect(events).toEqual([{ type: "clear" }]);
    expect(mailbox.transcript(KEY)).toEqual({ messages: [] });
  });
});

describe("what a page is sent", () => {
  const { texts } = realBundle();

  it("shows HTML a person or the bot wrote as text, never as markup", () => {
    const out = bubbles(
      [
        {
          id: "p1",
          from: "person",
          text: '<script>alert("x")</script><img src=x onerror=alert(1)>',
        },
        {
          id: "b1",
          from: "bot",
          text: "ok",
          buttons: [{ kind: "choice", stepRef: 'a"><b>', option: "o", label: "<i>L</i>" }],
        },
      ],
      "en",
      texts,
    );
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<i>");
    expect(out).not.toContain('"><b>');
    expect(out).toContain("&lt;script>");
  });

  it("removes bubbles out of band, and swaps the page's words into the new language", () => {
    expect(removals(["b1"])).toBe('<li id="b1" hx-swap-oob="delete"></li>');
    const en = chrome("en", texts);
    expect(en).toContain('<span id="t-send" hx-swap-oob="true">Send</span>');
    expect(en).toContain('data-lang="en"');
    expect(chrome("id", texts)).toContain(">Kirim</span>");
  });
});
