/**
 * `npm run eval:understanding`: how well Pulang understands what people write, measured
 * on the evaluation set. Prints precision, recall and the misses per language, and writes
 * the figures to `bench/results/understanding.md` (linked from BENCHMARKS.md).
 */
import { writeFileSync } from "node:fs";
import { createConfig } from "../config.js";
import { evaluate, type LanguageReport, readEvalSet } from "../evaluation/understanding.js";
import { loadBundle } from "../flows/bundle.js";

const EVAL_DIR = "test/understanding/eval-set";
const OUT = "bench/results/understanding.md";

const config = createConfig(process.env);
const bundle = loadBundle(config.paths, config.languages);
const reports = evaluate(bundle, readEvalSet(EVAL_DIR, config.languages));
const showMisses = !process.argv.includes("--quiet");

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function summary(r: LanguageReport): string[] {
  return [
    `| ${r.lang} | ${r.items} | ${pct(r.emergencyRecall)} | ${pct(r.emergencyRecallWithQuestion)} | ${pct(r.falseEmergencyRate)} | ${pct(r.askedCalmRate)} | ${pct(r.intentAccuracy)} | ${pct(r.optionAccuracy)} |`,
  ];
}

function classTable(title: string, r: LanguageReport, rows: LanguageReport["intents"]): string[] {
  return [
    "",
    `### ${title} (${r.lang})`,
    "",
    "| class | precision | recall | tp | fp | fn |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (c) =>
        `| ${c.label} | ${pct(c.precision)} | ${pct(c.recall)} | ${c.truePositive} | ${c.falsePositive} | ${c.falseNegative} |`,
    ),
  ];
}

const lines = [
  "# Understanding: evaluation",
  "",
  `Measured by \`npm run eval:understanding\` on ${reports.reduce((n, r) => n + r.items, 0)} labelled messages in \`${EVAL_DIR}\` (never used for training).`,
  "Danger and answers go through the real engine; intents through the understanding layer.",
  "",
  "| lang | messages | emergency recall (P1 at once) | recall incl. asked | false emergencies | calm asked | intents | answers |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...reports.flatMap(summary),
  ...reports.flatMap((r) => [
    ...classTable("Intents", r, r.intents),
    ...classTable("Danger reasons", r, r.reasons),
  ]),
];
writeFileSync(OUT, `${lines.join("\n")}\n`);
console.log(lines.slice(0, 7 + reports.length).join("\n"));
if (showMisses) {
  for (const r of reports) {
    console.log(`\nMisses (${r.lang}):`);
    for (const m of r.misses)
      console.log(
        `  [${m.kind}] at ${m.at}: expected ${m.expected}, got ${m.got}: ${JSON.stringify(m.text)}`,
      );
  }
}
console.log(`\nWritten to ${OUT}.`);
