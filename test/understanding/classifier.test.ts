/**
 * The intent classifier: NLP.js trains the network at start-up; we run its model on the
 * message's tokens. Both must give the same outputs, and a message's intent must not
 * depend on words that happen to be names JavaScript objects have.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../src/engine/types.js";
import { readEvalSet } from "../../src/evaluation/understanding.js";
import { trainingFeatures } from "../../src/understanding/classifier.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const intentOf = (text: string) => bundle.understanding.read(text).intent?.name;

describe("intent classifier", () => {
  it("gives NLP.js's own outputs on every message of the evaluation set", () => {
    const { classifier } = bundle.understanding;
    const items = readEvalSet(join(import.meta.dirname, "eval-set"), ["id", "en"]);
    expect(items.length).toBeGreaterThan(500);
    for (const { text } of items) {
      const { tokens } = bundle.understanding.read(text);
      const theirs = classifier.network.run(trainingFeatures(tokens)) ?? {};
      const ours = classifier.outputs(tokens);
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      for (const [intent, value] of Object.entries(theirs))
        expect(ours[intent], `${intent} of ${JSON.stringify(text)}`).toBeCloseTo(value, 12);
    }
  });

  // Words that are also names of every JavaScript object's properties once broke NLP.js's
  // lookups: the message got no intent at all.
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
