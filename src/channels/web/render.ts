/**
 * Replies out, web chat messages in their shape. Pure: the browser is shown text (escaped
 * when it becomes HTML), the question's buttons, and, for a place question, a way to share
 * a place from the built-in map. Unlike Telegram and WhatsApp the page has no length or
 * button limits worth splitting for: one reply is one bubble.
 */
import type { Effect } from "../../engine/types.js";

type Reply = Extract<Effect, { type: "reply" }>;

/** A tap: a choice of the question it belongs to, or (without one) its label sent as text. */
export type WebButton =
  | { kind: "choice"; stepRef: string; option: string; label: string }
  | { kind: "text"; label: string };

/** One bubble in the chat. */
export interface WebMessage {
  /** Unique within the conversation; also the element's id in the page. */
  id: string;
  from: "bot" | "person";
  text: string;
  buttons?: WebButton[];
  /** A place question: offer the map (and the list of known places) with this label. */
  location?: { label: string };
}

/** A step's replies as bubbles, in order, each given an id by `newId`. */
export function renderReplies(replies: readonly Reply[], newId: () => string): WebMessage[] {
  return replies.map((reply) => {
    const buttons = buttonsOf(reply);
    return {
      id: newId(),
      from: "bot",
      text: reply.text,
      ...(buttons.length > 0 ? { buttons } : {}),
      ...(reply.request?.kind === "location" ? { location: { label: reply.request.label } } : {}),
    };
  });
}

function buttonsOf(reply: Reply): WebButton[] {
  const stepRef = reply.stepRef;
  return (reply.buttons ?? []).map((b) =>
    stepRef
      ? { kind: "choice", stepRef, option: b.id, label: b.label }
      : { kind: "text", label: b.label },
  );
}
