/**
 * The local demo (`npm start` with no channel, and `npm run chat`): the helpline service
 * on in-memory stores, serving the web chat and the console, with this terminal as one
 * more person's chat on the same runtime. A case made in the terminal is in the console's
 * queue like a web-chat case; an operator's reply there is printed here.
 */
import { type App, createApp } from "../app.js";
import type { Config } from "../config.js";
import { createLogger } from "../log.js";
import { runSimulator } from "./simulator.js";
import { TerminalChannel } from "./terminal-channel.js";

export interface TerminalDemoOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  json: boolean;
  interactive: boolean;
  lang?: string;
  signal?: AbortSignal;
}

/** Run the demo until the input ends, /quit or `signal`; then stop the service. */
export async function runTerminalDemo(config: Config, o: TerminalDemoOptions): Promise<void> {
  const terminal = new TerminalChannel();
  // Quiet, so the terminal stays a conversation.
  const app = createApp(config, createLogger("error", process.stderr), { terminal });
  await startDemoService(app, config);
  await runSimulator({ runtime: app.runtime, terminal, ...o });
  // The demo is one: its end ends the web chat and the console too.
  await app.stop();
}

/** Listen for the browser; a busy port leaves the terminal demo running alone. */
async function startDemoService(app: App, config: Config): Promise<void> {
  try {
    const { port } = await app.start();
    if (config.webChat.enabled)
      process.stderr.write(`Web chat: open http://localhost:${port}/ in a browser.\n\n`);
  } catch (err) {
    process.stderr.write(
      `The web chat and the console could not start (${(err as Error).message}); set PORT to a free port. The terminal demo goes on.\n\n`,
    );
  }
}
