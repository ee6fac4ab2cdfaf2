/**
 * Safety for people on monitored phones, as the person (and whoever reads their phone)
 * would see it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Turn } from "../../src/engine/turn.js";
import type { Bundle } from "../../src/engine/types.js";
import { newCaseCode } from "../../src/runtime/ids.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

function helpStarted(lang = "id"): Chat {
  const chat = new Chat(bundle, lang);
  chat.say("halo");
  chat.tap("help");
  chat.tap("unsafe");
  chat.say("Poipet");
  return chat;
}

describe("quick exit", () => {
  it.each([
    ["the default word", (c: Chat) => c.say("cuaca")],
    ["the English default word", (c: Chat) => c.say("Weather")],
    [
      "the button on a message",
      (c: Chat) => c.send({ kind: "choice", stepRef: "help.phone", option: "_exit" }),
    ],
    ["the command", (c: Chat) => c.send({ kind: "command", name: "exit" })],
  ])("%s wipes the chat and answers with something harmless", (_how, exit) => {
    const chat = helpStarted();
    exit(chat);
    expect(chat.last.map((e) => e.type)).toEqual(["wipe", "reply"]);
    expect(chat.text).toBe("Cuaca hari ini: cerah berawan, 31°C.");
    expect(chat.session?.place).toBeUndefined();
    expect(chat.session?.answers).toEqual({});
    expect(chat.session?.at).toBeUndefined();
  });

  it("the person's own word works too, typed loosely", () => {
    const chat = new Chat(bundle, "en");
    chat.send({ kind: "command", name: "privacy" });
    chat.tap("exit_word");
    chat.say("Blue Kite");
    chat.tap("done");
    chat.say("hello");
    chat.say("blue  kite!");
    expect(chat.of("wipe")).toHaveLength(1);
  });

  it("is offered on every discreet message, silently", () => {
    const chat = helpStarted();
    const replies = chat.of("reply");
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies)
      expect(r).toMatchObject({ silent: true, quickExit: { label: "❌ Keluar cepat" } });
  });
});

describe("discreet mode", () => {
  it("asks the channel to delete the step's messages, and the person's, after 30 minutes", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "text", text: "halo", origin: "77" });
    expect(chat.of("tidy")).toEqual([{ type: "tidy", afterMs: 30 * 60_000, origin: "77" }]);
  });

  it("follows the delay the person chose, and can be turned off", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "command", name: "privacy" });
    chat.tap("delete");
    chat.tap("m5");
    expect(chat.of("tidy")[0]?.afterMs).toBe(5 * 60_000);
    chat.tap("delete");
    chat.tap("keep");
    expect(chat.of("tidy")).toHaveLength(0);
    expect(chat.of("reply")[0]?.quickExit).toBeUndefined();
  });

  it("rings when the person asks for sound", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "command", name: "privacy" });
    chat.tap("sound");
    chat.tap("sound");
    expect(chat.of("reply")[0]?.silent).toBeUndefined();
  });

  it("keeps a family's messages: they need the report number and the steps", () => {
    const chat = new Chat(bundle, "id");
    chat.say("halo");
    chat.tap("family");
    expect(chat.of("tidy")).toHaveLength(0);
    expect(chat.of("reply")[0]?.quickExit).toBeUndefined();
  });

  const REVEALING =
    /kbri|kedutaan|embassy|polisi|police|perdagangan orang|trafficking|kabur|escape|melarikan|penipuan|scam|penyelamatan|rescue/i;

  it("never starts a discreet message with a revealing word (what a notification preview shows)", () => {
    for (const file of ["help", "gotout", "welcome", "privacy", "checkin", "reattach", "erase"]) {
      const flowRefs = [...bundle.flows.steps.values()].filter((s) => s.flow === file);
      for (const step of flowRefs) {
        // A step's first text opens its message; later texts follow a blank line.
        const keys = "text" in step.def && step.def.text ? [step.def.text].flat().slice(0, 1) : [];
        for (const key of keys) {
          for (const lng of bundle.texts.languages) {
            const first =
              bundle.texts
                .t(lng, key, { code: "X", hours: 1, minutes: 1, ref: "X" })
                .split("\n")[0] ?? "";
            expect(first, `${lng} ${key}`).not.toMatch(REVEALING);
          }
        }
      }
    }
    for (const key of [
      "common:intent.emergency",
      "common:waiting",
      "common:operator.joined",
      "common:checkin.ping",
      "common:quick_exit.reply",
    ]) {
      for (const lng of bundle.texts.languages) {
        expect(bundle.texts.t(lng, key).split("\n")[0], `${lng} ${key}`).not.toMatch(REVEALING);
      }
    }
  });
});

describe("what a lock screen shows", () => {
  /** Words that would tell whoever holds the phone what this chat is about. */
  const PURPOSE = /penipuan|scam|kbri|kasus|bahaya|kabur|keluar|embassy|\bcases?\b|danger|escap/i;

  /**
   * A notification preview shows about the first 120 characters of a message (not only its
   * first line): for the messages the content audit listed (and those written since in
   * their place), as sent, with codes, times and waits filled in.
   */
  const PREVIEWED = [
    "common:checkin.ping",
    "welcome:intro",
    "help:safety.question",
    "help:urgent",
    "help:handoff",
    "help:code",
    "common:intent.emergency",
    "common:intent.human",
    "common:operator.joined",
    "common:waiting",
    "common:waiting_short",
    "common:danger_check.urgent",
    "gotout:left.question",
    "gotout:where.question",
    "gotout:handoff",
    "privacy:tips",
    "privacy:duress_word.question",
    "privacy:exit_word.question",
    "privacy:code.show",
    "common:quick_exit.reply",
    "reattach:question",
  ];

  it.each(PREVIEWED)(
    "%s reveals nothing in its first 120 characters, in either language",
    (key) => {
      for (const lng of bundle.texts.languages) {
        for (const priority of ["immediate_danger", "not_safe", "safe_for_now"]) {
          const chat = new Chat(bundle, lng);
          chat.say("halo");
          const s = chat.session as NonNullable<typeof chat.session>;
          const turn = new Turn(
            bundle,
            { ...s, reasons: [priority], code: "ABC2-EFGH-JKR" },
            {
              now: 0,
              ids: () => "X",
            },
          );
          const preview = turn.t(key).slice(0, 120);
          expect(preview, `${lng} ${key}`).not.toMatch(PURPOSE);
        }
      }
    },
  );
});

