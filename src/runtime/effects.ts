/**
 * Carrying out effects: replies go to the person's channel, escalations and reports to
 * the case queue, relays to the operator. Written once for every channel.
 */
import type { Effect, Priority } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { ConversationKey, EffectSink } from "./ports.js";
import { keyKind } from "./runtime.js";

type Reply = Extract<Effect, { type: "reply" }>;

/** A channel that can write to a person (Telegram, WhatsApp, the simulator). */
export interface PersonChannel {
  /** Send replies in order. Rejects when they could not be sent (they are kept). */
  deliver(key: ConversationKey, replies: readonly Reply[], priority: Priority): Promise<void>;
}

/** Where escalations, reports, relays and erasures go (the operator queue). */
export interface CasePort {
  escalate(
    key: ConversationKey,
    effect: Extract<Effect, { type: "escalate" | "report" }>,
  ): Promise<void>;
  relay(key: ConversationKey, effect: Extract<Effect, { type: "relay" }>): Promise<void>;
  erase(key: ConversationKey, effect: Extract<Effect, { type: "erase" }>): Promise<void>;
}

export interface EffectRouterDeps {
  /** Channels by key prefix: `tg`, `wa`, `sim`. */
  channels: Record<string, PersonChannel>;
  cases: CasePort;
  log: Logger;
}

export class EffectRouter implements EffectSink {
  constructor(readonly d: EffectRouterDeps) {}

  async run(
    key: ConversationKey,
    effects: readonly Effect[],
    meta: { priority: Priority },
  ): Promise<void> {
    const replies = effects.filter((e): e is Reply => e.type === "reply");
    // Replies are queued first and synchronously, so a person's messages keep their order.
    const work: Promise<void>[] = [this.#deliverReplies(key, replies, meta.priority)];
    for (const effect of effects) work.push(this.#other(key, effect));
    const results = await Promise.allSettled(work);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  #deliverReplies(
    key: ConversationKey,
    replies: readonly Reply[],
    priority: Priority,
  ): Promise<void> {
    if (replies.length === 0) return Promise.resolve();
    const channel = this.d.channels[keyKind(key)];
    if (!channel)
      return Promise.reject(new Error(`no channel for conversations of kind ${keyKind(key)}`));
    return channel.deliver(key, replies, priority);
  }

  async #other(key: ConversationKey, effect: Effect): Promise<void> {
    switch (effect.type) {
      case "escalate":
      case "report":
        return this.d.cases.escalate(key, effect);
      case "relay":
        return this.d.cases.relay(key, effect);
      case "erase":
        return this.d.cases.erase(key, effect);
      case "error":
      case "reply":
      case "end":
        return;
    }
  }
}
