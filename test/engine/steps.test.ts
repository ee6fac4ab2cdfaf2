/**
 * Table tests per step kind, on the real flows: what a person sends at a step, and
 * where the conversation goes and what it records.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

/** A conversation in `lang` that has reached `ref` by the shortest taps. */
function chatAt(ref: string, lang = "id"): Chat {
  const chat = new Chat(bundle, lang);
  chat.say("halo");
  const route: Record<string, string[]> = {
    "welcome.menu": [],
    "help.safety": ["help"],
    "help.place": ["help", "safe"],
    "help.country": ["help", "safe", "_unknown"],
    "help.phone": ["help", "safe", "_unknown", "other"],
    "help.people": ["help", "safe", "_unknown", "other", "anytime"],
    "help.injuries": ["help", "safe", "_unknown", "other", "anytime", "_skip"],
    "family.age": ["family", "parent"],
  };
  for (const option of route[ref] ?? []) {
    if (ref === "family.age" && chat.at === "family.name") break;
    chat.tap(option);
  }
  if (ref === "family.age") chat.say("Budi");
  expect(chat.at).toBe(ref);
  return chat;
}

describe("choice steps", () => {
  it.each([
    ["a tap", (c: Chat) => c.tap("unsafe"), "not_safe"],
    ["the option's number", (c: Chat) => c.say("2"), "not_safe"],
    ["Indonesian words for it", (c: Chat) => c.say("saya tidak aman"), "not_safe"],
    ["English words for it", (c: Chat) => c.say("not safe"), "not_safe"],
    ["a typo", (c: Chat) => c.say("tidak amann"), "not_safe"],
    ["shouting", (c: Chat) => c.say("TIDAK AMAN!!"), "not_safe"],
    ["the other option's words", (c: Chat) => c.say("aman"), "safe_for_now"],
  ])("accepts %s", (_how, answer, reason) => {
    const chat = chatAt("help.safety");
    answer(chat);
    expect(chat.at).toBe("help.place");
    expect(chat.session?.reasons).toContain(reason);
  });

  it("asks again, kindly, when the answer means nothing", () => {
    const chat = chatAt("help.safety");
    chat.say("kucing");
    expect(chat.text).toContain("Maaf, kami belum menangkap maksudmu");
    expect(chat.text).toContain("1 sampai 3");
    expect(chat.at).toBe("help.safety");
    expect(chat.question()?.buttons?.map((b) => b.id)).toEqual(["danger", "unsafe", "safe"]);
  });

  it("offers a human after three answers it could not read", () => {
    const chat = chatAt("help.safety");
    chat.say("x");
    chat.say("y");
    expect(chat.text).not.toContain("petugas");
    chat.say("z");
    expect(chat.text).toContain("Ketik: petugas");
  });

  it("answers a tap on an old message without misreading it", () => {
    const chat = chatAt("help.phone");
    chat.send({ kind: "choice", stepRef: "help.safety", option: "danger" });
    expect(chat.text).toContain("pertanyaan sebelumnya");
    expect(chat.at).toBe("help.phone");
    expect(chat.session?.reasons).not.toContain("immediate_danger");
  });

  it("rejects a number beyond the options", () => {
    const chat = chatAt("help.safety");
    chat.say("7");
    expect(chat.at).toBe("help.safety");
    expect(chat.text).toContain("belum menangkap");
  });
});

describe("ask steps", () => {
  it.each([
    ["5", 5],
    ["5 orang", 5],
    ["kami 12", 12],
  ])("reads %j as %i people", (typed, expected) => {
    const chat = chatAt("help.people");
    chat.say(typed);
    expect(chat.session?.answers.people).toBe(expected);
    expect(chat.at).toBe("help.injuries");
  });

  it.each(["0", "99999", "banyak"])("asks again for %j with the allowed range", (typed) => {
    const chat = chatAt("help.people");
    chat.say(typed);
    expect(chat.at).toBe("help.people");
    expect(chat.text).toContain("dari 1 sampai 5000");
  });

  it.each([
    ["the Skip button", (c: Chat) => c.tap("_skip")],
    ["lewati", (c: Chat) => c.say("lewati")],
    ["a dash", (c: Chat) => c.say("-")],
    ["skip", (c: Chat) => c.say("Skip")],
  ])("lets an optional question be skipped with %s", (_how, skip) => {
    const chat = chatAt("help.people");
    skip(chat);
    expect(chat.at).toBe("help.injuries");
    expect(chat.session?.answers.people).toBeUndefined();
  });

  it("answers an emoji-only message with warmth, then asks again", () => {
    const chat = chatAt("family.age");
    chat.say("😭😭");
    expect(chat.at).toBe("family.age");
    expect(chat.text).toContain("Kami di sini");
    expect(chat.text).toContain("Berapa umurnya?");
  });

  it("keeps at most the allowed length of a very long answer", () => {
    const chat = chatAt("help.injuries");
    chat.tap("hurt");
    chat.say("x".repeat(10_000));
    expect(chat.at).toBe("help.passport");
    expect(String(chat.session?.answers.injuries_detail).length).toBe(300);
  });
});

