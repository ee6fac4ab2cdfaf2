/**
 * What operators can do to the person's side of the conversation, whatever the channel:
 * tell the engine (a human joined, left, closed the case, asked for the embassy steps),
 * and pass an operator's words to the person.
 */
import type { Inbound, Priority } from "../engine/types.js";
import type { Delivery } from "../runtime/runtime.js";
import type { WriteRefusal } from "../runtime/write-rule.js";

/** An operator action as the engine hears it (see the engine's `operator` inbound). */
export type OperatorEvent =
  | "joined"
  | "left"
  | "closed"
  | "steps"
  /** Reunite: ask the person whether their family may be told they are in contact. */
  | "consent_ask"
  /** Reunite: tell a family the person they reported is in contact (after the person's yes). */
  | "family_update";

/** What reaching out after the window came to (WhatsApp's re-engagement template). */
export type ReachOut = "template_sent" | "window_closed" | "unreachable" | "failed";

/**
 * What became of an operator's words or action: saved and on its way (`delivered` settles
 * when it went out), saved before under the same id (a redelivered update), or refused
 * before anything was saved because we may not write to the person now.
 */
export type Said =
  | { status: "saved" | "duplicate"; delivered: Promise<Delivery> }
  | { status: "refused"; why: WriteRefusal };

export interface PersonLink {
  /**
   * After the window closed, send the platform's approved neutral invitation to reply, if
   * it has one (WhatsApp templates); never anything else, never the operator's words.
   */
  reachOut?(conversation: string, priority: Priority): Promise<ReachOut>;
  /**
   * The engine updates the session and answers the person in their language. `dedupeId`:
   * the operator's update, so a redelivered one is acted on once.
   */
  event(conversation: string, event: OperatorEvent, dedupeId?: string): Promise<Said>;
  /**
   * What the desk decided about the person's case that the engine must hear: a request
   * from another account confirmed (`relinked`) or refused, or the case left this account
   * (`unlinked`). Stepped and saved like any message.
   */
  system(conversation: string, inbound: Extract<Inbound, { kind: "system" }>): Promise<Said>;
  /**
   * An operator's words to the person, through the engine like any reply: discreet when
   * the person is, saved in the outbox, sent once per `dedupeId`. `by`: the operator's
   * stored name, for the case's transcript (the person never sees it).
   */
  say(conversation: string, text: string, dedupeId?: string, by?: string): Promise<Said>;
}