describe("duress word", () => {
  it("is answered as if nothing happened, while operators get a P1", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "command", name: "privacy" });
    chat.tap("duress_word");
    chat.say("mangga");
    chat.tap("done");
    chat.tap("help");
    const question = chat.text;
    chat.say("Mangga");
    expect(chat.of("escalate")[0]).toMatchObject({
      priority: "P1",
      reasons: expect.arrayContaining(["duress"]),
    });
    expect(chat.text).toBe(question);
  });
});

describe("check-ins", () => {
  it("are set by the person, sent at that time, and called off by any reply", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "command", name: "checkin" });
    chat.tap("h3");
    chat.tap("m30");
    expect(chat.of("schedule")[0]).toMatchObject({ job: "checkin" });
    expect(chat.text).toContain("3 jam");
    chat.send({ kind: "system", event: "checkin_due" });
    expect(chat.text).toBe("Halo 🙂 apa kabar hari ini?");
    expect(chat.of("schedule")[0]).toMatchObject({ job: "checkin_miss" });
    chat.say("aman");
    expect(chat.of("cancel")).toEqual([{ type: "cancel", job: "checkin_miss" }]);
    chat.send({ kind: "system", event: "checkin_missed" });
    expect(chat.of("escalate")).toHaveLength(0);
  });

  it("alert operators as P1 when the person does not answer, saying nothing to the phone", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "command", name: "checkin" });
    chat.tap("h1");
    chat.tap("m15");
    chat.send({ kind: "system", event: "checkin_due" });
    chat.send({ kind: "system", event: "checkin_missed" });
    expect(chat.of("escalate")[0]).toMatchObject({ priority: "P1", reasons: ["missed_check_in"] });
    expect(chat.of("reply")).toHaveLength(0);
  });

  it("can be called off", () => {
    const chat = new Chat(bundle, "id");
    chat.send({ kind: "command", name: "checkin" });
    chat.tap("h1");
    chat.tap("m15");
    chat.send({ kind: "command", name: "checkin" });
    chat.tap("cancel");
    expect(chat.of("cancel").map((c) => c.job)).toEqual(["checkin", "checkin_miss"]);
    expect(chat.session?.checkin).toBeUndefined();
  });
});

