import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blockingKeys, likeness, nameParts, skeleton } from "../../src/reunite/names.js";
import { phoneOfConversation, phonesIn } from "../../src/reunite/phones.js";
import { profileOf } from "../../src/reunite/profile.js";
import { score, suggested } from "../../src/reunite/score.js";
import { type CaseFacts, makeCase } from "./make-case.js";

const hash = (v: string) => createHmac("sha256", "test").update(v).digest("base64url");
const family = (f: CaseFacts) => profileOf(makeCase({ ...f, kind: "family" }), hash);
const person = (f: CaseFacts) => profileOf(makeCase({ ...f, kind: "help" }), hash);

describe("phone numbers", () => {
  it.each([
    ["0812 3456 7890", "+6281234567890"],
    ["+62 812-3456-7890", "+6281234567890"],
    ["62812 3456 7890", "+6281234567890"],
    ["(+62)81234567890", "+6281234567890"],
    ["+855 97 123 4567", "+855971234567"],
  ])("%s is %s", (typed, e164) => {
    expect(phonesIn(typed)).toEqual([e164]);
  });

  it("finds every number in what a family typed", () => {
    expect(phonesIn("wa 0812-3456-7890, kamboja +855 97 123 4567")).toEqual([
      "+6281234567890",
      "+855971234567",
    ]);
  });

  it("reads a WhatsApp conversation's number, and no other channel's", () => {
    expect(phoneOfConversation("wa:+855971234567")).toBe("+855971234567");
    expect(phoneOfConversation("tg:855971234567")).toBeUndefined();
  });
});

describe("names", () => {
  it.each([
    ["Djoko", "joko"],
    ["Soekarno", "sukarno"],
    ["Tjahjo", "cahjo"],
    ["Rizky", "rizki"],
    ["Muhammad", "muhamad"],
    ["Mochammad", "mohamad"],
    ["Chairul", "hairul"],
    ["Khairul", "hairul"],
    ["Ramadhan", "ramadan"],
  ])("%s folds to %s", (name, folded) => {
    expect(skeleton(name)).toBe(folded);
  });

  it.each([
    ["Djoko Susilo", "Joko Susilo", "same"],
    ["Rizky Amelia", "Risky Amelia", "variant"],
    ["Amelia Rizky", "Rizky Amelia", "reordered"],
    ["Rina", "Rina Marlina", "first_name"],
    ["Kiki", "Rizki", "nickname"],
    ["Yanti", "Suryanti", "nickname"],
    ["Dedi Kurniadi", "Yanto Prasetyo", undefined],
    ["Rina", "Rini", undefined],
  ])("%s and %s: %s", (a, b, like) => {
    expect(likeness(nameParts(a), nameParts(b))).toBe(like);
  });

  it("files spelling variants under one key, and common names only together", () => {
    expect(blockingKeys(nameParts("Rizky Amelia"))).toEqual(
      blockingKeys(nameParts("Riski Amelya")),
    );
    expect(blockingKeys(nameParts("Muhammad Rizki"))).toEqual(["c:muhamad+rizki"]);
    expect(blockingKeys(nameParts("Muhammad Yanto"))).toHaveLength(1);
  });
});

const t0 = Date.UTC(2026, 10, 1);
const week = 7 * 24 * 60 * 60 * 1000;

