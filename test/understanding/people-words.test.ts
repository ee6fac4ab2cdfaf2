/**
 * What people write, the way they write it, through the real engine: every row of the
 * table in the issue "Understand what people write", in both languages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

/** A conversation already at `step` (by tapping through), in `lang`. */
function chatAt(step: string, lang = "id"): Chat {
  const chat = new Chat(bundle, lang);
  chat.say("halo");
  const taps: Record<string, string[]> = {
    "welcome.menu": [],
    "help.place": ["help", "unsafe"],
    "help.people": ["help", "unsafe", "_unknown", "other", "anytime"],
    "help.injuries": ["help", "unsafe", "_unknown", "other", "anytime", "_skip"],
    "help.safe_time": ["help", "unsafe", "_unknown", "other", "sometimes"],
    "family.name": ["family", "parent"],
    "family.danger_now": ["family", "parent"],
    "gotout.needs": ["gotout", "yes", "lodging", "_unknown", "other", "passport"],
  };
  for (const t of taps[step] ?? []) chat.tap(t);
  if (step === "family.danger_now") {
    chat.say("Siti");
    chat.tap("_skip");
    chat.tap("_skip");
    chat.tap("_skip");
    chat.say("Poipet");
    chat.tap("_skip");
    chat.tap("agent");
  }
  expect(chat.at).toBe(step);
  return chat;
}

describe("danger in a sentence raises P1 at once, whatever the step", () => {
  it.each([
    ["tolong sy di pukul bos, gak bisa keluar", ["beaten", "locked_in"]],
    ["tlg sy dipukulin bos, hp mau diambil", ["beaten"]],
    ["help me please I am locked in", ["locked_in"]],
    ["they beat us every day", ["beaten"]],
    ["aku disekap", ["locked_in"]],
    ["kami mau dijual", ["sold"]],
    ["we are trapped here", ["locked_in"]],
  ])("as a first message: %j", (text, reasons) => {
    const chat = new Chat(bundle);
    chat.say(text);
    const [escalation] = chat.of("escalate");
    expect(escalation?.priority).toBe("P1");
    expect(escalation?.reasons).toEqual(expect.arrayContaining(reasons));
    expect(chat.at).toBe("help.place");
  });

  it("at the menu, in the person's own words", () => {
    const chat = chatAt("welcome.menu");
    chat.say("tolong sy di pukul bos, gak bisa keluar");
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
    expect(chat.at).toBe("help.place");
  });

  it.each([
    ["id", "aku dipukul lagi"],
    ["en", "they hit me again"],
  ])("while asked where they are (%s): P1 on the open case, the question kept", (lang, text) => {
    const chat = chatAt("help.place", lang);
    chat.say(text);
    const [escalation] = chat.of("escalate");
    expect(escalation?.priority).toBe("P1");
    expect(escalation?.reasons).toContain("beaten");
    expect(chat.at).toBe("help.place");
    expect(chat.text).not.toMatch(/belum menemukan|could not find/);
  });

  it.each([
    "saya tidak dalam bahaya",
    "gak ada yang bahaya kok",
    "tolong jelaskan",
    "tolong ulangi",
    "tolong kirim nomor KBRI",
    "I am not in danger",
    "can you help me with the embassy address",
  ])("but not %j", (text) => {
    const chat = chatAt("welcome.menu");
    chat.say(text);
    expect(chat.of("escalate")).toEqual([]);
  });

  it("asks one short question when unsure ('tolong pak'), and P1 follows a yes", () => {
    const chat = new Chat(bundle, "id");
    chat.say("tolong pak");
    expect(chat.of("escalate")).toEqual([]);
    expect(chat.question()?.stepRef).toBe("help.safety");
    chat.tap("danger");
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
  });
});

describe("a question asked where a typed answer is expected", () => {
  it("is answered, and is never taken as the answer", () => {
    const chat = chatAt("family.name");
    chat.say("berapa biaya pulangnya?");
    expect(chat.session?.answers.name).toBeUndefined();
    expect(chat.at).toBe("family.name");
    expect(chat.text).toMatch(/SPLP/);
  });
});

describe("what operators need reaches them when it is known", () => {
  it("a place given after the escalation updates the open case at once", () => {
    const chat = new Chat(bundle);
    chat.say("tolong sy di pukul bos, gak bisa keluar");
    expect(chat.of("escalate")[0]?.summary.place).toBeUndefined();
    chat.say("poipet");
    const [update] = chat.of("escalate");
    expect(update?.summary.place).toMatchObject({ country: "KH", id: "poipet" });
    expect(update?.priority).toBe("P1");
  });
});

describe("ordinary words are never a case code", () => {
  it.each([
    ["saya butuh bantuan", "help.safety"],
    ["halo selamat siang", "welcome.menu"],
  ])("%j is understood as what it says", (text, at) => {
    const chat = new Chat(bundle);
    chat.say(text);
    expect(chat.at).toBe(at);
    expect(chat.session?.pendingCode).toBeUndefined();
  });
});

describe("a family's words are about their relative", () => {
  it.each([["Ya, dalam bahaya"], ["iya, dia bilang dipukul kalau ga dapat target"]])(
    "%j at 'in danger now?' chooses yes, files the report at P1, and the family stays",
    (text) => {
      const chat = chatAt("family.danger_now");
      chat.say(text);
      expect(chat.session?.answers.danger_now).toBe("yes");
      expect(chat.at).toBe("family.reporter_contact");
      expect(chat.text).not.toContain("Jaga dirimu");
      chat.say("+62 812 3456 7890");
      const [report] = chat.of("report");
      expect(report?.priority).toBe("P1");
      expect(report?.reasons).toContain("relative_in_danger");
    },
  );

  it("'tolong pak' in the report moves nobody and is never the answer", () => {
    const chat = chatAt("family.name");
    chat.say("tolong pak");
    expect(chat.at).toBe("family.name");
    expect(chat.session?.answers.name).toBeUndefined();
    expect(chat.of("escalate")).toEqual([]);
  });
});

