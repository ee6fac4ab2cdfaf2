/**
 * Sending to a person in the web chat: a step's replies become bubbles in the tab's
 * mailbox, which pushes them to the open page at once (server-sent events). Deleting
 * (discreet mode, the quick exit) removes them from the page too. Nothing is paced: the
 * page is on the same machine or behind the same proxy, and one tab reads one conversation.
 */
import { randomBytes } from "node:crypto";
import type { Effect, Priority } from "../../engine/types.js";
import type { PersonChannel, Sent } from "../../runtime/effects.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { WebMailbox } from "./mailbox.js";
import { renderReplies } from "./render.js";

type Reply = Extract<Effect, { type: "reply" }>;

export interface WebChannelDeps {
  mailbox: WebMailbox;
  /** Counts outbound results (for /metrics). */
  onSent?: (outcome: "sent") => void;
}

/** A new bubble id: `b` and 12 hex digits, safe as an HTML id. */
export function newBubbleId(): string {
  return `b${randomBytes(6).toString("hex")}`;
}

export class WebChannel implements PersonChannel {
  constructor(readonly d: WebChannelDeps) {}

  async deliver(
    key: ConversationKey,
    replies: readonly Reply[],
    _p: Priority,
    person: { lang?: string } = {},
  ): Promise<Sent> {
    if (replies.length === 0) return { ids: [] };
    // The page follows the conversation's language, which the runtime hands over.
    if (person.lang) await this.d.mailbox.setLanguage(key, person.lang);
    const messages = renderReplies(replies, newBubbleId);
    await this.d.mailbox.add(key, messages);
    for (const _ of messages) this.d.onSent?.("sent");
    return { ids: messages.map((m) => m.id) };
  }

  async deleteMessages(key: ConversationKey, ids: readonly string[]): Promise<void> {
    await this.d.mailbox.remove(key, ids);
  }
}
