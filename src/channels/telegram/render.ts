/**
 * Replies out, Telegram messages in their shape: HTML-escaped text (every value a person
 * gave is escaped with the rest), buttons as inline keyboards whose data names the
 * question, share-location/number as reply-keyboard buttons, and nothing over 4,096
 * characters. A step's replies are merged into as few messages as fit, so a person is not
 * kept waiting by the one-message-per-second pacing.
 */
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from "grammy/types";
import type { Effect } from "../../engine/types.js";
import { encodeChoice } from "./callback-data.js";

/** Telegram's limit for one message's text (after entities are parsed). */
export const MAX_TEXT = 4096;

type Reply = Extract<Effect, { type: "reply" }>;

/** One sendMessage call. `text` is HTML (parse_mode HTML). */
export interface TelegramMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup;
  /** No notification sound (discreet mode). */
  silent?: boolean;
}

/** The quick-exit button's data: any question, option `_exit`. */
export const QUICK_EXIT_DATA = encodeChoice("exit", "_exit");

/** Escape text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The messages to send for a step's replies, in order. In discreet mode every message
 * arrives silently, and the last one offers the quick exit (where Telegram allows a button:
 * not under a share-location keyboard).
 */
export function renderReplies(replies: readonly Reply[], maxText = MAX_TEXT): TelegramMessage[] {
  const messages = mergeReplies(replies, maxText);
  const exit = replies.find((r) => r.quickExit)?.quickExit;
  const last = messages[messages.length - 1];
  if (exit && last && !(last.reply_markup && "keyboard" in last.reply_markup)) {
    const rows =
      last.reply_markup && "inline_keyboard" in last.reply_markup
        ? last.reply_markup.inline_keyboard
        : [];
    last.reply_markup = {
      inline_keyboard: [...rows, [{ text: exit.label, callback_data: QUICK_EXIT_DATA }]],
    };
  }
  if (replies.some((r) => r.silent)) for (const m of messages) m.silent = true;
  return messages;
}

function mergeReplies(replies: readonly Reply[], maxText: number): TelegramMessage[] {
  const out: TelegramMessage[] = [];
  let pending: string[] = [];
  for (const reply of replies) {
    const markup = keyboardOf(reply);
    const merged = [...pending, reply.text].join("\n\n");
    if (merged.length <= maxText) {
      pending = [merged];
    } else {
      if (pending.length > 0) out.push(...plain(pending, maxText));
      pending = [reply.text];
    }
    if (markup) {
      out.push(...withMarkupOnLast(chunks(pending.join("\n\n"), maxText), markup));
      pending = [];
    }
  }
  if (pending.length > 0) out.push(...plain(pending, maxText));
  return out;
}

function plain(texts: string[], maxText: number): TelegramMessage[] {
  return chunks(texts.join("\n\n"), maxText).map((t) => ({ text: escapeHtml(t) }));
}

function withMarkupOnLast(
  texts: string[],
  markup: TelegramMessage["reply_markup"],
): TelegramMessage[] {
  return texts.map((t, i) =>
    i === texts.length - 1
      ? { text: escapeHtml(t), reply_markup: markup }
      : { text: escapeHtml(t) },
  );
}

function keyboardOf(reply: Reply): TelegramMessage["reply_markup"] {
  const buttons = reply.buttons ?? [];
  if (reply.request) {
    // Inline keyboards cannot ask for a location or number; a reply keyboard can, and its
    // other buttons send their label as text, which the engine understands.
    const share =
      reply.request.kind === "location" ? { request_location: true } : { request_contact: true };
    return {
      keyboard: [
        [{ text: reply.request.label, ...share }],
        ...buttons.map((b) => [{ text: b.label }]),
      ],
      resize_keyboard: true,
      one_time_keyboard: true,
      is_persistent: false,
    };
  }
  if (buttons.length === 0 || !reply.stepRef) return undefined;
  const stepRef = reply.stepRef;
  return {
    inline_keyboard: buttons.map((b) => [
      { text: b.label, callback_data: encodeChoice(stepRef, b.id) },
    ]),
  };
}

/** Split text into pieces of at most `max` characters, at paragraph, line, then word ends. */
export function chunks(text: string, max = MAX_TEXT): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || out.length === 0) out.push(rest);
  return out;
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max);
  for (const sep of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(sep);
    if (at > max / 2) return at + sep.length;
  }
  // One very long word: cut, but never inside a surrogate pair (emoji).
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
