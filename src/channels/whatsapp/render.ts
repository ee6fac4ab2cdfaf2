/**
 * Replies out, WhatsApp Cloud API messages in their shape. Pure.
 *
 * - A step's replies are merged into as few messages as fit (WhatsApp paces one person's
 *   messages, so fewer is faster), like Telegram's renderer.
 * - Choices: reply buttons for up to 3 options, a list for 4 to 10, numbered text beyond
 *   (the engine reads a typed number as the option). Ids name the question
 *   (`help.safety|danger`), so a tap on an old message is recognised as old.
 * - A location request becomes a `location_request_message`. It cannot carry other
 *   buttons, so the question's other options ("I don't know") follow in a reply-button
 *   message of their own: a frightened person who does not know where they are gets a
 *   tap rather than having to find words. (Typing still works as well.)
 * - A contact request is plain text: WhatsApp has no "share my number" button, and the
 *   person types their number (or shares a contact card, which is read as a contact).
 * - No quick-exit button: WhatsApp cannot delete messages from the person's phone, so the
 *   button could not do what it promises. The typed quick-exit word still clears the
 *   session and answers with its harmless line.
 * - No silent sending: the Cloud API has no such option.
 * - Labels over WhatsApp's limits are shortened rather than refused (a test keeps every
 *   flow's labels within them, so this is a safety net, not the plan).
 */
import type { Button, Effect } from "../../engine/types.js";
import { chunks } from "../telegram/render.js";
import { encodeChoiceId, MAX_BUTTON_ID, MAX_ROW_ID } from "./choice-id.js";

type Reply = Extract<Effect, { type: "reply" }>;

/** WhatsApp's documented limits for what we send. */
export const WHATSAPP_LIMITS = {
  /** A text message's body. */
  text: 4096,
  /** The body of an interactive message (buttons, list, location request). */
  interactiveBody: 1024,
  /** Reply buttons on one message. */
  buttons: 3,
  buttonTitle: 20,
  /** Rows in a list, across its sections. */
  listRows: 10,
  listButton: 20,
  rowTitle: 24,
  rowDescription: 72,
  buttonId: MAX_BUTTON_ID,
  rowId: MAX_ROW_ID,
} as const;

/** A text message. */
export interface TextMessage {
  type: "text";
  text: { body: string; preview_url: false };
}

/** Up to three reply buttons under a body. */
export interface ButtonsMessage {
  type: "interactive";
  interactive: {
    type: "button";
    body: { text: string };
    action: { buttons: { type: "reply"; reply: { id: string; title: string } }[] };
  };
}

/** A list of up to ten rows behind one button. */
export interface ListMessage {
  type: "interactive";
  interactive: {
    type: "list";
    body: { text: string };
    action: {
      button: string;
      sections: { rows: { id: string; title: string; description?: string }[] }[];
    };
  };
}

/** A body and WhatsApp's own "Send location" button. */
export interface LocationRequestMessage {
  type: "interactive";
  interactive: {
    type: "location_request_message";
    body: { text: string };
    action: { name: "send_location" };
  };
}

/** An approved template (the only thing WhatsApp lets us send after the 24-hour window). */
export interface TemplateMessage {
  type: "template";
  template: { name: string; language: { code: string } };
}

/** One message to send, as the body of `POST /<phone number id>/messages` (minus `to`). */
export type OutboundMessage =
  | TextMessage
  | ButtonsMessage
  | ListMessage
  | LocationRequestMessage
  | TemplateMessage;

/** Words the renderer adds itself, in the person's language (`locales/<lng>/whatsapp.json`). */
export interface RenderWords {
  /** The button that opens a list ("Pilih" / "Choose"). */
  choose: string;
  /** The body of the message carrying a location question's other options. */
  moreChoices: string;
}

/** How a question's options are shown, by how many there are. */
export type ChoiceStyle = "buttons" | "list" | "numbered";

/** Reply buttons for up to 3 options, a list for 4 to 10, numbered text beyond. */
export function choiceStyle(count: number): ChoiceStyle {
  if (count <= WHATSAPP_LIMITS.buttons) return "buttons";
  return count <= WHATSAPP_LIMITS.listRows ? "list" : "numbered";
}

/** The most characters a label may have to show whole in `style`. */
export function labelLimit(style: ChoiceStyle): number {
  if (style === "buttons") return WHATSAPP_LIMITS.buttonTitle;
  return style === "list" ? WHATSAPP_LIMITS.rowTitle : Number.POSITIVE_INFINITY;
}

