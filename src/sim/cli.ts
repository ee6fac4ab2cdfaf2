/**
 * `npm run chat [-- --lang id|en] [--json]`: talk to the helpline in the terminal, on the
 * local demo service (web chat and console included, see `demo.ts`).
 */
import { parseArgs } from "node:util";
import { createConfig } from "../config.js";
import { runTerminalDemo } from "./demo.js";

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

/**
 * Always the local demo, even in a shell with a service's settings: no channel, no Redis
 * (nothing of a real helpline is touched from here).
 */
const config = createConfig({
  ...process.env,
  NODE_ENV: process.env.NODE_ENV === "production" ? "development" : process.env.NODE_ENV,
  TELEGRAM_BOT_TOKEN: "",
  WHATSAPP_PHONE_NUMBER_ID: "",
  REDIS_URL: "",
  REDIS_CLUSTER_NODES: "",
  REDIS_SENTINELS: "",
});
if (values.lang && !config.languages.includes(values.lang)) {
  process.stderr.write(`--lang must be one of: ${config.languages.join(", ")}\n`);
  process.exit(2);
}
await runTerminalDemo(config, {
  input: process.stdin,
  output: process.stdout,
  json: values.json,
  ...(values.lang ? { lang: values.lang } : {}),
  interactive: process.stdin.isTTY === true && !values.json,
});
process.exit(0);
