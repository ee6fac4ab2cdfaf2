/**
 * The messages currently in a person's chat (ours and theirs), by id, so a quick exit or
 * an erase can delete them. Only ids are kept, and only for as long as the platform
 * allows deleting (Telegram: 48 hours).
 */
import type { ConversationKey } from "./ports.js";

export interface ChatLog {
  add(key: ConversationKey, ids: readonly string[], now: number): Promise<void>;
  /** Ids still young enough to delete. */
  all(key: ConversationKey, now: number): Promise<string[]>;
  /** Ids logged at or before `time` (what a tidy timer deletes). */
  upTo(key: ConversationKey, time: number): Promise<string[]>;
  remove(key: ConversationKey, ids: readonly string[]): Promise<void>;
  clear(key: ConversationKey): Promise<void>;
}

/** How long a message can still be deleted (Telegram's limit for bots). */
export const DELETABLE_FOR_MS = 48 * 60 * 60 * 1000;

/** The in-memory twin, for the demo and tests. */
export class MemoryChatLog implements ChatLog {
  readonly #ids = new Map<ConversationKey, Map<string, number>>();

  async add(key: ConversationKey, ids: readonly string[], now: number): Promise<void> {
    const m = this.#ids.get(key) ?? new Map<string, number>();
    for (const id of ids) m.set(id, now);
    this.#ids.set(key, m);
  }

  async all(key: ConversationKey, now: number): Promise<string[]> {
    const m = this.#ids.get(key);
    if (!m) return [];
    for (const [id, at] of m) if (now - at >= DELETABLE_FOR_MS) m.delete(id);
    return [...m.keys()];
  }

  async upTo(key: ConversationKey, time: number): Promise<string[]> {
    const m = this.#ids.get(key);
    return m ? [...m].filter(([, at]) => at <= time).map(([id]) => id) : [];
  }

  async remove(key: ConversationKey, ids: readonly string[]): Promise<void> {
    const m = this.#ids.get(key);
    for (const id of ids) m?.delete(id);
  }

  async clear(key: ConversationKey): Promise<void> {
    this.#ids.delete(key);
  }
}