/** The messages to send for a step's replies, in order. */
export function renderReplies(replies: readonly Reply[], words: RenderWords): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  let pending: string[] = [];
  for (const reply of replies) {
    const finish = finisher(reply, words);
    if (!finish) {
      pending = mergeText(out, pending, reply.text);
      continue;
    }
    const body = [...pending, reply.text].join("\n\n");
    if (body.length <= WHATSAPP_LIMITS.interactiveBody) {
      out.push(...finish(body));
    } else {
      // Too long for an interactive body: what cannot fit goes before it as text.
      const [head, tail] = splitTail(reply.text, WHATSAPP_LIMITS.interactiveBody);
      const before = [...pending, head].filter((t) => t !== "").join("\n\n");
      if (before) out.push(...textMessages(before));
      out.push(...finish(tail));
    }
    pending = [];
  }
  if (pending.length > 0) out.push(...textMessages(pending.join("\n\n")));
  return out;
}

/** Add `text` to the pending text, sending what was pending when both would not fit. */
function mergeText(out: OutboundMessage[], pending: string[], text: string): string[] {
  const merged = [...pending, text].join("\n\n");
  if (merged.length <= WHATSAPP_LIMITS.text) return [merged];
  if (pending.length > 0) out.push(...textMessages(pending.join("\n\n")));
  return [text];
}

/** Plain text, in pieces of at most 4,096 characters (none for blank text: WhatsApp refuses it). */
export function textMessages(text: string): TextMessage[] {
  if (text.trim() === "") return [];
  return chunks(text, WHATSAPP_LIMITS.text).map((body) => ({
    type: "text",
    text: { body, preview_url: false },
  }));
}

/** For a reply that ends a message (a question), the message(s) its body goes into. */
function finisher(
  reply: Reply,
  words: RenderWords,
): ((body: string) => OutboundMessage[]) | undefined {
  const buttons = reply.stepRef ? (reply.buttons ?? []) : [];
  const stepRef = reply.stepRef ?? "";
  if (reply.request?.kind === "location") {
    return (body) => [
      locationRequest(body),
      ...(buttons.length > 0 ? choiceMessages(words.moreChoices, stepRef, buttons, words) : []),
    ];
  }
  if (buttons.length === 0) return undefined;
  return (body) => choiceMessages(body, stepRef, buttons, words);
}

function locationRequest(body: string): LocationRequestMessage {
  return {
    type: "interactive",
    interactive: {
      type: "location_request_message",
      body: { text: body },
      action: { name: "send_location" },
    },
  };
}

/** A question with its options, in the style their number calls for. */
export function choiceMessages(
  body: string,
  stepRef: string,
  buttons: readonly Button[],
  words: RenderWords,
): OutboundMessage[] {
  const style = choiceStyle(buttons.length);
  if (style === "buttons") return [buttonsMessage(body, stepRef, buttons)];
  if (style === "list") return [listMessage(body, stepRef, buttons, words)];
  const lines = buttons.map((b, i) => `${i + 1}. ${b.label}`);
  return textMessages([body, lines.join("\n")].join("\n\n"));
}

function buttonsMessage(body: string, stepRef: string, buttons: readonly Button[]): ButtonsMessage {
  return {
    type: "interactive",
    interactive: {
      type: "button",
      body: { text: body },
      action: {
        buttons: buttons.map((b) => ({
          type: "reply",
          reply: {
            id: encodeChoiceId(stepRef, b.id),
            title: shorten(b.label, WHATSAPP_LIMITS.buttonTitle),
          },
        })),
      },
    },
  };
}

function listMessage(
  body: string,
  stepRef: string,
  buttons: readonly Button[],
  words: RenderWords,
): ListMessage {
  const rows = buttons.map((b) => {
    const title = shorten(b.label, WHATSAPP_LIMITS.rowTitle);
    // A label too long for a row's title is shown whole (up to 72) underneath it.
    return title === b.label
      ? { id: encodeChoiceId(stepRef, b.id), title }
      : {
          id: encodeChoiceId(stepRef, b.id),
          title,
          description: shorten(b.label, WHATSAPP_LIMITS.rowDescription),
        };
  });
  return {
    type: "interactive",
    interactive: {
      type: "list",
      body: { text: body },
      action: { button: shorten(words.choose, WHATSAPP_LIMITS.listButton), sections: [{ rows }] },
    },
  };
}

/**
 * `text` as a head and the longest tail of at most `max` characters that starts at a
 * paragraph, line or word: the question stays whole with its buttons where it can.
 */
export function splitTail(text: string, max: number): [string, string] {
  if (text.length <= max) return ["", text];
  const from = text.length - max;
  const window = text.slice(from);
  for (const sep of ["\n\n", "\n", " "]) {
    const at = window.indexOf(sep);
    if (at >= 0)
      return [text.slice(0, from + at).trimEnd(), window.slice(at + sep.length).trimStart()];
  }
  // One enormous word: cut, but never inside an emoji.
  const code = text.charCodeAt(from);
  const cut = code >= 0xdc00 && code <= 0xdfff ? from + 1 : from;
  return [text.slice(0, cut), text.slice(cut)];
}

/** `text` cut to `max` characters with an ellipsis, never inside an emoji. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}…`;
}
