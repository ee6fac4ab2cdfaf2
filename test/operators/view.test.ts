/**
 * What operators read: topic titles that never name anyone, cards with readable answers
 * that keep the person's numbers back unless they agreed, escaped HTML, and buttons whose
 * data fits Telegram's 64 bytes.
 */
import { describe, expect, it } from "vitest";
import type { EscalationInput } from "../../src/cases/store.js";
import { createCase } from "../../src/cases/transitions.js";
import { MAX_CALLBACK_BYTES } from "../../src/channels/telegram/callback-data.js";
import { decodeTap, encodeTap } from "../../src/operators/telegram/callback.js";
import { OperatorView, prettyId, topicLink } from "../../src/operators/telegram/view.js";
import { realBundle } from "../helpers/content.js";
import { T0 } from "./fixtures.js";

function view(lang = "en") {
  const bundle = realBundle();
  return new OperatorView({
    texts: bundle.texts,
    flows: bundle.flows,
    lang,
    chatId: -1001234567890,
    timeZone: "Asia/Jakarta",
    supervisorIds: ["2001"],
  });
}

function helpCase(
  answers: EscalationInput["summary"]["answers"],
  over: Partial<EscalationInput> = {},
) {
  return createCase({
    caseRef: "7QX9M-2PAKD",
    conversation: "tg:424242",
    channel: "tg",
    kind: "help",
    priority: "P1",
    reasons: ["immediate_danger", "beaten"],
    summary: {
      flow: "help",
      lang: "id",
      answers,
      place: {
        id: "kk_park",
        country: "MM",
        text: "dekat rumah Pak Anton <b>",
        lat: 16.6,
        lon: 98.5,
      },
      country: "MM",
      mission: "kbri_yangon",
    },
    lang: "id",
    now: T0,
    ...over,
  });
}

describe("topic titles", () => {
  it("show priority, case id and the area, never what the person typed", () => {
    const c = helpCase({ name: "Siti Rahma", safety: "danger" });
    expect(view().title(c)).toBe("🔴 P1 · 7QX9M-2PAKD · KK Park");
    expect(view().title(c)).not.toMatch(/Siti|Anton/);
  });

  it("fall back to the country, then to 'place unknown'", () => {
    const inCountry = helpCase({}, {});
    inCountry.summary.place = { country: "KH", text: "Pak Anton's house" };
    expect(view("id").title(inCountry)).toBe("🔴 P1 · 7QX9M-2PAKD · Kamboja");
    const nowhere = helpCase({});
    nowhere.summary.place = undefined;
    nowhere.summary.country = undefined;
    expect(view().title(nowhere)).toBe("🔴 P1 · 7QX9M-2PAKD · place unknown");
    expect(view().title({ ...nowhere, status: "closed" })).toMatch(/^✅ P1/);
  });

  it("read ids as names", () => {
    expect(prettyId("golden_triangle_sez")).toBe("Golden Triangle SEZ");
    expect(prettyId("kbri_phnom_penh")).toBe("KBRI Phnom Penh");
    expect(topicLink(-1001234567890, 42)).toBe("https://t.me/c/1234567890/42");
  });
});

