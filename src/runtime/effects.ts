/**
 * Carrying out effects, once for every channel: replies to the person (never first),
 * escalations and reports to the case queue, relays to the operator, timers the person
 * asked for, and the deleting that discreet mode and the quick exit promise.
 */
import type { Effect, Priority } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { Scheduler } from "../schedule/scheduler.js";
import type { ChatLog } from "./chat-log.js";
import type { ConversationKey, DeliveryMeta, EffectSink } from "./ports.js";
import { keyKind } from "./runtime.js";

type Reply = Extract<Effect, { type: "reply" }>;

/** A channel that can write to a person (Telegram, WhatsApp, the simulator). */
export interface PersonChannel {
  /** Send replies in order; resolves with the ids of the messages now in the chat. */
  deliver(key: ConversationKey, replies: readonly Reply[], priority: Priority): Promise<string[]>;
  /** Delete messages from the person's chat where the platform allows; best effort. */
  deleteMessages(key: ConversationKey, ids: readonly string[]): Promise<void>;
}

/** Where escalations, reports, relays and erasures go (the operator desk). */
export interface CasePort {
  escalate(
    key: ConversationKey,
    effect: Extract<Effect, { type: "escalate" | "report" }>,
  ): Promise<void>;
  relay(key: ConversationKey, effect: Extract<Effect, { type: "relay" }>): Promise<void>;
  erase(key: ConversationKey, effect: Extract<Effect, { type: "erase" }>): Promise<void>;
}

/** Checks a case code typed from a new account, and tells the engine the outcome. */
export interface ReattachPort {
  reattach(key: ConversationKey, effect: Extract<Effect, { type: "reattach" }>): Promise<void>;
}

/** Forgets everything held about a conversation (sessions, dedupe ids, outbox...). */
export interface ConversationEraser {
  erase(key: ConversationKey): Promise<void>;
}

export interface EffectRouterDeps {
  /** Channels by key prefix: `tg`, `wa`, `sim`. */
  channels: Record<string, PersonChannel>;
  cases: CasePort;
  reattach: ReattachPort;
  chatLog: ChatLog;
  scheduler: Scheduler;
  eraser: ConversationEraser;
  log: Logger;
  /** How long after the person last wrote we may still write to them. */
  windowMs: number;
  /** Conversation key -> the pseudonymous name used in job ids. */
  names?: (key: ConversationKey) => string;
  now?: () => number;
}

/**
 * Job ids of one conversation's timers share this prefix (erase cancels them all). `name`
 * is the conversation's pseudonymous name: job ids are stored in the clear.
 */
export function jobPrefix(name: string): string {
  return `conv:${name}:`;
}

/** Deletions due within the same two minutes share one timer. */
export const TIDY_SLOT_MS = 2 * 60_000;

export class EffectRouter implements EffectSink {
  readonly #now: () => number;

  constructor(readonly d: EffectRouterDeps) {
    this.#now = d.now ?? Date.now;
  }

  #jobs(key: ConversationKey): string {
    return jobPrefix(this.d.names ? this.d.names(key) : key);
  }

  async run(key: ConversationKey, effects: readonly Effect[], meta: DeliveryMeta): Promise<void> {
    // A quick exit or an erase clears the chat before its answer goes out.
    if (effects.some((e) => e.type === "wipe" || e.type === "erase")) await this.#wipe(key);
    const replies = effects.filter((e): e is Reply => e.type === "reply");
    const work: Promise<unknown>[] = [this.#replies(key, replies, effects, meta)];
    for (const effect of effects) work.push(this.#other(key, effect));
    const results = await Promise.allSettled(work);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /**
   * The person wrote within the window, or asked for this (a check-in): otherwise we do not
   * write. Their phone may be in someone else's hands by now.
   */
  mayWrite(meta: DeliveryMeta): boolean {
    if (meta.solicited) return true;
    return meta.heard !== undefined && this.#now() - meta.heard <= this.d.windowMs;
  }

  async #replies(
    key: ConversationKey,
    replies: readonly Reply[],
    effects: readonly Effect[],
    meta: DeliveryMeta,
  ) {
    if (replies.length === 0) return;
    if (!this.mayWrite(meta)) {
      this.d.log.warn(
        { channel: keyKind(key) },
        "refused to write first to a person who has not written",
      );
      return;
    }
    const channel = this.#channel(key);
    const sent = await channel.deliver(key, replies, meta.priority);
    const tidy = effects.find((e): e is Extract<Effect, { type: "tidy" }> => e.type === "tidy");
    if (!tidy) return;
    const ids = [...sent, ...(tidy.origin ? [tidy.origin] : [])];
    // Channels that cannot delete (WhatsApp) return no ids: there is nothing to tidy.
    if (ids.length === 0 || sent.length === 0) return;
    const now = this.#now();
    await this.d.chatLog.add(key, ids, now);
    // One timer per conversation and time slot, not one per reply: a slot's timer deletes
    // every message logged up to its latest one (at most a slot later than asked), so
    // timers do not grow with the length of a conversation.
    const due = Math.ceil((now + tidy.afterMs) / TIDY_SLOT_MS) * TIDY_SLOT_MS;
    await this.d.scheduler.schedule(`${this.#jobs(key)}tidy:${due}`, due, {
      kind: "tidy",
      conversation: key,
      upTo: now,
    });
  }

  #channel(key: ConversationKey): PersonChannel {
    const channel = this.d.channels[keyKind(key)];
    if (!channel) throw new Error(`no channel for conversations of kind ${keyKind(key)}`);
    return channel;
  }

  /** Delete what the platform still allows of this chat, now. */
  async #wipe(key: ConversationKey): Promise<void> {
    const ids = await this.d.chatLog.all(key, this.#now());
    await this.#channel(key).deleteMessages(key, ids);
    await this.d.chatLog.clear(key);
    await this.d.scheduler.cancelPrefix(`${this.#jobs(key)}tidy:`);
  }

  /** A tidy timer came due: delete the messages logged up to `upTo` (best effort), and forget them. */
  async tidy(key: ConversationKey, upTo: number): Promise<void> {
    const ids = await this.d.chatLog.upTo(key, upTo);
    if (ids.length === 0) return;
    await this.#channel(key).deleteMessages(key, ids);
    await this.d.chatLog.remove(key, ids);
  }

  async #other(key: ConversationKey, effect: Effect): Promise<void> {
    switch (effect.type) {
      case "escalate":
      case "report":
        return this.d.cases.escalate(key, effect);
      case "relay":
        return this.d.cases.relay(key, effect);
      case "reattach":
        return this.d.reattach.reattach(key, effect);
      case "erase":
        await this.d.cases.erase(key, effect);
        await this.d.scheduler.cancelPrefix(this.#jobs(key));
        return this.d.eraser.erase(key);
      case "schedule":
        return this.d.scheduler.schedule(`${this.#jobs(key)}${effect.job}`, effect.at, {
          kind: effect.job,
          conversation: key,
        });
      case "cancel":
        return this.d.scheduler.cancel(`${this.#jobs(key)}${effect.job}`);
      case "error":
      case "reply":
      case "end":
      case "tidy":
      case "wipe":
        return;
    }
  }
}
