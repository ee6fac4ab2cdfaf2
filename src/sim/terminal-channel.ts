/**
 * The terminal as a channel of the demo service: what the runtime delivers to a `sim:`
 * conversation (the bot's answers, an operator's words from the console, a check-in) is
 * printed by whoever listens, the simulator. So a case made in the terminal is the demo
 * service's like a web-chat case: it reaches the console, and the console's replies reach
 * the terminal.
 */
import type { Effect } from "../engine/types.js";
import type { PersonChannel, Sent } from "../runtime/effects.js";
import type { ConversationKey } from "../runtime/ports.js";

type Reply = Extract<Effect, { type: "reply" }>;

export class TerminalChannel implements PersonChannel {
  #show: (reply: Reply) => void = () => undefined;
  #next = 0;

  /** Where replies go from now on (the simulator's output). */
  listen(show: (reply: Reply) => void): void {
    this.#show = show;
  }

  async deliver(_key: ConversationKey, replies: readonly Reply[]): Promise<Sent> {
    for (const r of replies) this.#show(r);
    return { ids: replies.map(() => `t${++this.#next}`) };
  }

  /** A terminal cannot take back what it printed (discreet mode says so in its own line). */
  async deleteMessages(): Promise<void> {}
}
