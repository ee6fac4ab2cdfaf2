/**
 * Carrying out effects, once for every channel: replies to the person (never first),
 * escalations and reports to the case queue, relays to the operator, timers the person
 * asked for, and the deleting that discreet mode and the quick exit promise.
 */
import type { Effect, Inbound, Priority } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { Scheduler } from "../schedule/scheduler.js";
import type { ChatLog } from "./chat-log.js";
import type { ConversationKey, DeliveryMeta, EffectSink, RunReport } from "./ports.js";
import type { Reachability } from "./reachability.js";
import { errorSummary, keyKind } from "./runtime.js";
import { type WriteRefusal, writeRefusal } from "./write-rule.js";

type Reply = Extract<Effect, { type: "reply" }>;

/** The platform's reason for refusing a message: its code and short title, never content. */
export interface PlatformRefusal {
  code?: number;
  title?: string;
}

/** What became of a step's replies at the platform. */
export interface Sent {
  /** Ids of the messages now in the chat, for deleting later; none where it cannot delete. */
  ids: string[];
  /** The platform will not deliver to this person (they blocked the bot): the rest is dropped. */
  refused?: PlatformRefusal;
}

/** A message to a person that did not go out: refused by their platform, or by the write rule. */
export interface DeliveryFailure extends PlatformRefusal {
  conversation: ConversationKey;
  /** Refused when sending, or reported failed later by a delivery receipt. */
  via: "send" | "status";
  /** The write rule's reason, when it was ours. */
  why?: WriteRefusal;
}

/**
 * A channel that can write to a person (Telegram, WhatsApp, the simulator). It only
 * translates and sends: whether we may write at all is decided before, by one rule.
 */
export interface PersonChannel {
  /** Send replies in order. Rejects on a passing failure, so they are tried again. */
  deliver(key: ConversationKey, replies: readonly Reply[], priority: Priority): Promise<Sent>;
  /** Delete messages from the person's chat where the platform allows; best effort. */
  deleteMessages(key: ConversationKey, ids: readonly string[]): Promise<void>;
  /**
   * Until when the platform itself lets us write to this person (WhatsApp: 24 hours after
   * their last message). Absent or undefined: the platform sets no such limit.
   */
  openUntil?(key: ConversationKey): Promise<number | undefined>;
}

/**
 * Where escalations, reports, relays and erasures go (the operator desk). An escalation or
 * relay may resolve with what the engine must hear next (the case is gone: open a new one).
 */
export interface CasePort {
  escalate(
    key: ConversationKey,
    effect: Extract<Effect, { type: "escalate" | "report" }>,
  ): Promise<Inbound | undefined>;
  relay(
    key: ConversationKey,
    effect: Extract<Effect, { type: "relay" }>,
  ): Promise<Inbound | undefined>;
  erase(key: ConversationKey, effect: Extract<Effect, { type: "erase" }>): Promise<void>;
  /** The person left quickly with their case open: its operators are told not to write. */
  leftQuickly?(key: ConversationKey, effect: Extract<Effect, { type: "wipe" }>): Promise<void>;
}

/**
 * Checks a case code typed from a new account. Resolves with what the engine must hear of
 * the outcome (a system inbound of the same conversation), which the runtime steps next.
 */
export interface ReattachPort {
  reattach(key: ConversationKey, effect: Extract<Effect, { type: "reattach" }>): Promise<Inbound>;
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
  /** Who blocked the bot: nobody is written to who cannot receive it. */
  reachability: Reachability;
  log: Logger;
  /** How long after the person last wrote we may still write to them. */
  windowMs: number;
  /** The platform refused a message (the person blocked the bot): tell their operator. */
  onRefused?: (failure: DeliveryFailure) => void | Promise<void>;
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

/** What carrying out a unit came to, besides success. */
interface Outcome {
  /** The replies were not sent on purpose: the write rule's reason. */
  refused?: WriteRefusal;
  /** What the engine must hear next (the outcome of a reattach check). */
  next?: Inbound;
}

/** Effects carried out (and, after a failure, retried) together, by their indices. */
interface Unit {
  indices: number[];
  run: () => Promise<Outcome>;
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

