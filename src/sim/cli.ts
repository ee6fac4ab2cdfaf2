/**
 * `npm run chat [-- --lang id|en] [--json]`: talk to the helpline in the terminal.
 */
import { parseArgs } from "node:util";
import { createDemoRuntime, loadContent } from "../app.js";
import { createConfig } from "../config.js";
import { createLogger } from "../log.js";
import { runSimulator } from "./simulator.js";

const { values } = parseArgs({
  options: {
    lang: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  process.stdout.write("Usage: npm run chat -- [--lang id|en] [--json]\n");
  process.exit(0);
}

const config = createConfig(process.env);
const bundle = loadContent(config);
if (values.lang && !bundle.texts.languages.includes(values.lang)) {
  process.stderr.write(`--lang must be one of: ${bundle.texts.languages.join(", ")}\n`);
  process.exit(2);
}
const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr);
await runSimulator({
  runtime: createDemoRuntime(bundle, log),
  input: process.stdin,
  output: process.stdout,
  json: values.json,
  ...(values.lang ? { lang: values.lang } : {}),
  interactive: process.stdin.isTTY === true && !values.json,
});
