/**
 * Operators taking the conversation over and giving it back, as the person sees it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

/** A person in Poipet who escalated and is waiting at the phone question. */
function waitingAtPhone(): Chat {
  const chat = new Chat(bundle, "id");
  chat.say("halo");
  chat.tap("help");
  chat.tap("danger");
  chat.say("Poipet");
  expect(chat.at).toBe("help.phone");
  return chat;
}

describe("operator takeover", () => {
  it("tells the person a human joined, then the bot stays silent and relays", () => {
    const chat = waitingAtPhone();
    chat.send({ kind: "operator", event: "joined" });
    expect(chat.text).toContain("Halo, saya di sini. Mulai sekarang yang membalas adalah orang");
    chat.say("SOS");
    expect(chat.of("relay")).toHaveLength(1);
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
    chat.say("tolong cepat, mereka datang ke lantai 3");
    expect(chat.of("relay")).toHaveLength(1);
    expect(chat.of("reply")).toHaveLength(0);
  });

  it("still erases on request while a human has the chat", () => {
    const chat = waitingAtPhone();
    chat.send({ kind: "operator", event: "joined" });
    chat.say("hapus data saya");
    expect(chat.at).toBe("erase.confirm");
    chat.tap("yes");
    expect(chat.of("erase")).toHaveLength(1);
  });

  it("hands back to the bot at the question the person had reached", () => {
    const chat = waitingAtPhone();
    chat.send({ kind: "operator", event: "joined" });
    chat.send({ kind: "operator", event: "left" });
    expect(chat.text).toContain("Sekarang layanan otomatis lagi yang membalas");
    expect(chat.at).toBe("help.phone");
    chat.tap("anytime");
    expect(chat.at).toBe("help.people");
  });

  it("passes an operator's words on as a discreet reply, and stays where it was", () => {
    const chat = waitingAtPhone();
    chat.send({ kind: "operator", event: "joined" });
    const before = chat.session;
    chat.send({ kind: "operator", event: "message", text: "Halo, saya Dewi. Kamu aman?" });
    expect(chat.of("reply")).toEqual([
      {
        type: "reply",
        text: "Halo, saya Dewi. Kamu aman?",
        silent: true,
        quickExit: { label: expect.any(String) },
      },
    ]);
    expect(chat.of("tidy")).toEqual([{ type: "tidy", afterMs: 30 * 60_000 }]);
    expect(chat.session?.mode).toBe(before?.mode);
    expect(chat.session?.heard).toBe(before?.heard);
  });

  it("sends the embassy steps for where the person is when an operator asks", () => {
    const chat = waitingAtPhone();
    chat.send({ kind: "operator", event: "steps" });
    expect(chat.text).toContain("+855 12 813 282");
    expect(chat.text).toContain("Street 268");
  });

  it("gives a waiting person their hotline with the handoff, then acknowledges in a line", () => {
    const chat = waitingAtPhone();
    for (const t of ["anytime", "_skip", "none", "have"]) chat.tap(t);
    chat.tap("no");
    expect(chat.text).toContain("+855 12 813 282");
    expect(chat.text).toContain("117");
    chat.tap("_skip");
    expect(chat.text).toContain("Kami berusaha membalas dalam 2 menit");
    expect(chat.session?.waiting).toBe(true);
    chat.say("halo?");
    expect(chat.of("relay")).toHaveLength(1);
    expect(chat.text).not.toContain("+855 12 813 282");
  });

  it("tells someone waiting without having heard how long it takes, once, with their hotline", () => {
    const chat = new Chat(bundle, "id");
    chat.say("ABC2-EFGH-JKR");
    chat.say("melati biru");
    chat.send({ kind: "system", event: "reattach_pending" });
    chat.send({ kind: "system", event: "relinked", caseRef: "CASE-9", claimed: false });
    chat.pin(13.65, 102.567);
    chat.say("halo?");
    expect(chat.text).toContain("Pesanmu sudah kami teruskan ke tim");
    expect(chat.text).toContain("jangan tunggu kami");
    expect(chat.text).toContain("+855 12 813 282");
    chat.say("halo??");
    expect(chat.text).toBe("Terima kasih, sudah kami teruskan. Ketik SOS kalau darurat.");
  });

  it("after a close, the next message is the bot's again", () => {
    const chat = waitingAtPhone();
    chat.send({ kind: "operator", event: "joined" });
    chat.send({ kind: "operator", event: "closed" });
    expect(chat.text).toContain("sudah ditutup");
    chat.say("halo");
    expect(chat.at).toBe("welcome.menu");
  });
});

describe("a case raised by the duress word", () => {
  it("is claimed and closed without a word to the phone that someone may be reading", () => {
    const chat = new Chat(bundle, "id");
    chat.say("halo");
    chat.tap("other");
    chat.tap("privacy");
    expect(chat.at?.startsWith("privacy.")).toBe(true);
    chat.session = {
      ...(chat.session as NonNullable<typeof chat.session>),
      safety: {
        ...(chat.session?.safety as NonNullable<typeof chat.session>["safety"]),
        duressWord: "kopi susu",
      },
    };
    chat.say("kopi susu");
    expect(chat.of("escalate")[0]?.reasons).toContain("duress");
    chat.send({ kind: "operator", event: "joined" });
    expect(chat.of("reply")).toEqual([]);
    chat.send({ kind: "operator", event: "closed" });
    expect(chat.of("reply")).toEqual([]);
  });
});
