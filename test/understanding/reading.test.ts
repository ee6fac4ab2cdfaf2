/**
 * How the understanding layer reads text, piece by piece: cleaning, chat spelling, word
 * forms, phrases with gaps and exact spellings, negation, numbers and case codes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { caseCodeIn, withCheck } from "../../src/understanding/case-code.js";
import { cleanText } from "../../src/understanding/clean.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const read = (text: string) => bundle.understanding.read(text);

describe("cleaning", () => {
  it.each([
    ["TOLOOONG\u200B!!", "tolong!!"],
    ["tоlong", "tolong"], // a Cyrillic о
    ["ｔｏｌｏｎｇ", "tolong"], // full-width letters
    ["𝐓𝐎𝐋𝐎𝐎𝐎𝐍𝐆 🙏", "tolong 🙏"], // a "fancy font" (mathematical letters), stretched
    ["I’m lockeddd in!!!", "im locked in!!!"],
    ["Darurát", "darurat"],
    ["dipukul\u00adin", "dipukulin"], // a soft hyphen
    ["can\u2019t leave", "cant leave"],
    ["🆘", " sos "],
  ])("%j reads as %j", (raw, clean) => {
    expect(cleanText(raw)).toBe(clean);
  });

  it("cuts only after cleaning: padding with invisible characters costs nothing", () => {
    const padded = `${"\u200b".repeat(10_000)}tolong`;
    expect(cleanText(padded)).toBe("tolong");
  });
});

describe("chat spelling and word forms", () => {
  it.each([
    ["tlg sy dipukulin", "beaten"],
    ["aku di pukul", "beaten"],
    ["kami dikurungin", "locked_in"],
    ["anak2 disini", "children"],
    ["paspor sy masih ditahan bos", "passport_held"],
    ["electrocted again", "electrocuted"],
  ])("%j states %s", (text, fact) => {
    expect(read(text).facts).toContain(fact);
  });

  it.each([
    ["saya kerja jualan online", "sold"],
    ["pukul 10 malam saya bisa chat", "beaten"],
    ["di rumah sakit", "sick"],
    ["saya tenang kok", "beaten"],
    ["paspor ada di saya, tidak ditahan", "passport_held"],
  ])("%j does not state %s", (text, fact) => {
    expect(read(text).facts).not.toContain(fact);
  });
});

describe("negation and time", () => {
  it("a negation just before cancels; one inside a phrase does not negate what follows", () => {
    expect(read("saya tidak dipukul").danger).toBe("none");
    expect(read("gak bisa keluar, dipukul terus").reasons).toEqual(
      expect.arrayContaining(["locked_in", "beaten"]),
    );
  });

  it("danger in the past, once safe now, is not danger now", () => {
    expect(read("dulu pernah dipukul tapi sekarang sudah aman").danger).toBe("none");
  });
});

describe("numbers", () => {
  it.each([
    ["sendiri", 1],
    ["berdua", 2],
    ["kami ber 5", 5],
    ["lima belas", 15],
    ["dua puluh tujuh", 27],
    ["thirty two", 32],
  ])("%j is %i", (text, n) => {
    expect(read(text).number).toBe(n);
  });
});

describe("case codes", () => {
  const code = withCheck("ABC1EFGHJKMNPQR");

  it("are read back however typed, with look-alike letters forgiven", () => {
    expect(caseCodeIn(code)).toBe(code);
    expect(caseCodeIn(code.toLowerCase().replaceAll("-", " "))).toBe(code);
    expect(caseCodeIn(code.replaceAll("-", "").replace("1", "I"))).toBe(code);
  });

  it("refuse one wrong or swapped character, and any sixteen letters without a digit", () => {
    expect(caseCodeIn(`${code.slice(0, -1)}1`)).toBeUndefined();
    expect(caseCodeIn("ABC1-EFGH-JKNM-PQR0")).toBeUndefined();
    expect(caseCodeIn("abcdefghjkmnpqrs")).toBeUndefined();
  });
});

describe("words that count only when they are nearly the whole message", () => {
  const u = () => bundle.understanding;
  const family =
    "selamat malam, anak saya kerja di kamboja sejak maret dan katanya mau pulang tapi " +
    "sudah dua minggu tidak ada kabar, yang pertama saya mau bicara dengan petugas ya, menu";

  it("count in a short message, with a word or two around them", () => {
    expect(u().command(read("menu"))).toBe("menu");
    expect(u().command(read("tolong saya dong"))).toBe("emergency");
    expect(u().command(read("talk to a human please"))).toBe("human");
    expect(read("iya betul").yesNo).toBe("yes");
    expect(read("lewati aja").skip).toBe(true);
    expect(u().ordinal(read("yang ketiga"))).toBe(3);
    expect(u().quickExit(read("cuaca"))).toBe(true);
  });

  it("do not count inside a long message, which is read for what it says", () => {
    const r = read(family);
    expect(u().command(r)).toBeUndefined();
    expect(r.yesNo).toBeUndefined();
    expect(r.skip).toBe(false);
    expect(u().ordinal(r)).toBeUndefined();
    expect(u().quickExit(r)).toBe(false);
  });
});
