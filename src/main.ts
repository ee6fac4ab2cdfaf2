/**
 * `npm start`. With no channel configured, the local demo in this terminal; otherwise
 * the helpline service. Problems in configuration or content stop it here, clearly.
 */
import { createApp } from "./app.js";
import { type Config, ConfigError, createConfig, startMode } from "./config.js";
import { DirectoryError } from "./directory/index.js";
import { FlowError } from "./flows/load.js";
import { createLogger, type Logger } from "./log.js";
import { runTerminalDemo } from "./sim/demo.js";

function fail(err: unknown): never {
  const known =
    err instanceof ConfigError || err instanceof FlowError || err instanceof DirectoryError;
  process.stderr.write(
    `\nPulang cannot start.\n${known ? (err as Error).message : (err as Error).stack}\n`,
  );
  process.exit(1);
}

async function runDemo(config: Config): Promise<void> {
  process.stderr.write(
    "No channel is configured (TELEGRAM_BOT_TOKEN or the WHATSAPP_* settings), so this is the local demo:\n" +
      'in-memory stores, nothing leaves this machine. See README "Configuration".\n\n',
  );
  // A terminal closing, or a process manager stopping the demo, ends it like /quit
  // (exit code 0), rather than killing it by the signal.
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  process.once("SIGINT", () => stop.abort());
  await runTerminalDemo(config, {
    input: process.stdin,
    output: process.stdout,
    json: false,
    interactive: process.stdin.isTTY === true,
    signal: stop.signal,
  });
  process.exit(0);
}

async function runService(config: Config, log: Logger): Promise<void> {
  const app = createApp(config, log);
  const { port } = await app.start();
  log.info(
    { port, telegram: config.telegram?.mode, whatsapp: config.whatsapp !== undefined },
    "Pulang is running",
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing updates in flight");
    await app.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

try {
  const config = createConfig(process.env);
  if (startMode(config) === "service") await runService(config, createLogger(config.logLevel));
  else await runDemo(config);
} catch (err) {
  fail(err);
}