describe("place steps", () => {
  it.each([
    ["Poipet", "KH"],
    ["poipet cambodia", "KH"],
    ["Sihanoukvile", "KH"],
    ["KK Park", "MM"],
    ["Kamboja", "KH"],
    ["Golden Triangle", "LA"],
    ["Mae Sot", "TH"],
  ])("finds %j in %s", (typed, country) => {
    const chat = chatAt("help.place");
    chat.say(typed);
    expect(chat.session?.place?.country).toBe(country);
    expect(chat.at).toBe("help.phone");
  });

  it("reads a shared pin near Poipet as Cambodia", () => {
    const chat = chatAt("help.place");
    chat.pin(13.65, 102.567);
    expect(chat.session?.place).toMatchObject({ country: "KH", lat: 13.65, lon: 102.567 });
  });

  it("asks again for a pin at sea", () => {
    const chat = chatAt("help.place");
    chat.pin(9.0, 102.5);
    expect(chat.text).toContain("di laut");
    expect(chat.at).toBe("help.place");
  });

  it("asks once more for an unknown place, then asks the country with buttons, keeping the words", () => {
    const chat = chatAt("help.place");
    chat.say("Xyzabad");
    expect(chat.at).toBe("help.place");
    expect(chat.text).toContain("belum menemukan tempat itu");
    chat.say("gedung biru dekat sungai");
    expect(chat.at).toBe("help.country");
    expect(chat.text).toContain("Di negara mana kamu sekarang?");
    expect(chat.question()?.buttons?.map((b) => b.label)).toEqual([
      "Kamboja",
      "Myanmar",
      "Laos",
      "Thailand",
      "Filipina",
      "Malaysia",
      "Lainnya / tidak tahu",
    ]);
    chat.tap("mm");
    expect(chat.at).toBe("help.phone");
    expect(chat.session?.place).toEqual({
      text: "gedung biru dekat sungai",
      country: "MM",
      via: "answer",
    });
  });

  it.each([["tidak tahu"], ["I don't know"]])("asks the country after %j", (typed) => {
    const chat = chatAt("help.place");
    chat.say(typed);
    expect(chat.at).toBe("help.country");
  });

  /** Someone who said how they are, then "I don't know" to where: the country question. */
  function atCountry(safety: string): Chat {
    const chat = new Chat(bundle, "id");
    chat.say("halo");
    chat.tap("help");
    chat.tap(safety);
    chat.tap("_unknown");
    expect(chat.at).toBe("help.country");
    return chat;
  }

  it("gives the mission's hotline for the country chosen, to someone not safe", () => {
    const chat = atCountry("unsafe");
    chat.say("2");
    expect(chat.text).toContain("KBRI Yangon");
    expect(chat.at).toBe("help.phone");
  });

  it("takes a country or a place typed at the country question", () => {
    for (const [typed, country, mission] of [
      ["Vietnam", "VN", "KBRI Hanoi"],
      ["poipet", "KH", "KBRI Phnom Penh"],
    ]) {
      const chat = atCountry("danger");
      chat.say(typed as string);
      expect(chat.session?.place?.country).toBe(country);
      expect(chat.text).toContain(mission);
    }
  });

  it("gives the national channels honestly to someone who does not know the country", () => {
    const chat = atCountry("unsafe");
    chat.say("tidak tahu");
    expect(chat.at).toBe("help.phone");
    expect(chat.session?.place).toBeUndefined();
    expect(chat.text).toContain("Layanan resmi Kemlu untuk WNI");
    expect(chat.text).toContain("+62 812 9007 0027");
  });
});

