/**
 * People who blocked the bot (or whose account is gone): nothing is sent to them, and
 * nothing is retried forever, until they write again.
 */
import type { ConversationKey } from "./ports.js";

export interface Reachability {
  markUnreachable(key: ConversationKey): Promise<void>;
  markReachable(key: ConversationKey): Promise<void>;
  isUnreachable(key: ConversationKey): Promise<boolean>;
}

/** The in-memory twin, for the demo and tests. */
export class MemoryReachability implements Reachability {
  readonly #gone = new Set<ConversationKey>();

  async markUnreachable(key: ConversationKey): Promise<void> {
    this.#gone.add(key);
  }

  async markReachable(key: ConversationKey): Promise<void> {
    this.#gone.delete(key);
  }

  async isUnreachable(key: ConversationKey): Promise<boolean> {
    return this.#gone.has(key);
  }
}