describe("case code", () => {
  it("is given to a person in danger with their handoff, with where to keep it", () => {
    const chat = helpStarted();
    for (const t of ["anytime", "_skip", "none", "have", "no", "_skip"]) chat.tap(t);
    expect(chat.text).toContain("Simpan kode ini: ABC2-EFGH-JKR");
    expect(chat.text).toContain("Hafalkan, atau catat di tempat yang tidak diperiksa orang lain");
    expect(chat.of("escalate")[0]?.code).toBe("ABC2-EFGH-JKR");
  });

  it("says on WhatsApp, where nothing can be deleted, to delete it once noted", () => {
    const chat = helpStarted("en");
    for (const t of ["anytime", "_skip", "none", "have", "no", "_skip"]) chat.tap(t);
    const code = chat.of("reply").find((r) => r.text.includes("ABC2-EFGH-JKR"))?.text ?? "";
    expect(code).toContain("If you use WhatsApp, delete this message yourself");
  });

  it("comes with the person's own word, which goes to the case and is deleted from the chat at once", () => {
    const chat = helpStarted();
    for (const t of ["anytime", "_skip", "none", "have", "no"]) chat.tap(t);
    expect(chat.at).toBe("help.keep_word");
    chat.send({ kind: "text", text: "Melati Biru", origin: "77" });
    const withWord = chat.of("escalate").filter((e) => e.word !== undefined);
    expect(withWord).toEqual([
      expect.objectContaining({ code: "ABC2-EFGH-JKR", word: "melati biru" }),
    ]);
    // The message with the word goes at the first tidy, not after the person's delay.
    expect(chat.of("tidy")[0]).toEqual({ type: "tidy", afterMs: 0, origin: "77" });
    expect(JSON.stringify(chat.session)).not.toContain("melati");
    expect(chat.text).toContain("Simpan kode ini: ABC2-EFGH-JKR");
  });

  it("typing 'lewati' at the word question skips it: it never becomes the word", () => {
    const chat = helpStarted();
    for (const t of ["anytime", "_skip", "none", "have", "no"]) chat.tap(t);
    chat.say("lewati");
    expect(chat.all.some((e) => e.type === "escalate" && e.word !== undefined)).toBe(false);
    expect(chat.text).toContain("Simpan kode ini");
  });

  it.each([
    ["the command", { kind: "command" as const, name: "kode" }],
    ["the command typed as a message (WhatsApp)", { kind: "text" as const, text: "/kode" }],
    ["the English command", { kind: "command" as const, name: "code" }],
  ])(
    "can be asked for again from the same account with %s, and the question comes back",
    (_how, ask) => {
      const chat = helpStarted();
      for (const t of ["anytime", "_skip", "none", "have", "no"]) chat.tap(t);
      chat.say("halo");
      chat.send(ask);
      expect(chat.text).toMatch(/^Kodemu: ABC2-EFGH-JKR/);
      expect(chat.of("tidy")).toHaveLength(1);
    },
  );

  it("is shown from the menu too, and someone without one is told how they get one", () => {
    const chat = new Chat(bundle, "id");
    chat.say("halo");
    chat.tap("other");
    chat.say("kode saya");
    expect(chat.text).toContain("Kamu belum punya kode");
    expect(chat.at).toBe("welcome.menu");
  });

  it("typed from another account, asks for the person's word, then waits for operators with neutral words", () => {
    const chat = new Chat(bundle, "id");
    chat.say("abc2 efgh jkr");
    expect(chat.at).toBe("reattach.question");
    chat.say("melati biru");
    expect(chat.of("reattach")).toEqual([
      { type: "reattach", code: "ABC2-EFGH-JKR", answer: "melati biru" },
    ]);
    // The word is checked once and kept nowhere in the conversation.
    expect(JSON.stringify(chat.session)).not.toContain("melati");
    chat.send({ kind: "system", event: "reattach_pending" });
    expect(chat.session?.caseRef).toBeUndefined();
    expect(chat.text).toContain("Tim kami akan memeriksanya dulu");
    // Until operators confirm, nothing is passed on and the words stay neutral.
    chat.say("halo? ada yang bisa bantu?");
    expect(chat.of("relay")).toEqual([]);
    expect(chat.text).toBe(
      "Kami masih memeriksanya. Kamu akan dapat kabar di sini. Kalau darurat, ketik SOS.",
    );
    chat.send({ kind: "system", event: "relinked", caseRef: "CASE-9", claimed: true });
    expect(chat.session).toMatchObject({ caseRef: "CASE-9", mode: "operator" });
    expect(chat.text).toContain("tersambung lagi");
    chat.say("saya di hotel sekarang");
    expect(chat.of("relay")).toHaveLength(1);
  });

  it("refused by operators: the new account is told in neutral words and holds nothing", () => {
    const chat = new Chat(bundle, "id");
    chat.say("ABC2-EFGH-JKR");
    chat.say("Poipet");
    chat.send({ kind: "system", event: "reattach_pending" });
    chat.send({ kind: "system", event: "relink_refused" });
    expect(chat.text).toBe(
      "Maaf, kami belum bisa memastikannya. Kalau perlu bantuan, ketik petugas. Kalau darurat, ketik SOS.",
    );
    expect(chat.session?.relinking).toBeUndefined();
    expect(chat.session?.caseRef).toBeUndefined();
  });

  it("is recognised with doubled letters, as sent, typed in lower case, spaced out or with look-alikes", () => {
    for (const [typed, code] of [
      ["KKQ2-MMPA-004", "KKQ2-MMPA-004"],
      ["kkq2 mmpa 004.", "KKQ2-MMPA-004"],
      ["KKQ2MMPAOO4", "KKQ2-MMPA-004"],
      ["7QX9-M2PA-KDC", "7QX9-M2PA-KDC"],
      // The earlier, longer codes still work for whoever holds one.
      ["KKQ2-MMPA-0000-WWTQ", "KKQ2-MMPA-0000-WWTQ"],
      ["kkq2 mmpa oooo wwtq", "KKQ2-MMPA-0000-WWTQ"],
    ]) {
      const chat = new Chat(bundle, "id");
      chat.say(typed as string);
      expect(chat.at, typed).toBe("reattach.question");
      chat.say("Poipet");
      expect(chat.of("reattach")[0]?.code).toBe(code);
    }
  });

  it("typed first from a new account, keeps the account's language whatever letters it has", () => {
    for (let i = 0; i < 200; i++) {
      const code = newCaseCode();
      const chat = new Chat(bundle, "id");
      chat.say(code);
      expect(chat.session?.lang).toBe("id");
    }
  });

  it.each([
    "saya butuh bantuan",
    "halo selamat siang",
    "we are trapped here",
    "abcdefghjkmnpqrs",
    "kamu lagi apa",
    "saya lagi main hape",
    "aku mau ke KBRI",
    "7QX9M-2PAKD",
    "ABC2-EFGH-JKS",
    "ABC2-EFHG-JKR",
    "ABC1-EFGH-JKMN-PQR1",
    "ABC1-EFGH-JKNM-PQR0",
  ])("is never read from words, a report number or a code with a wrong character: %j", (typed) => {
    const chat = new Chat(bundle, "id");
    chat.say(typed);
    expect(chat.at).not.toBe("reattach.question");
    expect(chat.session?.pendingCode).toBeUndefined();
  });

  it("gives up after three failed attempts", () => {
    const chat = new Chat(bundle, "id");
    for (let i = 0; i < 3; i++) {
      chat.say("ABC2-EFGH-JKR");
      chat.say("Bavet");
      chat.send({ kind: "system", event: "reattach_failed" });
      expect(chat.text).toContain("tidak cocok");
    }
    chat.say("ABC2-EFGH-JKR");
    expect(chat.at).not.toBe("reattach.question");
  });
});