describe("the first message counts", () => {
  it("a mother's first message opens the report, with the country already known", () => {
    const chat = new Chat(bundle);
    chat.say("anak saya hilang kontak sudah 2 bulan di kamboja");
    expect(chat.session?.lang).toBe("id");
    expect(chat.session?.flow).toBe("family");
    // "anak saya": she is the parent; that question is not asked.
    expect(chat.at).toBe("family.name");
    chat.say("Budi Santoso");
    for (const tap of ["_skip", "_skip"]) chat.tap(tap);
    chat.say("2 bulan lalu");
    // Where he was: confirmed in one line, not asked again as if unheard.
    expect(chat.text).toContain("Kamboja, betul?");
    chat.tap("_yes");
    expect(chat.at).toBe("family.employer");
  });

  it("someone who got out: Poipet and the held passport are kept, not asked again", () => {
    const chat = new Chat(bundle);
    chat.say("sy udah kabur dr kantor, skrg di hotel di poipet. paspor masih ditahan");
    expect(chat.session?.flow).toBe("gotout");
    expect(chat.text).toContain("Poipet, Kamboja, betul?");
    chat.say("iya betul");
    // Hotel (lodging) and the passport held were said: next is what they need.
    expect(chat.at).toBe("gotout.needs");
    expect(chat.session?.answers).toMatchObject({ where_now: "lodging", documents: "held" });
    expect(chat.session?.reasons).toContain("passport_held");
  });

  it("in English too", () => {
    const chat = new Chat(bundle);
    chat.say("my son lost contact 2 months ago in cambodia");
    expect(chat.session?.lang).toBe("en");
    expect(chat.session?.flow).toBe("family");
    expect(chat.at).toBe("family.name");
  });
});

describe("answers in the person's own words", () => {
  it("an injury described in a sentence is 'hurt', and the words are kept as the detail", () => {
    const chat = chatAt("help.injuries");
    chat.say("sy luka kepala sama tangan");
    expect(chat.session?.answers.injuries).toBe("hurt");
    expect(chat.session?.answers.injuries_detail).toBe("sy luka kepala sama tangan");
    expect(chat.at).toBe("help.passport");
  });

  it.each(["gak tau", "gk tau", "nggak tau", "no idea"])(
    "%j at a place question means 'I don't know'",
    (text) => {
      const chat = chatAt("help.place");
      chat.say(text);
      // Not knowing the place asks the country (with buttons), not the place again.
      expect(chat.at).toBe("help.country");
    },
  );

  it.each([
    ["sendiri", 1],
    ["cuma aku", 1],
    ["kami berdua", 2],
    ["kami ber 5", 5],
    ["lima belas orang", 15],
    ["just me", 1],
    ["twenty three", 23],
  ])("%j at 'how many people' is %i", (text, n) => {
    const chat = chatAt("help.people");
    chat.say(text);
    expect(chat.session?.answers.people).toBe(n);
  });

  it.each(["ga perlu", "tidak perlu", "nothing"])("%j at 'what do you need' is none", (text) => {
    const chat = chatAt("gotout.needs");
    chat.say(text);
    expect(chat.session?.answers.needs ?? "none").toBe("none");
    expect(chat.at).not.toBe("gotout.needs");
  });

  it("'ga perlu' skips an optional question", () => {
    const chat = chatAt("help.safe_time");
    chat.say("ga perlu");
    expect(chat.at).toBe("help.people");
  });
});

describe("everyday words are never taken for places", () => {
  it("'tidak aman' answers the safety question; no place is noted (not Ajman)", () => {
    const chat = new Chat(bundle, "id");
    chat.say("saya butuh bantuan");
    chat.say("tidak aman");
    expect(chat.session?.answers.safety).toBe("unsafe");
    expect(chat.session?.place).toBeUndefined();
    expect(chat.text).toContain("Kamu ada di mana sekarang?");
  });

  it.each(["saya stres", "saya dari palu", "di kampung"])(
    "%j at the place question is not a place abroad",
    (text) => {
      const chat = chatAt("help.place");
      chat.say(text);
      expect(chat.session?.place?.country).toBeUndefined();
    },
  );
});

describe("bad input gets a kind answer and the conversation goes on", () => {
  it.each([
    ["emoji only", "🙏😭"],
    ["numbers only", "1234567890"],
    ["zero-width and soft hyphens", "\u200b\u00ad\u200b"],
    ["mixed scripts", "សួស្តី สวัสดี привет"],
    ["10,000 characters", "a".repeat(10_000)],
  ])("%s", (_kind, text) => {
    const chat = chatAt("welcome.menu");
    chat.say(text);
    expect(chat.text.length).toBeGreaterThan(0);
    expect(chat.text.length).toBeLessThan(500);
    expect(chat.of("escalate")).toEqual([]);
    expect(chat.at).toBe("welcome.menu");
  });

  it.each([
    ["hidden among emoji", "😭😭 tolooong 🙏 aku disekap 😭"],
    ["with a Cyrillic o", "tоlong, aku disekap"],
    ["with zero-width spaces", "di\u200bse\u200bkap, to\u200blong"],
    ["spelled out", "S.O.S"],
    ["spaced out", "s o s"],
  ])("danger words %s are still found", (_kind, text) => {
    const chat = chatAt("welcome.menu");
    chat.say(text);
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
  });
});