describe("case cards", () => {
  it("label reasons and answers, in the operators' language", () => {
    const card = view().card(
      helpCase({ safety: "danger", passport: "held", people: 4 }),
      T0 + 4 * 60_000,
    );
    expect(card).toContain("<b>P1</b>");
    expect(card).toContain("<b>Reasons:</b> In danger now, Beaten");
    expect(card).toContain("Safety: 🔴 In danger now");
    expect(card).toContain("People with them: 4");
    expect(card).toContain("<b>Status:</b> Waiting for an operator");
    expect(card).toContain("<b>Waiting:</b> 4 min");
    expect(card).toContain("<b>Channel:</b> Telegram");
    expect(card).toContain("<b>Mission:</b> Indonesian Embassy in Yangon (KBRI)");
    expect(card).toContain("typed: dekat rumah Pak Anton &lt;b&gt;");
    const id = view("id").card(helpCase({ safety: "danger" }), T0);
    expect(id).toContain("Keamanan: 🔴 Bahaya sekarang");
    expect(id).toContain("Menunggu petugas");
  });

  it("keep the person's numbers back unless they agreed to share them", () => {
    const family = createCase({
      caseRef: "FAM01-AAAAA",
      conversation: "wa:+6281200000000",
      channel: "wa",
      kind: "family",
      priority: "P3",
      reasons: ["family_report"],
      summary: {
        flow: "family",
        lang: "id",
        answers: { phones: "+62 812 1111 2222", reporter_contact: "+62 813 3333 4444" },
      },
      lang: "id",
      now: T0,
    });
    const card = view().card(family, T0);
    expect(card).toContain("Reporter's contact: +62 813 3333 4444");
    expect(card).not.toContain("1111 2222");
    expect(card).toContain("hidden: may not be passed to the embassy");
    expect(card).toContain("<b>Channel:</b> WhatsApp");
    const agreed = view().card(
      {
        ...family,
        summary: { ...family.summary, answers: { ...family.summary.answers, consent: "yes" } },
      },
      T0,
    );
    expect(agreed).toContain("+62 812 1111 2222");
  });

  it("never show the confirming answer of a case code", () => {
    const card = view().card(helpCase({ reattach_answer: "nama ibu saya" }), T0);
    expect(card).not.toContain("nama ibu saya");
  });

  it("carry buttons only while the case is open", () => {
    const c = helpCase({});
    const data = view()
      .keyboard(c)
      ?.inline_keyboard.flat()
      .map((b) => ("callback_data" in b ? b.callback_data : ""));
    expect(data).toEqual([
      "o|claim|7QX9M-2PAKD",
      "o|release|7QX9M-2PAKD",
      "o|close|7QX9M-2PAKD",
      "o|steps|7QX9M-2PAKD",
      "o|handback|7QX9M-2PAKD",
    ]);
    expect(view().keyboard({ ...c, status: "closed" })).toBeUndefined();
  });
});

describe("button data", () => {
  it("round-trips and fits in 64 bytes", () => {
    const data = encodeTap("close", "7QX9M-2PAKD", "reached_embassy");
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(decodeTap(data)).toEqual({
      action: "close",
      caseId: "7QX9M-2PAKD",
      outcome: "reached_embassy",
    });
  });

  it.each([
    "c|help.safety|danger",
    "o|explode|X1",
    "o|claim|X1|safe",
    "o|close|X1|lost",
    "",
    undefined,
  ])("rejects data it did not make: %s", (data) => {
    expect(decodeTap(data)).toBeUndefined();
  });
});

describe("announcements", () => {
  it("get louder and mention supervisors at level 3", () => {
    const c = { ...helpCase({}), topic: 42 };
    const v = view();
    expect(v.overdue(c, 1, T0 + 3 * 60_000)).toMatch(
      /^⚠️ P1 case 7QX9M-2PAKD waiting 3 min — <a href="https:\/\/t.me\/c\/1234567890\/42">/,
    );
    expect(v.overdue(c, 2, T0)).toMatch(/^<b>⚠️⚠️/);
    expect(v.overdue(c, 5, T0)).toContain('<a href="tg://user?id=2001">2001</a>');
  });
});

describe("event lines", () => {
  it("asks to confirm a request from another account, saying whether the word was checked", () => {
    const asked = (word: boolean) =>
      view().eventLine(helpCase({}), { kind: "reattach_requested", channel: "wa", word });
    expect(asked(true)).toContain("secret word from another account (WhatsApp)");
    expect(asked(true)).toContain("Nothing reaches that account until you confirm");
    expect(asked(false)).toContain("The person chose no secret word");
  });

  it("says who confirmed the person's new account, and on which channel", () => {
    const line = view().eventLine(helpCase({}), { kind: "reattached", channel: "wa", by: "rina" });
    expect(line).toContain("rina confirmed it is the person");
    expect(line).toContain("WhatsApp");
  });

  it("says a case was closed for want of activity, not by whom", () => {
    const idle = { kind: "closed", by: "system", outcome: "no_response" } as const;
    expect(view().eventLine(helpCase({}), idle)).toBe(
      "✅ Closed automatically: no activity for a long time (No response).",
    );
    expect(view("id").eventLine(helpCase({}), idle)).toContain("Ditutup otomatis");
    const byOperator = { kind: "closed", by: "601", outcome: "safe" } as const;
    expect(view().eventLine(helpCase({}), byOperator)).toMatch(/^✅ 601 closed the case/);
  });

  it("says a message could not be delivered, with the platform's reason only", () => {
    const line = view("id").eventLine(helpCase({}), {
      kind: "delivery_failed",
      code: 131047,
      title: "Re-engagement message",
    });
    expect(line).toContain("tidak terkirim");
    expect(line).toContain("131047");
  });
});