  /**
   * Carry out a step's effects, each once: those in `done` were carried out by an earlier
   * try. The step's replies (with their tidying) are one unit, because a channel merges
   * them into as few messages as fit; every other effect is a unit of its own. Units run
   * side by side, and when one fails the report says which were done, so a retry carries
   * out only the rest: a failed escalation does not send the person the same reply twice.
   */
  async run(
    key: ConversationKey,
    effects: readonly Effect[],
    meta: DeliveryMeta,
    done: ReadonlySet<number> = new Set(),
  ): Promise<RunReport> {
    const pending = (i: number) => !done.has(i);
    // A quick exit or an erase clears the chat before its answer goes out.
    if (effects.some((e, i) => (e.type === "wipe" || e.type === "erase") && pending(i))) {
      try {
        await this.#wipe(key, wipeOrigin(effects));
      } catch (failed) {
        return { done: [], failed };
      }
    }
    const units = this.#units(key, effects, meta, pending);
    const results = await Promise.allSettled(units.map((u) => u.run()));
    const report: RunReport = { done: [] };
    for (const [n, r] of results.entries()) {
      if (r.status === "rejected") {
        report.failed ??= r.reason ?? new Error("effect failed");
        continue;
      }
      report.done?.push(...(units[n] as Unit).indices);
      if (r.value.refused) report.refused = r.value.refused;
      if (r.value.next) report.next = [...(report.next ?? []), r.value.next];
    }
    return report;
  }

  /** The step's pending effects, grouped into what is carried out (and retried) together. */
  #units(
    key: ConversationKey,
    effects: readonly Effect[],
    meta: DeliveryMeta,
    pending: (i: number) => boolean,
  ): Unit[] {
    const replies = effects.filter((e, i): e is Reply => e.type === "reply" && pending(i));
    const grouped = (e: Effect) => replies.length > 0 && (e.type === "reply" || e.type === "tidy");
    const units: Unit[] = [];
    if (replies.length > 0) {
      units.push({
        indices: effects.flatMap((e, i) => (grouped(e) && pending(i) ? [i] : [])),
        run: async () => {
          const refused = await this.#replies(key, replies, effects, meta);
          return refused ? { refused } : {};
        },
      });
    }
    for (const [i, effect] of effects.entries()) {
      if (pending(i) && !grouped(effect))
        units.push({ indices: [i], run: () => this.#other(key, effect) });
    }
    return units;
  }

  /**
   * Why we may not write to this person now, if we may not: the one rule (see
   * `write-rule.ts`), over what the session, the reachability marks and the platform know.
   */
  async refusal(key: ConversationKey, meta: DeliveryMeta): Promise<WriteRefusal | undefined> {
    const [unreachable, openUntil] = await Promise.all([
      this.d.reachability.isUnreachable(key),
      this.#channel(key).openUntil?.(key),
    ]);
    const facts = { ...meta, unreachable, ...(openUntil !== undefined ? { openUntil } : {}) };
    return writeRefusal(facts, this.#now(), this.d.windowMs);
  }

  /** Send the replies if the rule allows; resolves with the refusal when it did not. */
  async #replies(
    key: ConversationKey,
    replies: readonly Reply[],
    effects: readonly Effect[],
    meta: DeliveryMeta,
  ): Promise<WriteRefusal | undefined> {
    if (replies.length === 0) return undefined;
    const refused = await this.refusal(key, meta);
    if (refused) {
      this.#logRefusal(key, refused);
      await this.#tell({ conversation: key, via: "send", why: refused });
      return refused;
    }
    const sent = await this.#channel(key).deliver(key, replies, meta.priority);
    await this.#tidyLater(key, sent.ids, effects);
    if (!sent.refused) return undefined;
    await this.#unreachable(key, sent.refused);
    return "unreachable";
  }

  #logRefusal(key: ConversationKey, refused: WriteRefusal): void {
    if (refused === "window_closed")
      this.d.log.warn(
        { channel: keyKind(key) },
        "refused to write first to a person who has not written",
      );
    else this.d.log.debug({ channel: keyKind(key) }, "not writing to an unreachable person");
  }

  /** The platform will not deliver to this person: not again until they write, and say so. */
  async #unreachable(key: ConversationKey, platform: PlatformRefusal): Promise<void> {
    await this.d.reachability.markUnreachable(key);
    this.d.log.info(
      { channel: keyKind(key), code: platform.code },
      "person unreachable; not writing again until they write",
    );
    await this.#tell({ conversation: key, ...platform, via: "send", why: "unreachable" });
  }

