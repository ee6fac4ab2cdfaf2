/**
 * The intent classifier: trained at start-up on the vocabulary's training phrases, it names
 * what a message wants, whatever other words stand around it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const intentOf = (text: string) => bundle.understanding.read(text).intent?.name;

describe("intent classifier", () => {
  // Words that are also names of every JavaScript object's properties once broke the
  // classifier's lookups: the message got no intent at all.
  it.each([
    ["saya mau pulang", "constructor"],
    ["i want to go home", "constructor"],
    ["saya mau pulang", "__proto__ tostring valueof hasownproperty"],
  ])("%j keeps its intent with %j in it", (text, extra) => {
    const alone = intentOf(text);
    expect(alone).toBeDefined();
    expect(intentOf(`${text} ${extra}`)).toBe(alone);
  });
});
