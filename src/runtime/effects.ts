/**
 * Carrying out effects, once for every channel: replies to the person (never first),
 * escalations and reports to the case queue, relays to the operator, timers the person
 * asked for, and the deleting that discreet mode and the quick exit promise.
 */
import type { Effect, Inbound, Priority } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { Scheduler } from "../schedule/scheduler.js";
import { type ChatLog, jobPrefix } from "./chat-log.js";
import type {
  ChatLogAddition,
  ConversationKey,
  DeliveryMeta,
  EffectSink,
  RunReport,
} from "./ports.js";
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
  /**
   * Send replies in order. Rejects on a passing failure, so they are tried again. What the
   * channel needs to know of the person (their language) comes with them: channels never
   * read a store.
   */
  deliver(
    key: ConversationKey,
    replies: readonly Reply[],
    priority: Priority,
    person?: { lang?: string },
  ): Promise<Sent>;
  /** Delete messages from the person's chat where the platform allows; best effort. */
  deleteMessages(key: ConversationKey, ids: readonly string[]): Promise<void>;
  /**
   * How long after the person's last message (by the platform's clock) the platform itself
   * lets us write (WhatsApp: 24 hours). Absent: the platform sets no such limit.
   */
  readonly windowMs?: number;
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
  /** The person answered whether their family may be told they are in contact (reunite). */
  consent?(key: ConversationKey, effect: Extract<Effect, { type: "consent" }>): Promise<void>;
  /** A family asked for news: what the engine hears back (`report_status`). */
  news?(key: ConversationKey, effect: Extract<Effect, { type: "news" }>): Promise<Inbound>;
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
  /** The messages in each chat, for the quick exit and the deletion timer. */
  chatLog: ChatLog;
  scheduler: Scheduler;
  eraser: ConversationEraser;
  /** Where a platform's refusal is remembered: nobody is written to who cannot receive it. */
  reachability: Pick<Reachability, "markUnreachable">;
  log: Logger;
  /** How long after the person last wrote we may still write to them. */
  windowMs: number;
  /** The platform refused a message (the person blocked the bot): tell their operator. */
  onRefused?: (failure: DeliveryFailure) => void | Promise<void>;
  /** Conversation key -> the pseudonymous name used in job ids. */
  names?: (key: ConversationKey) => string;
  now?: () => number;
}

export { jobPrefix };

/** What carrying out a unit came to, besides success. */
interface Outcome {
  /** The replies were not sent on purpose: the write rule's reason. */
  refused?: WriteRefusal;
  /** What the engine must hear next (the outcome of a reattach check). */
  next?: Inbound;
  /** Messages the replies put in the chat, to delete on schedule. */
  chatLog?: ChatLogAddition;
}

/** Effects carried out (and, after a failure, retried) together, by their indices. */
interface Unit {
  indices: number[];
  run: () => Promise<Outcome>;
}

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
      if (r.value.chatLog) report.chatLog = r.value.chatLog;
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
        run: () => this.#replies(key, replies, effects, meta),
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
   * `write-rule.ts`), over what the runtime read with the session (when the person wrote,
   * the reachability mark, their platform's last message) and the platform's own window.
   */
  refusal(key: ConversationKey, meta: DeliveryMeta): WriteRefusal | undefined {
    const platformWindow = this.#channel(key).windowMs;
    const openUntil =
      platformWindow === undefined ? undefined : (meta.lastInbound ?? 0) + platformWindow;
    const facts = {
      ...meta,
      unreachable: meta.unreachable === true,
      ...(openUntil !== undefined ? { openUntil } : {}),
    };
    return writeRefusal(facts, this.#now(), this.d.windowMs);
  }

  /** Send the replies if the rule allows; resolves with the refusal when it did not. */
  async #replies(
    key: ConversationKey,
    replies: readonly Reply[],
    effects: readonly Effect[],
    meta: DeliveryMeta,
  ): Promise<Outcome> {
    if (replies.length === 0) return {};
    const refused = this.refusal(key, meta);
    if (refused) {
      this.#logRefusal(key, refused);
      await this.#tell({ conversation: key, via: "send", why: refused });
      return { refused };
    }
    const person = meta.lang ? { lang: meta.lang } : {};
    const sent = await this.#channel(key).deliver(key, replies, meta.priority, person);
    const chatLog = this.#toTidy(sent.ids, effects);
    const logged = chatLog ? { chatLog } : {};
    if (!sent.refused) return logged;
    await this.#unreachable(key, sent.refused);
    return { refused: "unreachable", ...logged };
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

  /**
   * Discreet mode: what is now in the chat, and when to delete it. The runtime logs it with
   * the acknowledgement, and the store arms the conversation's one deletion timer, in the
   * same round trip.
   */
  #toTidy(sent: readonly string[], effects: readonly Effect[]): ChatLogAddition | undefined {
    const tidy = effects.find((e): e is Extract<Effect, { type: "tidy" }> => e.type === "tidy");
    // Channels that cannot delete (WhatsApp) return no ids: there is nothing to tidy.
    if (!tidy || sent.length === 0) return undefined;
    const ids = [...sent, ...(tidy.origin ? [tidy.origin] : [])];
    return { ids, deleteAt: this.#now() + tidy.afterMs };
  }

  #channel(key: ConversationKey): PersonChannel {
    const channel = this.d.channels[keyKind(key)];
    if (!channel) throw new Error(`no channel for conversations of kind ${keyKind(key)}`);
    return channel;
  }

  /**
   * Delete what the platform still allows of this chat (and the message that asked), now,
   * and disarm the timer.
   */
  async #wipe(key: ConversationKey, origin?: string): Promise<void> {
    const logged = await this.d.chatLog.all(key, this.#now());
    const ids = origin ? [...logged, origin] : logged;
    await this.#channel(key).deleteMessages(key, ids);
    await this.d.chatLog.clear(key);
  }

  /**
   * The deletion timer fired: delete the messages due by now (best effort) and forget them;
   * the store arms the timer again for the earliest left.
   */
  async tidy(key: ConversationKey): Promise<void> {
    const ids = await this.d.chatLog.due(key, this.#now());
    if (ids.length === 0) return;
    await this.#channel(key).deleteMessages(key, ids);
    await this.d.chatLog.forget(key, ids);
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
        return effect.origin
          ? { chatLog: { ids: [effect.origin], deleteAt: this.#now() + effect.afterMs } }
          : {};
      case "consent":
        await this.d.cases.consent?.(key, effect);
        return {};
      case "news":
        // Without a case port that knows reports, the family gets the general answer.
        return {
          next: (await this.d.cases.news?.(key, effect)) ?? {
            kind: "system",
            event: "report_status",
          },
        };
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
