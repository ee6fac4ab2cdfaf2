/**
 * Floors on the evaluation set (messages written the way people write, never used for
 * training): a drop below any of them is a regression even when every other test passes.
 * The figures themselves are printed by `npm run eval:understanding`.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, type LanguageReport, readEvalSet } from "../../src/evaluation/understanding.js";
import { realBundle } from "../helpers/content.js";

const EVAL_DIR = join(import.meta.dirname, "eval-set");

let reports: LanguageReport[];
beforeAll(() => {
  const items = readEvalSet(EVAL_DIR, ["id", "en"]);
  expect(items.length).toBeGreaterThanOrEqual(600);
  reports = evaluate(realBundle(), items);
});

describe.each(["id", "en"])("understanding, measured in %s", (lang) => {
  const report = (): LanguageReport => reports.find((r) => r.lang === lang) as LanguageReport;

  it("raises P1 at once for at least 97% of messages that say someone is in danger", () => {
    expect(report().emergencyRecall).toBeGreaterThanOrEqual(0.97);
  });

  it("raises P1 for at most 3% of calm messages", () => {
    expect(report().falseEmergencyRate).toBeLessThanOrEqual(0.03);
  });

  it("reads at least 90% of intents and of answers as meant", () => {
    expect(report().intentAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(report().optionAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
