/**
 * The messages currently in a person's chat (ours and theirs), by id, with when discreet
 * mode deletes each, so the deletion timer and a quick exit or an erase can delete them.
 * Only ids are kept, and only for as long as the platform allows deleting (Telegram: 48
 * hours). The conversation store keeps them beside the session and arms the timer; ids are
 * added when a delivery is acknowledged (`AckOptions.chatLog`), in the same round trip.
 */
import type { ConversationKey } from "./ports.js";

export interface ChatLog {
  /** Ids still young enough to delete (what a quick exit deletes). */
  all(key: ConversationKey, now: number): Promise<string[]>;
  /** Ids whose deletion time has come (what the deletion timer deletes). */
  due(key: ConversationKey, now: number): Promise<string[]>;
  /** Forget `ids` (deleted); if others are left, the timer is armed for the earliest. */
  forget(key: ConversationKey, ids: readonly string[]): Promise<void>;
  /** Forget every id and disarm the timer. */
  clear(key: ConversationKey): Promise<void>;
}

/** How long a message can still be deleted (Telegram's limit for bots). */
export const DELETABLE_FOR_MS = 48 * 60 * 60 * 1000;

/**
 * Deletions due within the same two minutes share one firing of the timer: a conversation
 * has one deletion timer, due at its earliest deletion rounded up to this slot.
 */
export const TIDY_SLOT_MS = 2 * 60_000;

/**
 * Job ids of one conversation's timers share this prefix (erase cancels them all). `name`
 * is the conversation's pseudonymous name: job ids are stored in the clear.
 */
export function jobPrefix(name: string): string {
  return `conv:${name}:`;
}

/** The one deletion timer of a conversation. */
export function tidyJobId(name: string): string {
  return `${jobPrefix(name)}tidy`;
}

/** When the timer fires for a deletion due at `at`: the end of its slot. */
export function tidySlot(at: number): number {
  return Math.ceil(at / TIDY_SLOT_MS) * TIDY_SLOT_MS;
}
