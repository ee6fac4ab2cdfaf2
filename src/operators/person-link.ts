/**
 * What operators can do to the person's side of the conversation, whatever the channel:
 * tell the engine (a human joined, left, closed the case, asked for the embassy steps),
 * and pass an operator's words to the person.
 */
import type { Priority } from "../engine/types.js";

/** An operator action as the engine hears it (see the engine's `operator` inbound). */
export type OperatorEvent = "joined" | "left" | "closed" | "steps";

/** What reaching out after the window came to (WhatsApp's re-engagement template). */
export type ReachOut = "template_sent" | "window_closed" | "unreachable" | "failed";

export interface PersonLink {
  /**
   * After the window closed, send the platform's approved neutral invitation to reply, if
   * it has one (WhatsApp templates); never anything else, never the operator's words.
   */
  reachOut?(conversation: string, priority: Priority): Promise<ReachOut>;
  /** The engine updates the session and answers the person in their language. */
  event(conversation: string, event: OperatorEvent): Promise<void>;
  /**
   * An operator's words to the person, through their channel (escaped, paced). Resolves
   * `sent`, or why not (`unreachable`: the person blocked us or the platform refused).
   */
  say(
    conversation: string,
    text: string,
    priority: Priority,
  ): Promise<"sent" | "unreachable" | "failed">;
}
