/**
 * The terminal simulator: talk to the helpline as a person would, on in-memory stores.
 * Interactive on a terminal; one message per line otherwise (for scripts and tests).
 * On the demo service (`terminal` set), replies are printed as the service delivers them,
 * so an operator's words from the console show up between the person's lines.
 */
import { createInterface } from "node:readline";
import type { Effect, Inbound } from "../engine/types.js";
import type { Runtime } from "../runtime/runtime.js";
import { parseLine, SIM_HELP } from "./input.js";
import { effectJson, renderEffect } from "./render.js";
import type { TerminalChannel } from "./terminal-channel.js";

export interface SimulatorOptions {
  runtime: Runtime;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Print one JSON object per effect instead of readable text. */
  json: boolean;
  /** Start in this language (like Telegram's language_code). */
  lang?: string;
  /** Show a prompt and the help line (a person at a terminal). */
  interactive: boolean;
  /** Conversation key; `sim:local` by default. */
  key?: string;
  /** Ends the conversation as if the input had ended (the demo stops on SIGTERM). */
  signal?: AbortSignal;
  /** The runtime's channel for this conversation: replies are printed as it delivers them. */
  terminal?: TerminalChannel;
}

type Reply = Extract<Effect, { type: "reply" }>;

/** Run until the input ends or the person types /quit. */
export async function runSimulator(o: SimulatorOptions): Promise<void> {
  const key = o.key ?? "sim:local";
  const write = (s: string) => o.output.write(`${s}\n`);
  const rl = createInterface({
    input: o.input,
    terminal: false,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  let lastQuestion: Reply | undefined;
  const show = (e: Effect) => write(o.json ? effectJson(e) : renderEffect(e));
  o.terminal?.listen((reply) => {
    show(reply);
    // The console's words can come at any time: the prompt follows them.
    if (o.interactive && !answering) o.output.write("you> ");
  });
  let answering = false;
  if (o.interactive) {
    write("Pulang - local demo (in-memory, nothing is sent anywhere).");
    write(SIM_HELP);
    write("Say hello to begin, for example: halo\n");
    o.output.write("you> ");
  }
  for await (const line of rl) {
    if (line.trim() === "/quit") break;
    const inbound = parseLine(line, lastQuestion);
    if (!inbound) {
      write(`  (not understood by the simulator: ${SIM_HELP})`);
    } else {
      answering = true;
      const effects = await send(o, key, inbound);
      answering = false;
      // With a terminal channel, its replies were printed as they were delivered.
      for (const e of effects) if (!o.terminal || e.type !== "reply") show(e);
      lastQuestion =
        [...effects]
          .reverse()
          .find((e): e is Reply => e.type === "reply" && e.stepRef !== undefined) ?? lastQuestion;
    }
    if (o.interactive) o.output.write("you> ");
  }
  rl.close();
}

async function send(
  o: SimulatorOptions,
  key: string,
  inbound: Inbound,
): Promise<readonly Effect[]> {
  const outcome = await o.runtime.handle(key, o.lang ? { ...inbound, langHint: o.lang } : inbound);
  if (outcome.status !== "handled") return [];
  await outcome.delivered;
  return outcome.effects;
}
