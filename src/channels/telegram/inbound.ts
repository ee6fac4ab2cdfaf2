/**
 * Telegram updates in, normalised messages out. Pure: no API calls, no state.
 * Only what the helpline needs is read; usernames, names and profiles are never kept.
 */
import type { Message, Update } from "grammy/types";
import type { Inbound } from "../../engine/types.js";
import { decodeChoice } from "./callback-data.js";

/** What an update means to the helpline. */
export type TelegramIncoming =
  | {
      type: "person";
      /** `tg:<chat id>` */
      key: string;
      chatId: number;
      inbound: Inbound;
      /** The update id: a redelivered update is handled once. */
      dedupeId: string;
      /** For a tap: the query to answer so the button stops spinning. */
      callbackQueryId?: string;
      kind: string;
    }
  /** A message in a group that is not the operators' group. */
  | { type: "group"; chatId: number; kind: string }
  /** Something in the operators' group (handled by the operator surface). */
  | { type: "operators"; update: Update; kind: string }
  /** The person blocked (`false`) or unblocked (`true`) the bot. */
  | { type: "reachability"; key: string; reachable: boolean; kind: string }
  | { type: "ignore"; kind: string };

/** The conversation key of a private chat. */
export function telegramKey(chatId: number | string): string {
  return `tg:${chatId}`;
}

/**
 * Read an update.
 *
 * @param operatorChatId the operators' supergroup, whose messages go elsewhere
 */
export function readUpdate(update: Update, operatorChatId?: number): TelegramIncoming {
  const message = update.message ?? update.edited_message;
  const chat = message?.chat ?? update.callback_query?.message?.chat ?? update.my_chat_member?.chat;
  if (chat && operatorChatId !== undefined && chat.id === operatorChatId) {
    return { type: "operators", update, kind: "operators" };
  }
  if (chat && chat.type !== "private") {
    return chat.type === "channel"
      ? { type: "ignore", kind: "channel" }
      : { type: "group", chatId: chat.id, kind: "group" };
  }
  if (update.my_chat_member && chat) {
    const status = update.my_chat_member.new_chat_member.status;
    return {
      type: "reachability",
      key: telegramKey(chat.id),
      reachable: status === "member",
      kind: "my_chat_member",
    };
  }
  if (update.callback_query && chat) return fromCallback(update, chat.id);
  if (message && !message.from?.is_bot) return fromMessage(update, message);
  return { type: "ignore", kind: updateKind(update) };
}

function fromCallback(update: Update, chatId: number): TelegramIncoming {
  const query = update.callback_query as NonNullable<Update["callback_query"]>;
  const choice = decodeChoice(query.data ?? "");
  return {
    type: "person",
    key: telegramKey(chatId),
    chatId,
    inbound: withLang(
      { kind: "choice", stepRef: choice?.stepRef ?? "", option: choice?.option ?? "" },
      query.from.language_code,
    ),
    dedupeId: String(update.update_id),
    callbackQueryId: query.id,
    kind: "callback_query",
  };
}

function fromMessage(update: Update, message: Message): TelegramIncoming {
  const inbound = messageInbound(message);
  return {
    type: "person",
    key: telegramKey(message.chat.id),
    chatId: message.chat.id,
    inbound: {
      ...withLang(inbound, message.from?.language_code),
      origin: String(message.message_id),
    },
    dedupeId: String(update.update_id),
    kind: update.edited_message ? "edited_message" : "message",
  };
}

/** The helpline's reading of one message. Edited text counts as a new answer. */
export function messageInbound(message: Message): Inbound {
  if (message.location)
    return { kind: "location", lat: message.location.latitude, lon: message.location.longitude };
  if (message.contact) return { kind: "contact", phone: message.contact.phone_number };
  if (message.text !== undefined) return textOrCommand(message);
  return { kind: "media", media: mediaKind(message) };
}

function textOrCommand(message: Message): Inbound {
  const text = message.text as string;
  const command = message.entities?.find((e) => e.type === "bot_command" && e.offset === 0);
  if (!command) return { kind: "text", text };
  const name = text.slice(1, command.length).split("@")[0]?.toLowerCase() ?? "";
  const payload = text.slice(command.length).trim();
  if (name === "start") return payload ? { kind: "start", payload } : { kind: "start" };
  return { kind: "command", name };
}

/** What a message can carry that the helpline cannot read (it answers kindly instead). */
export const MEDIA_KINDS = [
  "photo",
  "voice",
  "video",
  "video_note",
  "sticker",
  "document",
  "audio",
  "animation",
  "poll",
  "dice",
  "venue",
] as const;

function mediaKind(message: Message): string {
  return MEDIA_KINDS.find((k) => message[k] !== undefined) ?? "other";
}

function withLang(inbound: Inbound, languageCode: string | undefined): Inbound {
  const lang = languageCode?.split("-")[0]?.toLowerCase();
  return lang ? { ...inbound, langHint: lang } : inbound;
}

/** The update's type, for metrics (never its content). */
export function updateKind(update: Update): string {
  const keys = Object.keys(update).filter((k) => k !== "update_id");
  return keys[0] ?? "unknown";
}
