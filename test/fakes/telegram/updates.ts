/**
 * Update factories in the shapes the Bot API really sends (core.telegram.org/bots/api#update).
 *
 * update_id comes from one counter shared by every factory (`nextUpdateId()`), and message_id
 * from one sequence per chat shared with the fake server (`nextMessageId()`), so a user's
 * message and the bot's answers interleave in one increasing sequence, as in a real chat.
 */
import type { Chat, Message, MessageEntity, PhotoSize, Update, User } from "grammy/types";

/** The bot the factories (and the fake server, by default) speak for. */
export const DEFAULT_BOT_ID = 7_000_000_001;
export const DEFAULT_BOT_USERNAME = "pulang_test_bot";
/** A token of the real shape `<bot id>:<35 characters>`. */
export const FAKE_TOKEN = `${DEFAULT_BOT_ID}:AAF4k3-t0k3n_f0r-Pulang-t3sts-0nly00`;

export const DEFAULT_BOT: User = {
  id: DEFAULT_BOT_ID,
  is_bot: true,
  first_name: "Pulang",
  username: DEFAULT_BOT_USERNAME,
};

let updateCounter = 500_000_000;

/** A fresh update_id, larger than every one handed out before. */
export function nextUpdateId(): number {
  updateCounter += 1;
  return updateCounter;
}

const messageSeq = new Map<string, number>();

/** The next message_id in `chatId` (one sequence per chat, shared with the fake server). */
export function nextMessageId(chatId: number | string): number {
  const key = String(chatId);
  const next = (messageSeq.get(key) ?? 0) + 1;
  messageSeq.set(key, next);
  return next;
}

/** The highest message_id handed out in `chatId` so far (0 if none). */
export function lastMessageId(chatId: number | string): number {
  return messageSeq.get(String(chatId)) ?? 0;
}

/** Make sure later ids in `chatId` are above `messageId` (for ids chosen by hand). */
export function noteMessageId(chatId: number | string, messageId: number): void {
  const key = String(chatId);
  if ((messageSeq.get(key) ?? 0) < messageId) messageSeq.set(key, messageId);
}

let fileCounter = 0;

/** A file_id / file_unique_id pair that looks like Telegram's (opaque base64url strings). */
export function fakeFileIds(kind: string): { file_id: string; file_unique_id: string } {
  fileCounter += 1;
  const n = fileCounter.toString(36).padStart(6, "0");
  return {
    file_id: `BQACAgUAAxkBAAI${kind.slice(0, 3)}${n}ZmFrZS1maWxlLWlkLWZvci10ZXN0cw`,
    file_unique_id: `AgAD${n}${kind.slice(0, 2)}`,
  };
}

let callbackCounter = 0;

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Options shared by the message factories. */
export interface UserOpts {
  /** Sender id; in a private chat it defaults to the chat id (as in Telegram). */
  userId?: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  /** IETF tag; default "id". Pass `null` to leave it out (Telegram omits it sometimes). */
  languageCode?: string | null;
}

export interface MessageOpts extends UserOpts {
  updateId?: number;
  messageId?: number;
  /** Unix seconds. */
  date?: number;
  /** The message this one replies to. */
  replyTo?: Message;
  /** Bot the message mentions in commands (`/start@bot`); default DEFAULT_BOT. */
  bot?: User;
}

export function privateUser(chatId: number, opts: UserOpts = {}): User {
  const user: User = {
    id: opts.userId ?? chatId,
    is_bot: false,
    first_name: opts.firstName ?? "Budi",
  };
  if (opts.lastName !== undefined) user.last_name = opts.lastName;
  if (opts.username !== undefined) user.username = opts.username;
  if (opts.languageCode !== null) user.language_code = opts.languageCode ?? "id";
  return user;
}

export function privateChat(chatId: number, opts: UserOpts = {}): Chat.PrivateChat {
  const chat: Chat.PrivateChat = {
    id: chatId,
    type: "private",
    first_name: opts.firstName ?? "Budi",
  };
  if (opts.lastName !== undefined) chat.last_name = opts.lastName;
  if (opts.username !== undefined) chat.username = opts.username;
  return chat;
}

function baseMessage(chat: Chat, from: User, opts: MessageOpts) {
  const message_id = opts.messageId ?? nextMessageId(chat.id);
  noteMessageId(chat.id, message_id);
  const msg: Message = { message_id, from, chat, date: opts.date ?? unixNow() };
  if (opts.replyTo) {
    const { reply_to_message: _drop, ...reply } = opts.replyTo;
    msg.reply_to_message = reply as Message & { reply_to_message: undefined };
  }
  return msg;
}

function privateMessage(chatId: number, opts: MessageOpts): Message {
  return baseMessage(privateChat(chatId, opts), privateUser(chatId, opts), opts);
}

function wrap(update: Omit<Update, "update_id">, opts: { updateId?: number }): Update {
  return { update_id: opts.updateId ?? nextUpdateId(), ...update };
}