  /** Tell the case's operator (best effort: the delivery itself is settled). */
  async #tell(failure: DeliveryFailure): Promise<void> {
    try {
      await this.d.onRefused?.(failure);
    } catch (err) {
      this.d.log.warn({ err: errorSummary(err) }, "delivery failure not passed on");
    }
  }

  /** Discreet mode: remember what is now in the chat, and when to delete it. */
  async #tidyLater(
    key: ConversationKey,
    sent: readonly string[],
    effects: readonly Effect[],
  ): Promise<void> {
    const tidy = effects.find((e): e is Extract<Effect, { type: "tidy" }> => e.type === "tidy");
    if (!tidy) return;
    const ids = [...sent, ...(tidy.origin ? [tidy.origin] : [])];
    // Channels that cannot delete (WhatsApp) return no ids: there is nothing to tidy.
    if (ids.length === 0 || sent.length === 0) return;
    await this.#logForTidy(key, ids, tidy.afterMs);
  }

  /** Log `ids` as in the chat now, and make sure a timer deletes them `afterMs` from now. */
  async #logForTidy(key: ConversationKey, ids: readonly string[], afterMs: number): Promise<void> {
    const now = this.#now();
    await this.d.chatLog.add(key, ids, now);
    // One timer per conversation and time slot, not one per reply: a slot's timer deletes
    // every message logged up to its latest one (at most a slot later than asked), so
    // timers do not grow with the length of a conversation.
    const due = Math.ceil((now + afterMs) / TIDY_SLOT_MS) * TIDY_SLOT_MS;
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

  /** Delete what the platform still allows of this chat (and the message that asked), now. */
  async #wipe(key: ConversationKey, origin?: string): Promise<void> {
    const logged = await this.d.chatLog.all(key, this.#now());
    const ids = origin ? [...logged, origin] : logged;
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

  /** Carry out one effect other than replies; resolves with what the engine must hear next. */
  async #other(key: ConversationKey, effect: Effect): Promise<Outcome> {
    switch (effect.type) {
      case "escalate":
      case "report":
        return nextOf(await this.d.cases.escalate(key, effect));
      case "relay":
        return nextOf(await this.d.cases.relay(key, effect));
      case "reattach":
        return { next: await this.d.reattach.reattach(key, effect) };
      case "erase":
        await this.d.cases.erase(key, effect);
        await this.d.scheduler.cancelPrefix(this.#jobs(key));
        await this.d.eraser.erase(key);
        return {};
      case "schedule":
        await this.d.scheduler.schedule(`${this.#jobs(key)}${effect.job}`, effect.at, {
          kind: effect.job,
          conversation: key,
        });
        return {};
      case "cancel":
        await this.d.scheduler.cancel(`${this.#jobs(key)}${effect.job}`);
        return {};
      case "wipe":
        if (effect.caseRef) await this.d.cases.leftQuickly?.(key, effect);
        return {};
      case "tidy":
        // The person's own message that got no reply (relayed to an operator): deleted on
        // the same schedule as the rest of the chat (issue 13, point 5).
        if (effect.origin) await this.#logForTidy(key, [effect.origin], effect.afterMs);
        return {};
      case "error":
      case "reply":
      case "end":
        return {};
    }
  }
}

/** The quick exit's own message (the typed word), to delete with the rest of the chat. */
function wipeOrigin(effects: readonly Effect[]): string | undefined {
  const wipe = effects.find((e) => e.type === "wipe");
  return wipe?.type === "wipe" ? wipe.origin : undefined;
}

/** What the engine must hear after an effect, if anything. */
function nextOf(next: Inbound | undefined): Outcome {
  return next ? { next } : {};
}
