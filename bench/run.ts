/**
 * `npm run bench [-- --quick]`: benchmarks, never part of `npm test`. Prints a table,
 * writes `bench/results/<date>.json`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEngine } from "./engine.js";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const seconds = values.quick ? 3 : 15;

function progress(label: string): (f: number) => void {
  let shown = -1;
  return (f) => {
    const pct = Math.floor(f * 20);
    if (pct === shown || !process.stderr.isTTY) return;
    shown = pct;
    process.stderr.write(
      `\r${label} [${"#".repeat(pct)}${" ".repeat(20 - pct)}] ${Math.round(f * 100)}%`,
    );
  };
}

const engine = benchEngine(seconds, progress("engine"));
if (process.stderr.isTTY) process.stderr.write("\n");

const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version };
const lines = [
  `Engine on one core (${machine.cpu}, Node ${machine.node}):`,
  `  ${engine.stepsPerSecond.toLocaleString("en")} steps/s (${engine.steps.toLocaleString("en")} steps in ${engine.seconds.toFixed(1)} s, target >= 100,000)`,
  "  session JSON per transcript (bytes, largest / at the end; target < 2,048):",
  ...Object.entries(engine.sessionBytes).map(
    ([name, b]) =>
      `    ${name.padEnd(12)} ${String(b.max).padStart(5)} / ${String(b.final).padStart(5)}`,
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);

const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
const file = join(
  dir,
  `${new Date().toISOString().slice(0, 10)}${values.quick ? "-quick" : ""}.json`,
);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), machine, quick: values.quick, engine }, null, 2)}\n`,
);
process.stdout.write(`results: ${file}\n`);