/** The bot_command entity Telegram adds when a text starts with "/". */
export function commandEntities(text: string): MessageEntity[] | undefined {
  const m = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?/.exec(text);
  if (!m) return undefined;
  return [{ type: "bot_command", offset: 0, length: m[0].length }];
}

/** A text message from a user in their private chat with the bot. */
export function textUpdate(chatId: number, text: string, opts: MessageOpts = {}): Update {
  const message = privateMessage(chatId, opts);
  message.text = text;
  const entities = commandEntities(text);
  if (entities) message.entities = entities;
  return wrap({ message: message as Update["message"] }, opts);
}

/** The same message, edited by the user (an `edited_message` update). */
export function editedTextUpdate(
  chatId: number,
  messageId: number,
  text: string,
  opts: MessageOpts & { editDate?: number } = {},
): Update {
  const message = privateMessage(chatId, { ...opts, messageId });
  message.date = opts.date ?? unixNow() - 60;
  message.text = text;
  const entities = commandEntities(text);
  if (entities) message.entities = entities;
  const edited = { ...message, edit_date: opts.editDate ?? unixNow() };
  return wrap({ edited_message: edited as Update["edited_message"] }, opts);
}

export interface CallbackOpts extends UserOpts {
  updateId?: number;
  /** Text of the message that carried the button (when no message object is given). */
  messageText?: string;
  bot?: User;
}

/**
 * A tap on an inline button. `message` is the bot's message that carried the keyboard: pass
 * the Message itself (e.g. `fake.sentTo(chat).at(-1)`) or its id (default: the latest id in
 * the chat).
 */
export function callbackUpdate(
  chatId: number,
  data: string,
  message?: number | Message,
  opts: CallbackOpts = {},
): Update {
  const from = privateUser(chatId, opts);
  let msg: Message;
  if (typeof message === "object") {
    msg = message;
  } else {
    msg = {
      message_id: message ?? Math.max(1, lastMessageId(chatId)),
      from: opts.bot ?? DEFAULT_BOT,
      chat: privateChat(chatId, opts),
      date: unixNow(),
      text: opts.messageText ?? "…",
    };
  }
  callbackCounter += 1;
  const id = `${BigInt(chatId < 0 ? -chatId : chatId) * 1000n + BigInt(callbackCounter)}`;
  return wrap(
    {
      callback_query: {
        id,
        from,
        message: msg,
        chat_instance: `-${(Math.abs(chatId) * 7919) % 9_000_000_000_000_000}`,
        data,
      },
    },
    opts,
  );
}

/** A location pin shared in the private chat. */
export function locationUpdate(
  chatId: number,
  latitude: number,
  longitude: number,
  opts: MessageOpts & { horizontalAccuracy?: number } = {},
): Update {
  const message = privateMessage(chatId, opts);
  message.location = { latitude, longitude };
  if (opts.horizontalAccuracy !== undefined) {
    message.location.horizontal_accuracy = opts.horizontalAccuracy;
  }
  return wrap({ message: message as Update["message"] }, opts);
}

/**
 * A contact card. By default it is the user's own (what a `request_contact` button sends):
 * user_id set and the user's name. Telegram sends the number as the user's client has it,
 * usually digits only without "+".
 */
export function contactUpdate(
  chatId: number,
  phone: string,
  opts: MessageOpts & { ownContact?: boolean; contactFirstName?: string } = {},
): Update {
  const message = privateMessage(chatId, opts);
  const own = opts.ownContact ?? true;
  message.contact = {
    phone_number: phone,
    first_name: opts.contactFirstName ?? (own ? (opts.firstName ?? "Budi") : "Kontak"),
  };
  if (own) message.contact.user_id = opts.userId ?? chatId;
  return wrap({ message: message as Update["message"] }, opts);
}

/** A photo (three sizes, as Telegram sends them), optionally with a caption. */
export function photoUpdate(chatId: number, opts: MessageOpts & { caption?: string } = {}): Update {
  const message = privateMessage(chatId, opts);
  message.photo = photoSizes();
  if (opts.caption !== undefined) message.caption = opts.caption;
  return wrap({ message: message as Update["message"] }, opts);
}

export function photoSizes(): PhotoSize[] {
  const sizes: [number, number, number][] = [
    [90, 67, 1_203],
    [320, 240, 15_872],
    [1280, 960, 98_114],
  ];
  const { file_unique_id } = fakeFileIds("photo");
  return sizes.map(([width, height, file_size], i) => ({
    file_id: `${fakeFileIds("photo").file_id}_${i}`,
    file_unique_id: `${file_unique_id}${i}`,
    width,
    height,
    file_size,
  }));
}

