import { describe, expect, it } from "vitest";
import {
  normalize,
  optionNumber,
  PhraseMatcher,
  withinOneEdit,
} from "../../src/engine/text-match.js";

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

describe("PhraseMatcher", () => {
  const m = new PhraseMatcher<string>();
  m.add("aman", "safe");
  m.add("tidak aman", "unsafe");
  m.add("help", "emergency");
  m.add("darurat", "emergency");

  it("prefers the longest phrase", () => {
    expect(m.best("saya tidak aman")).toBe("unsafe");
    expect(m.best("saya aman")).toBe("safe");
  });

  it("forgives one typo only in longer words", () => {
    expect(m.best("darurt")).toBe("emergency");
    expect(m.best("hello")).toBeUndefined();
    expect(m.best("helo")).toBeUndefined();
  });

  it("prefers an exact word over a forgiven typo of another", () => {
    const close = new PhraseMatcher<string>();
    close.add("bahasa", "language");
    close.add("bahaya", "emergency");
    expect(close.best("bahaya")).toBe("emergency");
    expect(close.best("bahasa")).toBe("language");
  });

  it("ignores a phrase lost in a long message", () => {
    expect(m.best("I would like some help with my passport please")).toBeUndefined();
    expect(m.all("I would like some help with my passport please")).toEqual(["emergency"]);
  });

  it("refuses to guess between two equally good answers", () => {
    const tie = new PhraseMatcher<string>();
    tie.add("ya", "yes");
    tie.add("tidak", "no");
    expect(tie.best("ya tidak")).toBeUndefined();
  });
});

describe("optionNumber", () => {
  it.each([
    ["2", 2],
    ["2.", 2],
    ["no 3", 3],
    ["nomor 1", 1],
    ["2️⃣", 2],
    ["dua", undefined],
    ["12345", undefined],
  ])("%j -> %j", (input, expected) => {
    expect(optionNumber(input)).toBe(expected);
  });
});