describe("pairs that must match", () => {
  it.each<[string, () => [ReturnType<typeof family>, ReturnType<typeof family>]]>([
    [
      "a family's +855 number, the person writing from it on WhatsApp",
      () => [
        family({ answers: { name: "Dewi Lestari", phones: "+855 97 123 4567" } }),
        person({ conversation: "wa:+855971234567" }),
      ],
    ],
    [
      "a number typed with 0 and spaces, the person's WhatsApp +62",
      () => [
        family({ answers: { phones: "0812 3456 7890" } }),
        person({ conversation: "wa:+6281234567890", createdAt: t0 + week }),
      ],
    ],
    [
      "the same uncommon name, age and country",
      () => [
        family({ answers: { name: "Yohanes Situmorang", age: 24 }, country: "KH" }),
        family({ answers: { name: "Yohanes Situmorang", age: 25 }, country: "KH" }),
      ],
    ],
    [
      "an old spelling, the same place",
      () => [
        family({ answers: { name: "Soetrisno Hadiwidjaja" }, place: "poipet", country: "KH" }),
        person({ answers: { name: "Sutrisno Hadiwijaya" }, place: "poipet", country: "KH" }),
      ],
    ],
    [
      "a first name alone, the same place and age",
      () => [
        family({ answers: { name: "Marlina Sitompul", age: 22 }, place: "poipet", country: "KH" }),
        family({ answers: { name: "Marlina", age: 23 }, place: "poipet", country: "KH" }),
      ],
    ],
    [
      "a reordered name in the same country",
      () => [
        family({ answers: { name: "Amelia Rizky Harahap" }, country: "MM" }),
        person({ answers: { name: "Harahap Amelia Rizky" }, country: "MM" }),
      ],
    ],
  ])("%s", (_, pair) => {
    const [a, b] = pair();
    expect(suggested(score(a, b))).toBe(true);
    expect(score(a, b)).toEqual(score(b, a));
  });

  it("names the reasons operators see", () => {
    const s = score(
      family({ answers: { name: "Dewi Lestari", phones: "0812 3456 7890" }, country: "KH" }),
      person({ conversation: "wa:+6281234567890", answers: { name: "Dewi" }, country: "KH" }),
    );
    expect(s.reasons.map((r) => r.kind)).toEqual(["phone", "name", "country", "time"]);
    expect(s.score).toBeGreaterThanOrEqual(0.9);
  });
});

describe("pairs that must not match", () => {
  it.each<[string, () => [ReturnType<typeof family>, ReturnType<typeof family>]]>([
    [
      "a shared recruiter but different people",
      () => [
        family({ answers: { name: "Dedi Kurniadi", employer: "PT Maju Jaya" }, country: "KH" }),
        family({ answers: { name: "Yanto Prasetyo", employer: "PT Maju Jaya" }, country: "KH" }),
      ],
    ],
    [
      "a common name alone, in one country",
      () => [
        family({ answers: { name: "Muhammad Rizki", age: 24 }, country: "KH" }),
        person({ answers: { name: "Muhammad Rizki" }, country: "KH" }),
      ],
    ],
    [
      "a like name but ages far apart",
      () => [
        family({ answers: { name: "Yohanes Situmorang", age: 19 }, country: "KH" }),
        family({ answers: { name: "Yohanes Situmorang", age: 45 }, country: "KH" }),
      ],
    ],
    [
      "different numbers and nothing else",
      () => [
        family({ answers: { phones: "0812 3456 7890" } }),
        person({ conversation: "wa:+6281234567891" }),
      ],
    ],
    [
      "the family's own number is not the relative's",
      () => [
        family({
          conversation: "wa:+6281234567890",
          answers: { reporter_contact: "0812 3456 7890" },
        }),
        person({ conversation: "wa:+6281234567890" }),
      ],
    ],
  ])("%s", (_, pair) => {
    const [a, b] = pair();
    expect(suggested(score(a, b))).toBe(false);
  });
});

describe("borderline pairs", () => {
  it("a common name is suggested once the place and age agree too", () => {
    const a = family({
      answers: { name: "Muhammad Rizki", age: 24 },
      place: "poipet",
      country: "KH",
    });
    const b = family({
      answers: { name: "Muhammad Rizki", age: 25 },
      place: "poipet",
      country: "KH",
    });
    expect(score(a, b).score).toBeLessThan(0.8);
    expect(suggested(score(a, b))).toBe(true);
  });

  it("a shared recruiter adds to a like name but does not make one", () => {
    const recruiter = { employer: "PT Maju Jaya" };
    const a = family({ answers: { name: "Rina Marlina", ...recruiter } });
    const b = family({ answers: { name: "Rina", ...recruiter } });
    const c = family({ answers: { name: "Rina" } });
    expect(score(a, b).score).toBeGreaterThan(score(a, c).score);
    expect(score(a, b).reasons.map((r) => r.kind)).toContain("employer");
  });

  it("a common name counts for less than a rare one", () => {
    const common = score(
      family({ answers: { name: "Siti Nurhayati" } }),
      family({ answers: { name: "Siti Nurhayati" } }),
    );
    const rare = score(
      family({ answers: { name: "Sinta Widjanarko" } }),
      family({ answers: { name: "Sinta Widjanarko" } }),
    );
    expect(common.score).toBeLessThan(rare.score);
    expect(common.reasons[0]).toMatchObject({ kind: "name", common: true });
  });
});
