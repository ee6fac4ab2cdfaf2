/**
 * A faithful fake of the Telegram Bot API for tests: the real grammY bot talks to it over
 * loopback (`new Bot(token, { client: { apiRoot: fake.apiRoot } })`).
 *
 *   const fake = await FakeTelegramApi.start();
 *   const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
 *   await bot.handleUpdate(textUpdate(42, "/start"));
 *   expect(fake.lastTextTo(42)).toContain("Halo");
 *   expect(fake.limitViolations()).toEqual([]);
 *   await fake.close();
 */

export { type HtmlResult, parseHtml } from "./telegram/html.js";
export type { Encoding, UploadedFile } from "./telegram/http.js";
export {
  DEFAULT_LIMITS,
  findLimitViolations,
  type LimitKind,
  type LimitOptions,
  type LimitViolation,
  retryAfterFor,
  SEND_METHODS,
} from "./telegram/limits.js";
export {
  type FailSpec,
  FakeTelegramApi,
  type FakeTelegramOptions,
  type RecordedCall,
  TelegramError,
  type TelegramErrorBody,
  type TopicState,
} from "./telegram/server.js";
export {
  type CallbackOpts,
  callbackUpdate,
  chatsOf,
  commandEntities,
  contactUpdate,
  DEFAULT_BOT,
  DEFAULT_BOT_ID,
  DEFAULT_BOT_USERNAME,
  documentUpdate,
  editedTextUpdate,
  FAKE_TOKEN,
  fakeFileIds,
  type GroupOpts,
  groupTextUpdate,
  lastMessageId,
  locationUpdate,
  type MessageOpts,
  myChatMemberBlocked,
  myChatMemberUnblocked,
  nextMessageId,
  nextUpdateId,
  noteMessageId,
  photoSizes,
  photoUpdate,
  privateChat,
  privateUser,
  stickerUpdate,
  textUpdate,
  type UserOpts,
  updateType,
  voiceUpdate,
} from "./telegram/updates.js";