describe("one open case per account", () => {
  it("a quick exit does not let the same account open a second case", () => {
    const chat = new Chat(bundle, "id");
    chat.say("SOS tolong");
    const [first] = chat.of("escalate");
    chat.say("cuaca");
    expect(chat.of("wipe")).toEqual([{ type: "wipe", caseRef: first?.caseRef }]);
    chat.say("SOS tolong, mereka datang");
    expect(chat.of("escalate").map((e) => e.caseRef)).toEqual([first?.caseRef]);
  });

  it("after a quick exit with an operator on the case, their joining says nothing to the phone", () => {
    const chat = new Chat(bundle, "id");
    chat.say("SOS tolong");
    chat.say("cuaca");
    chat.send({ kind: "operator", event: "joined" });
    expect(chat.of("reply")).toEqual([]);
    expect(chat.session?.mode).toBe("operator");
    chat.say("halo");
    expect(chat.of("relay")).toHaveLength(1);
    expect(chat.session?.leftQuickly).toBeUndefined();
  });
});

describe("limits survive a quick exit", () => {
  it("a quick exit resets neither the case-code tries nor the flood limit", () => {
    const chat = new Chat(bundle, "id");
    for (let i = 0; i < 3; i++) {
      chat.say("ABC1-EFGH-JKMN-PQR0");
      chat.say("Bavet");
      chat.send({ kind: "system", event: "reattach_failed" });
    }
    chat.say("cuaca");
    expect(chat.of("wipe")).toHaveLength(1);
    chat.say("ABC1-EFGH-JKMN-PQR0");
    expect(chat.at).not.toBe("reattach.question");

    const flood = new Chat(bundle, "id");
    flood.tickMs = 1000;
    for (let i = 0; i < 21; i++) flood.send({ kind: "text", text: `pesan ${i}` });
    flood.say("cuaca");
    // The quick exit goes through even in a flood, and the flood limit still holds after.
    expect(flood.of("wipe")).toHaveLength(1);
    flood.say("lagi");
    expect(flood.last).toEqual([]);
  });
});

describe("a flood of messages", () => {
  it("is slowed kindly once, and emergency words still go through", () => {
    const chat = new Chat(bundle, "id");
    chat.tickMs = 1000;
    for (let i = 0; i < 20; i++) chat.send({ kind: "text", text: `pesan ${i}` });
    chat.say("lagi");
    expect(chat.text).toContain("Tunggu sebentar");
    chat.say("lagi lagi");
    expect(chat.last).toEqual([]);
    chat.say("SOS");
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
  });
});
