import { describe, expect, it } from "vitest";
import { normalize, PhraseMatcher, Typed, withinOneEdit } from "../../src/engine/text-match.js";

describe("normalize", () => {
  it.each([
    ["TOLOOONG!!", "tolong"],
    ["  Darurat. ", "darurat"],
    ["Tâm Café", "tam cafe"],
    ["SOS🆘", "sos"],
    ["can't leave", "can t leave"],
    ["😭😭", ""],
  ])("%j -> %j", (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it("looks at no more than the first thousand characters", () => {
    expect(normalize("a ".repeat(10_000)).length).toBeLessThanOrEqual(1000);
  });
});

describe("withinOneEdit", () => {
  it.each([
    ["tolong", "tolng", true],
    ["darurat", "daruart", true],
    ["darurat", "darurat", true],
    ["tolong", "tlng", false],
    ["bahaya", "bahayaa", true],
  ])("%s ~ %s: %s", (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
  });
});

describe("PhraseMatcher (the gazetteer's)", () => {
  const m = new PhraseMatcher<string>();
  m.add("kk park", "kk_park");
  m.add("poipet", "poipet");

  it("finds every phrase anywhere, with where it stands and whether spelt exactly", () => {
    const hits = m.hits(Typed.of("dari poipet dibawa ke kk park"));
    expect(hits.map((h) => [h.value, h.start, h.exact])).toEqual([
      ["poipet", 1, true],
      ["kk_park", 4, true],
    ]);
    expect(m.hits(Typed.of("poipt"))[0]).toMatchObject({ value: "poipet", exact: false });
  });

  it("forgives one typo only in longer words", () => {
    const short = new PhraseMatcher<string>();
    short.add("lao", "LA");
    expect(short.hits(Typed.of("lau"))).toEqual([]);
  });
});
