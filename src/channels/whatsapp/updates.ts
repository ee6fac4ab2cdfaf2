/**
 * What happens to each WhatsApp notification: every person's message goes through the
 * runtime, one sender's messages in the order they were sent, different senders at once;
 * delivery receipts are recorded, and a failed one is passed on (to the case's operator).
 *
 * The same rules as Telegram: a notification is acknowledged only once everything in it is
 * saved (a failure rejects, the webhook answers 503, Meta delivers the whole batch again,
 * and what was already saved is recognised by its message id and handled once).
 */
import type { Logger } from "../../log.js";
import type { Reachability } from "../../runtime/reachability.js";
import { errorSummary, type Runtime } from "../../runtime/runtime.js";
import type { DeliveryFailure } from "./channel.js";
import { RECIPIENT_CODES } from "./graph.js";
import { readNotification, type WhatsAppIncoming, type WhatsAppStatusEvent } from "./inbound.js";
import type { WebhookPayload } from "./schema.js";
import type { WhatsAppStore } from "./store.js";

export interface WhatsAppUpdatesDeps {
  runtime: Pick<Runtime, "handle">;
  reachability: Reachability;
  store: WhatsAppStore;
  /** Our business number's id: messages to other numbers of the account are ignored. */
  phoneNumberId?: string;
  log: Logger;
  /** A message to a person failed after it was accepted (a `failed` receipt). */
  onFailed?: (failure: DeliveryFailure) => void | Promise<void>;
  /** Counts what came in by kind and outcome (for /metrics). */
  onUpdate?: (kind: string, outcome: string) => void;
}

/** See the file comment. */
export class WhatsAppUpdates {
  /** Per sender: the last piece of work, so one person's messages never overtake. */
  readonly #lanes = new Map<string, Promise<unknown>>();

  constructor(readonly d: WhatsAppUpdatesDeps) {}

  /**
   * Handle a checked notification. Resolves once every message in it is saved; rejects
   * when one could not be (Redis unreachable), so the webhook asks Meta to send it again.
   */
  async handle(payload: WebhookPayload): Promise<void> {
    const n = readNotification(payload, this.d.phoneNumberId);
    for (const kind of n.ignored) this.d.onUpdate?.(kind, "ignored");
    const unplaced = n.ignored.filter((kind) => kind === "no_number").length;
    if (unplaced > 0) {
      // Someone behind a WhatsApp username (no number in the notification): not handled yet.
      this.d.log.warn({ count: unplaced }, "WhatsApp message without a phone number not handled");
    }
    const work: Promise<unknown>[] = [];
    for (const [key, messages] of bySender(n.messages)) {
      work.push(this.#lane(key, () => this.#sender(messages)));
    }
    work.push(this.#statuses(n.statuses));
    const results = await Promise.allSettled(work);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /**
   * One sender's messages, in order. The first that cannot be saved stops the rest: they
   * come again with the redelivered batch, behind it, rather than before it.
   */
  async #sender(messages: readonly WhatsAppIncoming[]): Promise<void> {
    for (const m of messages) {
      // When they wrote (their message's time): the 24-hour window runs from it. The runtime
      // keeps it, and makes them reachable again, with the message itself.
      const outcome = await this.d.runtime.handle(m.key, m.inbound, m.dedupeId, m.at);
      this.d.onUpdate?.(m.kind, outcome.status);
    }
  }

  async #statuses(statuses: readonly WhatsAppStatusEvent[]): Promise<void> {
    for (const s of statuses) await this.#status(s);
  }

  /** Record a receipt; a new `failed` one stops writing where WhatsApp says so, and is told. */
  async #status(s: WhatsAppStatusEvent): Promise<void> {
    const change = await this.d.store.status(s.messageId, s.status, s.at);
    this.d.onUpdate?.(`status_${s.status}`, change.changed ? "recorded" : "repeat");
    if (s.status !== "failed" || !change.changed) return;
    const conversation = change.conversation ?? s.key;
    this.d.log.warn({ conversation: "wa", code: s.error?.code }, "message to a person failed");
    if (!conversation) return;
    if (s.error && RECIPIENT_CODES.has(s.error.code)) {
      await this.d.reachability.markUnreachable(conversation);
    }
    const failure: DeliveryFailure = {
      conversation,
      via: "status",
      ...(s.error ? { code: s.error.code } : {}),
      ...(s.error?.title ? { title: s.error.title } : {}),
    };
    try {
      await this.d.onFailed?.(failure);
    } catch (err) {
      this.d.log.warn({ err: errorSummary(err) }, "delivery failure not passed on");
    }
  }

  /** Run `work` after every earlier piece of work for `key` in this process. */
  #lane(key: string, work: () => Promise<void>): Promise<void> {
    const before = this.#lanes.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    this.#lanes.set(key, mine);
    void mine.then(
      () => this.#release(key, mine),
      () => this.#release(key, mine),
    );
    return mine;
  }

  #release(key: string, mine: Promise<unknown>): void {
    if (this.#lanes.get(key) === mine) this.#lanes.delete(key);
  }
}

/** Messages grouped by sender, each group in the order sent (time, then place in the batch). */
export function bySender(messages: readonly WhatsAppIncoming[]): Map<string, WhatsAppIncoming[]> {
  const groups = new Map<string, WhatsAppIncoming[]>();
  for (const m of messages) {
    const group = groups.get(m.key) ?? [];
    group.push(m);
    groups.set(m.key, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.at - b.at || a.position - b.position);
  return groups;
}