export function stickerUpdate(
  chatId: number,
  opts: MessageOpts & { emoji?: string; setName?: string } = {},
): Update {
  const message = privateMessage(chatId, opts);
  message.sticker = {
    ...fakeFileIds("sticker"),
    type: "regular",
    width: 512,
    height: 512,
    is_animated: false,
    is_video: false,
    emoji: opts.emoji ?? "👍",
    set_name: opts.setName ?? "HotCherry",
    file_size: 23_040,
  };
  return wrap({ message: message as Update["message"] }, opts);
}

export function voiceUpdate(
  chatId: number,
  opts: MessageOpts & { duration?: number } = {},
): Update {
  const message = privateMessage(chatId, opts);
  message.voice = {
    ...fakeFileIds("voice"),
    duration: opts.duration ?? 4,
    mime_type: "audio/ogg",
    file_size: 14_260,
  };
  return wrap({ message: message as Update["message"] }, opts);
}

export function documentUpdate(
  chatId: number,
  opts: MessageOpts & { fileName?: string; mimeType?: string; caption?: string } = {},
): Update {
  const message = privateMessage(chatId, opts);
  message.document = {
    ...fakeFileIds("document"),
    file_name: opts.fileName ?? "paspor.pdf",
    mime_type: opts.mimeType ?? "application/pdf",
    file_size: 184_320,
  };
  if (opts.caption !== undefined) message.caption = opts.caption;
  return wrap({ message: message as Update["message"] }, opts);
}

export interface GroupOpts extends MessageOpts {
  title?: string;
  /** Name of the topic `threadId` refers to (shown in reply_to_message.forum_topic_created). */
  topicName?: string;
  isForum?: boolean;
}

/**
 * A message from `userId` in a supergroup (an operators' forum). With `threadId` it is a topic
 * message: message_thread_id, is_topic_message, and — as Telegram does for messages that are not
 * explicit replies — reply_to_message set to the topic's "forum_topic_created" service message.
 */
export function groupTextUpdate(
  groupId: number,
  userId: number,
  text: string,
  threadId?: number,
  opts: GroupOpts = {},
): Update {
  const chat: Chat.SupergroupChat = {
    id: groupId,
    type: "supergroup",
    title: opts.title ?? "Pulang Operator",
  };
  if (opts.isForum ?? true) chat.is_forum = true;
  const from = privateUser(userId, { firstName: "Operator", ...opts, userId });
  const message = baseMessage(chat, from, opts);
  message.text = text;
  const entities = commandEntities(text);
  if (entities) message.entities = entities;
  if (threadId !== undefined) {
    message.message_thread_id = threadId;
    message.is_topic_message = true;
    if (!opts.replyTo) {
      const created = {
        message_id: threadId,
        message_thread_id: threadId,
        from: opts.bot ?? DEFAULT_BOT,
        chat,
        date: (opts.date ?? unixNow()) - 3600,
        is_topic_message: true,
        forum_topic_created: { name: opts.topicName ?? "Topic", icon_color: 7_322_096 },
      };
      message.reply_to_message = created as unknown as Message & { reply_to_message: undefined };
    }
  }
  return wrap({ message: message as Update["message"] }, opts);
}

/** The user blocked the bot (`my_chat_member`, status member -> kicked). */
export function myChatMemberBlocked(chatId: number, opts: CallbackOpts & { date?: number } = {}) {
  return myChatMember(chatId, "member", "kicked", opts);
}

/** The user unblocked (restarted) the bot (`my_chat_member`, status kicked -> member). */
export function myChatMemberUnblocked(chatId: number, opts: CallbackOpts & { date?: number } = {}) {
  return myChatMember(chatId, "kicked", "member", opts);
}

function myChatMember(
  chatId: number,
  from: "member" | "kicked",
  to: "member" | "kicked",
  opts: CallbackOpts & { date?: number },
): Update {
  const bot = opts.bot ?? DEFAULT_BOT;
  const member = (status: "member" | "kicked") =>
    status === "kicked"
      ? ({ user: bot, status: "kicked", until_date: 0 } as const)
      : ({ user: bot, status: "member" } as const);
  return wrap(
    {
      my_chat_member: {
        chat: privateChat(chatId, opts),
        from: privateUser(chatId, opts),
        date: opts.date ?? unixNow(),
        old_chat_member: member(from),
        new_chat_member: member(to),
      },
    },
    opts,
  );
}

/** The name of an update's payload field ("message", "callback_query", ...). */
export function updateType(update: Update): string {
  return Object.keys(update).find((k) => k !== "update_id") ?? "unknown";
}

/** Every chat an update mentions, for the fake server to learn them. */
export function chatsOf(update: Update): Chat[] {
  const out: Chat[] = [];
  const msgs = [
    update.message,
    update.edited_message,
    update.channel_post,
    update.edited_channel_post,
    update.callback_query?.message,
  ];
  for (const m of msgs) if (m && "chat" in m) out.push(m.chat);
  if (update.my_chat_member) out.push(update.my_chat_member.chat);
  if (update.chat_member) out.push(update.chat_member.chat);
  return out;
}
