/**
 * What the WhatsApp channel remembers between calls, with an in-memory twin of the Redis
 * store (`redis-store.ts`); one contract test runs against both: each message we sent, by
 * id, with the conversation it went to and its latest delivery status (sent, delivered,
 * read, failed), for 7 days. A `failed` receipt names a message, and this is how it finds
 * its conversation (and so its case).
 *
 * When the person last wrote (their message's own time, from which WhatsApp's 24-hour
 * window runs) belongs to the conversation: the conversation store keeps it beside the
 * session (`SessionRecord.lastInbound`, decision 0024).
 */
import type { ConversationKey } from "../../runtime/ports.js";

/** WhatsApp's customer service window: free-form messages up to 24 h after the person wrote. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;
/** How long a sent message's record is kept (receipts come within minutes, retries for days). */
export const MESSAGE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A message's delivery status, as WhatsApp reports it. */
export type DeliveryStatus = "sent" | "delivered" | "read" | "failed";

/**
 * Statuses only move forward (receipts may arrive out of order): a `read` is not undone by
 * a late `delivered`. `failed` is final.
 */
export const STATUS_RANK: Record<DeliveryStatus, number> = {
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
};

/** The outcome of recording a receipt. */
export interface StatusChange {
  /** The conversation the message went to, if we recorded sending it. */
  conversation?: ConversationKey;
  /** Whether this receipt moved the status on (false: a repeat or a late one). */
  changed: boolean;
}

/** See the file comment. */
export interface WhatsAppStore {
  /** We sent message `id` to `key` at `at`. */
  sent(id: string, key: ConversationKey, at: number): Promise<void>;
  /** A receipt for message `id`. */
  status(id: string, status: DeliveryStatus, at: number): Promise<StatusChange>;
  /** The latest status of message `id`, if known. */
  statusOf(id: string): Promise<DeliveryStatus | undefined>;
}

interface MessageRecord {
  conversation?: ConversationKey;
  status?: DeliveryStatus;
  expiresAt: number;
}

/** The in-memory twin, for the demo and tests. */
export class MemoryWhatsAppStore implements WhatsAppStore {
  readonly #messages = new Map<string, MessageRecord>();
  readonly #now: () => number;

  constructor(o: { now?: () => number } = {}) {
    this.#now = o.now ?? Date.now;
  }

  async sent(id: string, key: ConversationKey, at: number): Promise<void> {
    const record = this.#record(id);
    record.conversation = key;
    record.status ??= "sent";
    record.expiresAt = at + MESSAGE_TTL_MS;
  }

  async status(id: string, status: DeliveryStatus, at: number): Promise<StatusChange> {
    const record = this.#record(id);
    const changed = STATUS_RANK[status] > (record.status ? STATUS_RANK[record.status] : 0);
    if (changed) {
      record.status = status;
      record.expiresAt = Math.max(record.expiresAt, at + MESSAGE_TTL_MS);
    }
    return { changed, ...(record.conversation ? { conversation: record.conversation } : {}) };
  }

  async statusOf(id: string): Promise<DeliveryStatus | undefined> {
    return this.#live(id)?.status;
  }

  #live(id: string): MessageRecord | undefined {
    const record = this.#messages.get(id);
    if (record && record.expiresAt <= this.#now()) {
      this.#messages.delete(id);
      return undefined;
    }
    return record;
  }

  #record(id: string): MessageRecord {
    const record = this.#live(id) ?? { expiresAt: this.#now() + MESSAGE_TTL_MS };
    this.#messages.set(id, record);
    return record;
  }
}