describe("language steps", () => {
  it("is skipped when the channel knows the language", () => {
    const chat = new Chat(bundle, "en");
    chat.say("hi");
    expect(chat.at).toBe("welcome.menu");
    expect(chat.text).toContain("How can we help?");
  });

  it("is asked, in both languages, when the language is unknown", () => {
    const chat = new Chat(bundle);
    chat.say("hi");
    expect(chat.at).toBe("welcome.language");
    expect(chat.text).toContain("Pilih bahasa");
    expect(chat.text).toContain("Choose your language");
  });

  it.each([
    ["en", "English"],
    ["id", "bahasa indonesia"],
  ])("sets %s from a typed %j", (lng, typed) => {
    const chat = new Chat(bundle);
    chat.say("hi");
    chat.say(typed);
    expect(chat.session?.lang).toBe(lng);
    expect(chat.at).toBe("welcome.menu");
  });

  it("escalates at once from its SOS button", () => {
    const chat = new Chat(bundle);
    chat.say("hi");
    chat.tap("_sos");
    expect(chat.of("escalate")[0]).toMatchObject({ priority: "P1", reasons: ["immediate_danger"] });
  });
});

describe("escalate and end steps", () => {
  it("hands the person to operators at the end of the help flow", () => {
    const chat = chatAt("help.injuries");
    chat.tap("none");
    chat.tap("held");
    chat.tap("no");
    chat.tap("_skip");
    const [escalation] = chat.of("escalate");
    expect(escalation).toMatchObject({
      priority: "P3",
      reasons: ["safe_for_now", "passport_held"],
    });
    expect(escalation?.summary.answers).toMatchObject({
      safety: "safe",
      passport: "held",
      consent: "no",
    });
    expect(chat.at).toBeUndefined();
    expect(chat.session?.waiting).toBe(true);
    expect(chat.session?.answers).toEqual({});
  });

  it("forwards what a waiting person writes to their case", () => {
    const chat = chatAt("help.injuries");
    chat.tap("none");
    chat.tap("held");
    chat.tap("no");
    chat.tap("_skip");
    chat.say("saya takut");
    expect(chat.of("relay")).toHaveLength(1);
    expect(chat.text).toBe("Terima kasih, sudah kami teruskan. Ketik SOS kalau darurat.");
  });
});

describe("waiting for a human", () => {
  /** Someone not safe in Poipet, through the help questions to the handoff. */
  function handedOff(safety = "unsafe", lang = "id"): Chat {
    const chat = new Chat(bundle, lang);
    chat.say("halo");
    chat.tap("help");
    chat.tap(safety);
    chat.say("Poipet");
    for (const t of ["anytime", "_skip", "none", "have", "no", "_skip"]) chat.tap(t);
    return chat;
  }

  it("is told at the handoff how long it usually takes, from the desk's limit for the priority", () => {
    expect(handedOff("unsafe").text).toContain("Kami berusaha membalas dalam 15 menit");
    expect(handedOff("safe").text).toContain("Kami berusaha membalas dalam 1 jam");
    expect(handedOff("danger").text).toContain("Kami berusaha membalas dalam 2 menit");
    expect(handedOff("safe", "en").text).toContain("We aim to reply within 1 hour");
  });

  it("follows the limits the helpline is configured with", () => {
    const chat = new Chat({ ...bundle, waitMinutes: { P1: 5, P2: 30, P3: 120 } }, "en");
    chat.say("hi");
    chat.tap("help");
    chat.tap("unsafe");
    expect(chat.at).toBe("help.place");
    chat.say("Poipet");
    for (const t of ["anytime", "_skip", "none", "have", "no", "_skip"]) chat.tap(t);
    expect(chat.text).toContain("We aim to reply within 30 minutes");
  });

  it("gets a short acknowledgement for later messages, not the contacts again", () => {
    const chat = handedOff();
    chat.say("halo?");
    expect(chat.text).toBe("Terima kasih, sudah kami teruskan. Ketik SOS kalau darurat.");
    chat.say("halo??");
    expect(chat.text).toBe("Terima kasih, sudah kami teruskan. Ketik SOS kalau darurat.");
    expect(chat.of("relay")).toHaveLength(1);
  });

  it("gets an answer to a question asked while waiting", () => {
    const chat = handedOff();
    chat.say("berapa lama lagi dibalas?");
    expect(chat.of("relay")).toHaveLength(1);
    expect(chat.text).toContain("Tim kami berusaha membalas dalam 15 menit");
  });
});
