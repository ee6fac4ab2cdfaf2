/**
 * Words that always work, at any step, in both languages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

function atMenu(lang = "id"): Chat {
  const chat = new Chat(bundle, lang);
  chat.say("halo");
  return chat;
}

/** A family member part-way through the report: name asked. */
function inFamilyFlow(): Chat {
  const chat = atMenu();
  chat.tap("family");
  chat.tap("parent");
  expect(chat.at).toBe("family.name");
  return chat;
}

describe("emergency words", () => {
  it.each([
    "tolong",
    "TOLOOONG",
    "tolng",
    "Tolong saya!!",
    "darurat",
    "Darurát",
    "bahaya",
    "SOS",
    "sos 🆘",
    "help",
    "Help me",
    "emergency",
    "emergncy",
  ])("%j escalates P1 at once, from any step of the person's own flows", (word) => {
    const chat = atMenu();
    chat.tap("gotout");
    chat.tap("yes");
    chat.tap("lodging");
    expect(chat.at).toBe("gotout.place");
    chat.say(word);
    const [escalation] = chat.of("escalate");
    expect(escalation?.priority).toBe("P1");
    expect(escalation?.reasons).toContain("emergency_word");
  });

  it.each(["bahaya", "SOS", "tolong, anak saya dipukuli", "help, they beat him"])(
    "%j in a family's report raises the report's priority; the family stays in the report",
    (words) => {
      const chat = inFamilyFlow();
      chat.say(words);
      expect(chat.of("escalate")).toEqual([]);
      expect(chat.at?.startsWith("family.")).toBe(true);
      expect(chat.session?.reasons).toContain("relative_in_danger");
    },
  );

  it("'tolong pak' in a family's report raises nothing and is not taken as a name", () => {
    const chat = inFamilyFlow();
    chat.say("tolong pak");
    expect(chat.session?.reasons).not.toContain("relative_in_danger");
    expect(chat.at).toBe("family.name");
  });

  it("tells the person their hotline when we know where they are", () => {
    const chat = atMenu("en");
    chat.tap("help");
    chat.tap("unsafe");
    chat.say("Poipet");
    chat.say("help");
    expect(chat.text).toContain("+855 12 813 282");
    expect(chat.at).toBe("help.phone");
  });

  it("asks where the person is when they start with it", () => {
    const chat = new Chat(bundle, "id");
    chat.say("tolong");
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
    expect(chat.at).toBe("help.place");
  });

  it.each([
    "hello",
    "helo",
    "tidak dalam bahaya",
    "saya tidak bahaya",
    "I would like some help with my passport please",
  ])("%j is not an emergency", (text) => {
    const chat = atMenu("en");
    chat.say(text);
    expect(chat.of("escalate")).toHaveLength(0);
  });
});

describe("talk to a human", () => {
  it.each(["petugas", "/human", "talk to a person", "operator"])("%j asks for a person", (text) => {
    const chat = inFamilyFlow();
    chat.say(text);
    expect(chat.of("escalate")[0]?.reasons).toContain("asked_for_human");
    expect(chat.text).toContain("Seseorang dari tim kami");
    expect(chat.at).toBe("family.name");
  });

  it("does not take a typed answer that only contains the word", () => {
    const chat = inFamilyFlow();
    chat.say("Operator Budi");
    expect(chat.of("escalate")).toHaveLength(0);
    expect(chat.at).toBe("family.age");
  });
});

describe("change language", () => {
  it("asks again and comes back to the same question in the new language", () => {
    const chat = inFamilyFlow();
    chat.say("ganti bahasa");
    expect(chat.at).toBe("welcome.language");
    chat.tap("en");
    expect(chat.session?.lang).toBe("en");
    expect(chat.at).toBe("family.name");
    expect(chat.text).toContain("What is their full name?");
  });
});

describe("menu", () => {
  it.each(["menu", "Menu utama", "/menu"])(
    "%j goes back to the menu and forgets the answers",
    (text) => {
      const chat = inFamilyFlow();
      chat.say(text);
      expect(chat.at).toBe("welcome.menu");
      expect(chat.session?.answers).toEqual({});
    },
  );
});

describe("erase my data", () => {
  it("asks to confirm, then erases everything but the language", () => {
    const chat = inFamilyFlow();
    chat.say("Budi");
    chat.say("hapus data saya");
    expect(chat.at).toBe("erase.confirm");
    expect(chat.of("erase")).toHaveLength(0);
    chat.tap("yes");
    expect(chat.of("erase")).toHaveLength(1);
    expect(chat.text).toContain("Data percakapan ini sudah dihapus");
    expect(chat.session).toMatchObject({ lang: "id", answers: {}, reasons: [] });
    expect(chat.session?.at).toBeUndefined();
    expect(JSON.stringify(chat.session)).not.toContain("Budi");
  });

  it("goes back to the same question when the person changes their mind", () => {
    const chat = inFamilyFlow();
    chat.say("/erase");
    chat.say("jangan");
    expect(chat.of("erase")).toHaveLength(0);
    expect(chat.at).toBe("family.name");
  });

  it("is not triggered by 'jangan hapus'", () => {
    const chat = atMenu();
    chat.say("jangan hapus");
    expect(chat.at).not.toBe("erase.confirm");
  });
});

describe("stop", () => {
  it.each(["stop", "berhenti", "STOP"])("%j ends the conversation quietly", (text) => {
    const chat = inFamilyFlow();
    chat.say(text);
    expect(chat.of("end")).toHaveLength(1);
    expect(chat.at).toBeUndefined();
    chat.say("halo lagi");
    expect(chat.at).toBe("welcome.menu");
  });
});

describe("danger words in free text", () => {
  it.each([
    ["kami dipukuli setiap hari", "beaten"],
    ["they electrocuted him", "electrocuted"],
    ["mau dijual ke perusahaan lain", "sold"],
    ["kami disekap di lantai 5", "locked_in"],
    ["ada anak-anak di sini", "children"],
    ["we are being moved tomorrow", "being_moved"],
    ["teman saya demam tinggi", "sick"],
  ])("%j raises %s", (text, reason) => {
    const chat = atMenu();
    chat.tap("help");
    chat.tap("unsafe");
    chat.say(text);
    expect(chat.session?.reasons).toContain(reason);
  });

  it("updates an open case when a danger word arrives later", () => {
    const chat = atMenu();
    chat.tap("help");
    chat.tap("danger");
    expect(chat.of("escalate")[0]?.priority).toBe("P1");
    chat.say("Poipet");
    chat.tap("sometimes");
    chat.say("mereka disetrum");
    expect(chat.of("escalate")[0]?.reasons).toContain("electrocuted");
  });
});

describe("channel commands", () => {
  it("/help explains what we do and shows the menu, and is not an emergency", () => {
    const chat = inFamilyFlow();
    chat.send({ kind: "command", name: "help" });
    expect(chat.of("escalate")).toHaveLength(0);
    expect(chat.text).toContain("Halo 👋 Ini Pulang.");
    expect(chat.at).toBe("welcome.menu");
  });

  it.each([
    ["human", "family.name"],
    ["language", "welcome.language"],
    ["erase", "erase.confirm"],
    ["menu", "welcome.menu"],
  ])("/%s does what its word does", (name, at) => {
    const chat = inFamilyFlow();
    chat.send({ kind: "command", name });
    expect(chat.at).toBe(at);
  });

  it("an unknown command is answered kindly at the open question", () => {
    const chat = inFamilyFlow();
    chat.send({ kind: "command", name: "settings" });
    expect(chat.at).toBe("family.name");
    expect(chat.text).toContain("Silakan ketik jawabannya");
  });
});
