/**
 * The PersonLink over the runtime and the person channels: operator events go through the
 * engine like any message (so the session changes and the person is answered in their
 * language, with the outbox's crash safety), and an operator's words go straight to the
 * person's channel, escaped and paced like every reply. The messages it sends are added to
 * the chat log, so a quick exit or an erase deletes them with the bot's own.
 */
import type { Priority } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { ChatLog } from "../runtime/chat-log.js";
import type { PersonChannel } from "../runtime/effects.js";
import type { Reachability } from "../runtime/reachability.js";
import { errorSummary, keyKind, type Runtime } from "../runtime/runtime.js";
import type { OperatorEvent, PersonLink, ReachOut } from "./person-link.js";

export interface RuntimePersonLinkDeps {
  /**
   * The runtime, looked up when needed: the runtime's effect sink needs the desk, and the
   * desk needs this link, so the runtime is built after it.
   */
  runtime: () => Pick<Runtime, "handle">;
  /** Channels by key prefix (`tg`, `wa`, `sim`), the same the EffectRouter uses. */
  channels: Readonly<Record<string, PersonChannel>>;
  reachability: Reachability;
  /** Where the ids of messages in the person's chat are kept (for the quick exit). */
  chatLog?: ChatLog;
  log: Logger;
  now?: () => number;
}

/** See the file comment. */
export class RuntimePersonLink implements PersonLink {
  constructor(readonly d: RuntimePersonLinkDeps) {}

  /** Resolves once the engine's step is saved; its replies go out like any other. */
  async event(conversation: string, event: OperatorEvent): Promise<void> {
    await this.d.runtime().handle(conversation, { kind: "operator", event });
  }

  /** The channel's re-engagement, when it has one (WhatsApp); others stay closed. */
  async reachOut(conversation: string, priority: Priority): Promise<ReachOut> {
    const channel = this.d.channels[keyKind(conversation)] as PersonChannel & {
      reachOut?: (key: string, p: Priority) => Promise<{ status: string }>;
    };
    if (!channel?.reachOut) return "window_closed";
    const { status } = await channel.reachOut(conversation, priority);
    // "open": the person wrote meanwhile, so nothing was sent; the operator just writes again.
    return status === "open" ? "failed" : (status as ReachOut);
  }

  async say(
    conversation: string,
    text: string,
    priority: Priority,
  ): Promise<"sent" | "unreachable" | "failed"> {
    const channel = this.d.channels[keyKind(conversation)];
    if (!channel) return "failed";
    if (await this.d.reachability.isUnreachable(conversation)) return "unreachable";
    try {
      const ids = await channel.deliver(conversation, [{ type: "reply", text }], priority);
      if (ids.length > 0) await this.d.chatLog?.add(conversation, ids, (this.d.now ?? Date.now)());
    } catch (err) {
      this.d.log.warn(
        { conversation: keyKind(conversation), err: errorSummary(err) },
        "operator message not delivered",
      );
      return "failed";
    }
    // A channel drops what it cannot deliver to someone who blocked the bot, and says so here.
    return (await this.d.reachability.isUnreachable(conversation)) ? "unreachable" : "sent";
  }
}
