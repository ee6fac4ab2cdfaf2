/**
 * `npm run flows:check`: validate flows, texts and directory as start-up does, then
 * print a summary. Exit code 1 (with every problem listed) when anything is wrong.
 */
import { loadContent } from "../app.js";
import { createConfig } from "../config.js";
import { summarizeFlows } from "../flows/summary.js";

try {
  const bundle = loadContent(createConfig(process.env));
  process.stdout.write(`${summarizeFlows(bundle)}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
