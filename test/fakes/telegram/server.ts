/**
 * A fake Telegram Bot API server on loopback, for running the real grammY bot in tests
 * (`new Bot(token, { client: { apiRoot: fake.apiRoot } })`).
 *
 * Speaks the real protocol (core.telegram.org/bots/api#making-requests): `/bot<token>/<method>`
 * (method names case-insensitive, `/bot<token>/test/<method>` for the test environment), bodies
 * as query, JSON, urlencoded or multipart, answers `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }` with the HTTP status equal to error_code.
 * Results are real shapes (grammy/types), error descriptions are Telegram's own wording.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  BotCommand,
  Chat,
  ChatFullInfo,
  ForumTopic,
  InlineKeyboardMarkup,
  MenuButton,
  Message,
  MessageEntity,
  Update,
  UserFromGetMe,
} from "grammy/types";
import { parseHtml } from "./html.js";
import { BodyError, type Encoding, parseRequest, readBody, type UploadedFile } from "./http.js";
import {
  DEFAULT_LIMITS,
  findLimitViolations,
  type LimitOptions,
  type LimitViolation,
  retryAfterFor,
  SEND_METHODS,
} from "./limits.js";
import {
  chatsOf,
  DEFAULT_BOT_ID,
  DEFAULT_BOT_USERNAME,
  FAKE_TOKEN,
  fakeFileIds,
  nextMessageId,
  nextUpdateId,
  noteMessageId,
  photoSizes,
  unixNow,
  updateType,
} from "./updates.js";

export interface FakeTelegramOptions {
  /** The token the bot must use; default FAKE_TOKEN. The bot id is read from it, as Telegram's is. */
  token?: string;
  /** Overrides for what getMe returns. */
  botInfo?: Partial<UserFromGetMe>;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Per-chat burst tolerated within 1 s (default 1: strict 1 message/s). */
  perChatBurst?: number;
  /** Default 30 messages/s overall. */
  globalPerSecond?: number;
  /** Default 20 messages/min to one group. */
  groupPerMinute?: number;
  /** Answer 429 with retry_after, as Telegram would, when a send goes over a limit. */
  enforceLimits?: boolean;
  /**
   * Refuse what the fake has not seen, as Telegram refuses what does not exist: unknown chats
   * ("chat not found"), messages, topics and callback queries. Off by default, so a bot driven by
   * webhook-style updates the fake never saw still works; chats are then learned on first use.
   */
  strict?: boolean;
  /** Also refuse a bare ">" or "&" in HTML text (Telegram tolerates them). Default true. */
  strictHtmlEscaping?: boolean;
}

export interface TelegramErrorBody {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** Time the fake handled the call (ms since epoch). */
  at: number;
  /** params.chat_id, as a number when numeric. */
  chatId?: number | string;
  ok: boolean;
  result?: unknown;
  error?: TelegramErrorBody;
  /** The message a send/copy/forward created (copyMessage's result is only its id). */
  message?: Message;
  /** Files uploaded with a multipart request. */
  files?: UploadedFile[];
  encoding: Encoding;
  /** The answer came from failNext / blockUser / enforceLimits rather than the method. */
  injected?: "failNext" | "blocked" | "limit";
}

export interface FailSpec {
  /** Default 500. */
  error_code?: number;
  /** Default: Telegram's wording for the code (429: "Too Many Requests: retry after N"). */
  description?: string;
  /** Seconds; sent as parameters.retry_after. Default 5 for 429. */
  retry_after?: number;
  migrate_to_chat_id?: number;
  /** How many calls fail; default 1. */
  times?: number;
  /** Only calls to this chat. */
  chatId?: number | string;
  /** Cut the connection instead of answering (grammY raises HttpError). */
  dropConnection?: boolean;
}

export interface TopicState extends ForumTopic {
  closed: boolean;
  deleted: boolean;
}

interface StoredMessage {
  message: Message;
  byBot: boolean;
  deleted: boolean;
}

interface FailRule {
  method: string;
  spec: FailSpec;
  remaining: number;
}

interface Poller {
  wake: () => void;
  finish: (updates: Update[]) => void;
  conflict: (description?: string) => void;
}

interface WebhookState {
  url: string;
  secret_token?: string;
  allowed_updates?: string[];
  max_connections: number;
  ip_address?: string;
}

interface CallContext {
  params: Record<string, unknown>;
  files: UploadedFile[];
  chatId: number | string | undefined;
  now: number;
  /** Registers a callback for the client going away before the answer. */
  onAbort: (cb: () => void) => void;
  /** Set by handlers that create a message. */
  created?: Message;
}

type Handler = (ctx: CallContext) => unknown;

export class TelegramError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: TelegramErrorBody["parameters"],
  ) {
    super(description);
  }

  toBody(): TelegramErrorBody {
    return {
      error_code: this.error_code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

const bad = (what: string) => new TelegramError(400, `Bad Request: ${what}`);

const BLOCKED = "Forbidden: bot was blocked by the user";
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const TERMINATED =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";
const TOPIC_COLORS = [7_322_096, 16_766_590, 13_338_331, 9_367_192, 16_749_490, 16_478_047];
/** Update types Telegram leaves out when allowed_updates is empty or never set. */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
/** Methods refused with 403 for a chat whose user blocked the bot. */
const BLOCKABLE = new Set([
  ...SEND_METHODS,
  "sendChatAction",
  "editMessageText",
  "editMessageCaption",
  "editMessageReplyMarkup",
  "editMessageMedia",
  "editMessageLiveLocation",
]);
/** Copied from a message into its copy. */
const CONTENT_FIELDS = [
  "text",
  "entities",
  "caption",
  "caption_entities",
  "photo",
  "document",
  "location",
  "venue",
  "contact",
  "voice",
  "audio",
  "video",
  "animation",
  "sticker",
  "video_note",
] as const;

function defaultDescription(code: number, retryAfter: number | undefined): string {
  switch (code) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return BLOCKED;
    case 404:
      return "Not Found";
    case 409:
      return TERMINATED;
    case 429:
      return `Too Many Requests: retry after ${retryAfter ?? 5}`;
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    default:
      return "Error";
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function int(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

function chatIdOf(v: unknown): number | string | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v !== "") return /^-?\d+$/.test(v) ? Number(v) : v;
  return undefined;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export class FakeTelegramApi {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  readonly limits: LimitOptions;
  readonly strict: boolean;
  readonly strictHtmlEscaping: boolean;
  latencyMs: number;
  enforceLimits: boolean;
  /** Every call that reached a method, in the order the fake answered them. */
  readonly calls: RecordedCall[] = [];
  /** Emits "call" with each RecordedCall. */
  readonly events = new EventEmitter();

  #server: Server | undefined;
  #apiRoot = "";
  readonly #chats = new Map<string, Chat>();
  readonly #messages = new Map<string, Map<number, StoredMessage>>();
  readonly #topics = new Map<string, Map<number, TopicState>>();
  readonly #blocked = new Set<string>();
  readonly #faults: FailRule[] = [];
  readonly #callbacks = new Map<string, { chatId?: number; answered: boolean }>();
  readonly #commands = new Map<string, BotCommand[]>();
  readonly #descriptions = new Map<string, string>();
  readonly #shortDescriptions = new Map<string, string>();
  readonly #names = new Map<string, string>();
  readonly #menuButtons = new Map<string, MenuButton>();
  readonly #files = new Map<string, { size: number; path: string; bytes?: Buffer }>();
  #queue: Update[] = [];
  #allowedUpdates: string[] | undefined;
  #poller: Poller | undefined;
  #webhook: WebhookState | undefined;
  #closed = false;
  readonly #handlers: Map<string, { name: string; run: Handler }>;

  constructor(opts: FakeTelegramOptions = {}) {
    this.token = opts.token ?? FAKE_TOKEN;
    const idFromToken = int(this.token.split(":")[0]);
    this.botInfo = {
      id: idFromToken ?? DEFAULT_BOT_ID,
      is_bot: true,
      first_name: "Pulang",
      username: DEFAULT_BOT_USERNAME,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
      ...opts.botInfo,
    };
    this.limits = {
      perChatBurst: opts.perChatBurst ?? DEFAULT_LIMITS.perChatBurst,
      globalPerSecond: opts.globalPerSecond ?? DEFAULT_LIMITS.globalPerSecond,
      groupPerMinute: opts.groupPerMinute ?? DEFAULT_LIMITS.groupPerMinute,
    };
    this.latencyMs = opts.latencyMs ?? 0;
    this.enforceLimits = opts.enforceLimits ?? false;
    this.strict = opts.strict ?? false;
    this.strictHtmlEscaping = opts.strictHtmlEscaping ?? true;
    this.events.setMaxListeners(0);
    this.#handlers = this.#buildHandlers();
  }

  /** Start a fake on 127.0.0.1 with a free port. */
  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegramApi> {
    const fake = new FakeTelegramApi(opts);
    await fake.listen();
    return fake;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              ok: false,
              error_code: 500,
              description: `Internal Server Error: fake crashed: ${String(err)}`,
            }),
          );
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.#server = server;
    this.#apiRoot = `http://127.0.0.1:${port}`;
  }

  /** `http://127.0.0.1:<port>`, for grammY's `client.apiRoot`. */
  get apiRoot(): string {
    return this.#apiRoot;
  }

  /** Stop: a pending long poll gets an empty answer, open connections are cut. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#poller?.finish([]);
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ---- Inspection ---------------------------------------------------------------------------

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Messages the bot created in `chatId` (sendMessage, sendLocation, sendDocument, sendPhoto,
   * copyMessage, forwardMessage and the other send methods), in order, as they were when sent.
   */
  sentTo(chatId: number | string): Message[] {
    const key = this.#key(chatId);
    return this.calls
      .filter((c) => c.ok && c.message && this.#key(c.message.chat.id) === key)
      .map((c) => c.message as Message);
  }

  /** Text (or caption) of the last message the bot sent to `chatId`, as the user sees it. */
  lastTextTo(chatId: number | string): string | undefined {
    const last = this.sentTo(chatId).at(-1);
    return last?.text ?? last?.caption;
  }

  /** The chat as the user would see it now: every known message, edits applied, deletions gone. */
  messagesIn(chatId: number | string): Message[] {
    const stored = this.#messages.get(this.#key(chatId));
    if (!stored) return [];
    return [...stored.values()]
      .filter((m) => !m.deleted)
      .map((m) => m.message)
      .sort((a, b) => a.message_id - b.message_id);
  }

  /**
   * Resolves with the first recorded call matching `predicate`, looking at calls from index
   * `fromIndex` on (default 0: calls already recorded count too; pass `fake.calls.length` to
   * wait only for new ones). Event-driven, no polling.
   */
  waitFor(
    predicate: (call: RecordedCall) => boolean,
    timeoutMs = 2000,
    opts: { fromIndex?: number } = {},
  ): Promise<RecordedCall> {
    for (let i = opts.fromIndex ?? 0; i < this.calls.length; i++) {
      const call = this.calls[i];
      if (call && predicate(call)) return Promise.resolve(call);
    }
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall) => {
        if (!predicate(call)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.calls
          .slice(-8)
          .map((c) => `${c.method}${c.ok ? "" : `(${c.error?.error_code})`}`)
          .join(", ");
        reject(
          new Error(
            `waitFor: no matching call within ${timeoutMs} ms; last calls: ${recent || "none"}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("call", onCall);
      };
      this.events.on("call", onCall);
    });
  }

  /** Forget recorded calls (chats, messages, topics and settings stay). */
  clear(): void {
    this.calls.length = 0;
  }

  /** Violations of Telegram's flood limits among the recorded successful sends. */
  limitViolations(): LimitViolation[] {
    return findLimitViolations(this.calls, this.limits);
  }

  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Update[] {
    return [...this.#queue];
  }

  /** What setWebhook stored, or undefined. */
  webhookInfo(): WebhookState | undefined {
    return this.#webhook ? { ...this.#webhook } : undefined;
  }

  /** Forum topics of a chat, deleted ones included (deleted: true). */
  topics(chatId: number | string): TopicState[] {
    return [...(this.#topics.get(this.#key(chatId))?.values() ?? [])].map((t) => ({ ...t }));
  }

  chat(chatId: number | string): Chat | undefined {
    return this.#chats.get(this.#key(chatId));
  }

  // ---- Driving ------------------------------------------------------------------------------

  /** The next `times` calls to `method` ("*" for any but getUpdates) fail as described. */
  failNext(method: string, spec: FailSpec = {}): void {
    this.#faults.push({ method, spec, remaining: spec.times ?? 1 });
  }

  /** Forget every failure still waiting to happen (failNext): Telegram is well again. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Every call to `chatId` that would reach the user answers 403 "bot was blocked by the user". */
  blockUser(chatId: number | string): void {
    this.#blocked.add(this.#key(chatId));
  }

  unblockUser(chatId: number | string): void {
    this.#blocked.delete(this.#key(chatId));
  }

  /** An operator deleted a topic by hand: sends to it fail with "message thread not found". */
  deleteTopic(chatId: number | string, threadId: number): void {
    const topic = this.#topic(chatId, threadId, true);
    if (topic) topic.deleted = true;
  }

  /** Tell the fake about a chat (title, username, is_forum...). */
  registerChat(chat: Chat): void {
    const key = this.#key(chat.id);
    this.#chats.set(key, { ...this.#chats.get(key), ...chat } as Chat);
  }

  /**
   * Learn the chats, messages, topics and callback queries of an update without queueing it
   * (for webhook-style tests that hand updates to the bot directly). queueUpdate does this too.
   */
  remember(update: Update): void {
    for (const chat of chatsOf(update)) this.registerChat(chat);
    const msgs = [update.message, update.edited_message, update.channel_post];
    for (const m of msgs) if (m) this.#storeIncoming(m);
    const cq = update.callback_query;
    if (cq) {
      const msg = cq.message && "chat" in cq.message ? cq.message : undefined;
      if (msg && "date" in msg && msg.date !== 0) this.#storeIncoming(msg as Message);
      const prev = this.#callbacks.get(cq.id);
      this.#callbacks.set(cq.id, {
        ...(msg ? { chatId: msg.chat.id } : {}),
        answered: prev?.answered ?? false,
      });
    }
  }

  /** Queue an update for getUpdates (long polling); update_id is assigned when missing. */
  queueUpdate(update: Update | Omit<Update, "update_id">): Update {
    const full = (
      "update_id" in update && typeof update.update_id === "number"
        ? update
        : { ...update, update_id: nextUpdateId() }
    ) as Update;
    this.remember(full);
    this.#queue.push(full);
    this.#poller?.wake();
    return full;
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const send = (status: number, payload: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const notFound = () => send(404, { ok: false, error_code: 404, description: "Not Found" });

    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const stored = [...this.#files.values()].find((f) => f.path === file[2]);
      if (file[1] !== this.token || !stored) return notFound();
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(stored.bytes ?? Buffer.alloc(stored.size, 0x2a));
      return;
    }
    const m = /^\/bot([^/]*)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    if (!m) return notFound();
    const [, token, rawMethod] = m as unknown as [string, string, string];
    const handler = this.#handlers.get(rawMethod.toLowerCase());
    const method = handler?.name ?? rawMethod;

    let parsed: ReturnType<typeof parseRequest>;
    try {
      parsed = parseRequest(req, body, url);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      const error = bad(err.message.replace(/^Bad Request: /, "")).toBody();
      this.#record({ method, params: {}, at: Date.now(), ok: false, error, encoding: "none" });
      return send(400, { ok: false, ...error });
    }
    const { params, files, encoding } = parsed;
    const chatId = chatIdOf(params.chat_id);
    const base = {
      method,
      params,
      ...(chatId !== undefined ? { chatId } : {}),
      ...(files.length > 0 ? { files } : {}),
      encoding,
    };
    const fail = (error: TelegramErrorBody, injected?: RecordedCall["injected"]) => {
      this.#record({
        ...base,
        at: Date.now(),
        ok: false,
        error,
        ...(injected ? { injected } : {}),
      });
      send(error.error_code, { ok: false, ...error });
    };

    if (token !== this.token) return fail({ error_code: 401, description: "Unauthorized" });
    if (!handler) return fail({ error_code: 404, description: "Not Found" });
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    const fault = this.#takeFault(method, chatId);
    if (fault) {
      if (fault.dropConnection) {
        this.#record({
          ...base,
          at: Date.now(),
          ok: false,
          error: { error_code: 0, description: "connection dropped" },
          injected: "failNext",
        });
        res.destroy();
        return;
      }
      const code = fault.error_code ?? 500;
      const retryAfter = code === 429 ? (fault.retry_after ?? 5) : fault.retry_after;
      const parameters = {
        ...(retryAfter !== undefined ? { retry_after: retryAfter } : {}),
        ...(fault.migrate_to_chat_id !== undefined
          ? { migrate_to_chat_id: fault.migrate_to_chat_id }
          : {}),
      };
      return fail(
        {
          error_code: code,
          description: fault.description ?? defaultDescription(code, retryAfter),
          ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
        },
        "failNext",
      );
    }
    if (chatId !== undefined && BLOCKABLE.has(method) && this.#blocked.has(this.#key(chatId))) {
      return fail({ error_code: 403, description: BLOCKED }, "blocked");
    }
    if (this.enforceLimits && chatId !== undefined && SEND_METHODS.has(method)) {
      const now = Date.now();
      const retryAfter = retryAfterFor(this.calls, this.#limitChatId(chatId), now, this.limits);
      if (retryAfter !== undefined) {
        return fail(
          {
            error_code: 429,
            description: `Too Many Requests: retry after ${retryAfter}`,
            parameters: { retry_after: retryAfter },
          },
          "limit",
        );
      }
    }

    let aborted = false;
    const abortCallbacks: (() => void)[] = [];
    res.on("close", () => {
      if (res.writableFinished) return;
      aborted = true;
      for (const cb of abortCallbacks) cb();
    });
    const ctx: CallContext = {
      params,
      files,
      chatId,
      now: Date.now(),
      onAbort: (cb) => abortCallbacks.push(cb),
    };
    try {
      // Sync handlers are checked, run and recorded in one go, so concurrent sends cannot slip
      // past the limit check between them.
      const out = handler.run(ctx);
      const result = out instanceof Promise ? await out : out;
      if (aborted) return; // e.g. a long poll grammY cancelled: nobody saw the answer
      this.#record({
        ...base,
        ...(ctx.chatId !== undefined ? { chatId: ctx.chatId } : {}),
        at: ctx.now,
        ok: true,
        result,
        ...(ctx.created ? { message: structuredClone(ctx.created) } : {}),
      });
      send(200, { ok: true, result });
    } catch (err) {
      if (!(err instanceof TelegramError)) throw err;
      if (aborted) return;
      fail(err.toBody());
    }
  }

  #record(call: RecordedCall): void {
    this.calls.push(call);
    this.events.emit("call", call);
  }

  #takeFault(method: string, chatId: number | string | undefined): FailSpec | undefined {
    const i = this.#faults.findIndex(
      (f) =>
        (f.method === method || (f.method === "*" && method !== "getUpdates")) &&
        (f.spec.chatId === undefined ||
          (chatId !== undefined && this.#key(f.spec.chatId) === this.#key(chatId))),
    );
    const rule = this.#faults[i];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#faults.splice(i, 1);
    return rule.spec;
  }

  // ---- State helpers ------------------------------------------------------------------------

  #key(chatId: number | string): string {
    if (typeof chatId === "string" && chatId.startsWith("@")) {
      const name = chatId.slice(1).toLowerCase();
      for (const [key, chat] of this.#chats) {
        if ("username" in chat && chat.username?.toLowerCase() === name) return key;
      }
    }
    return String(chatId);
  }

  #limitChatId(chatId: number | string): number | string {
    const chat = this.#chats.get(this.#key(chatId));
    return chat ? chat.id : chatId;
  }

  /** The chat a call targets, learned on first use unless strict. */
  #resolveChat(raw: unknown): Chat {
    const id = chatIdOf(raw);
    if (id === undefined) throw bad("chat_id is empty");
    const known = this.#chats.get(this.#key(id));
    if (known) return known;
    if (this.strict || typeof id === "string") throw bad("chat not found");
    let chat: Chat;
    if (id > 0) chat = { id, type: "private", first_name: `User ${id}` };
    else if (id <= -1_000_000_000_000) {
      chat = { id, type: "supergroup", title: `Group ${id}`, is_forum: true };
    } else chat = { id, type: "group", title: `Group ${id}` };
    this.#chats.set(String(id), chat);
    return chat;
  }

  #store(chatId: number | string): Map<number, StoredMessage> {
    const key = this.#key(chatId);
    let map = this.#messages.get(key);
    if (!map) {
      map = new Map();
      this.#messages.set(key, map);
    }
    return map;
  }

  #storeIncoming(message: Message): void {
    noteMessageId(message.chat.id, message.message_id);
    const byBot = message.from?.id === this.botInfo.id;
    const store = this.#store(message.chat.id);
    const existing = store.get(message.message_id);
    store.set(message.message_id, {
      message: existing && byBot ? existing.message : message,
      byBot,
      deleted: existing?.deleted ?? false,
    });
    const thread = message.message_thread_id;
    if (thread !== undefined && message.is_topic_message) {
      const created = (message.reply_to_message as { forum_topic_created?: ForumTopic } | undefined)
        ?.forum_topic_created;
      const topic = this.#topic(message.chat.id, thread, true);
      if (topic && created?.name && topic.name === "Topic") topic.name = created.name;
    }
  }

  #topic(chatId: number | string, threadId: number, create: boolean): TopicState | undefined {
    const key = this.#key(chatId);
    let map = this.#topics.get(key);
    if (!map) {
      if (!create) return undefined;
      map = new Map();
      this.#topics.set(key, map);
    }
    let topic = map.get(threadId);
    if (!topic && create) {
      topic = {
        message_thread_id: threadId,
        name: "Topic",
        icon_color: TOPIC_COLORS[0] as number,
        closed: false,
        deleted: false,
      };
      map.set(threadId, topic);
    }
    return topic;
  }

  #lookup(chatId: number | string, messageId: unknown): StoredMessage | undefined {
    const id = int(messageId);
    if (id === undefined) return undefined;
    return this.#messages.get(this.#key(chatId))?.get(id);
  }

  #isForum(chat: Chat): boolean {
    if (chat.type === "supergroup") return chat.is_forum === true;
    if (chat.type === "private") return this.botInfo.has_topics_enabled;
    return false;
  }

  /** Check message_thread_id: a deleted (or, when strict, unknown) topic is "not found". */
  #thread(chat: Chat, raw: unknown): number | undefined {
    const threadId = int(raw);
    if (threadId === undefined) return undefined;
    const topic = this.#topic(chat.id, threadId, false);
    if (topic?.deleted) throw bad("message thread not found");
    if (!topic && this.strict && this.#isForum(chat)) throw bad("message thread not found");
    return threadId;
  }

  /** Text as Telegram stores it: parse_mode applied, trimmed, length-checked. */
  #formatText(
    raw: unknown,
    parseMode: unknown,
    entities: unknown,
    kind: "text" | "caption",
  ): { text: string; entities?: MessageEntity[] } {
    const input = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw : "";
    let text: string;
    let out: MessageEntity[] | undefined;
    const mode = typeof parseMode === "string" ? parseMode : "";
    if (mode.toLowerCase() === "html") {
      const parsed = parseHtml(input, { strictEscaping: this.strictHtmlEscaping });
      if (!parsed.ok) throw bad(parsed.error);
      text = parsed.text;
      out = parsed.entities.length > 0 ? parsed.entities : undefined;
    } else if (
      mode === "" ||
      mode.toLowerCase() === "markdownv2" ||
      mode.toLowerCase() === "markdown"
    ) {
      // Markdown is not parsed by the fake: the text is kept as sent.
      text = input.trim();
      if (Array.isArray(entities) && entities.length > 0) out = entities as MessageEntity[];
    } else {
      throw bad(`unsupported parse_mode "${mode}"`);
    }
    if (kind === "text") {
      if (text.length === 0) throw bad("message text is empty");
      if (text.length > 4096) throw bad("message is too long");
    } else if (text.length > 1024) {
      throw bad("message caption is too long");
    }
    return out ? { text, entities: out } : { text };
  }

  /** Validate reply_markup; returns what a Message echoes (inline keyboards only). */
  #markup(raw: unknown): InlineKeyboardMarkup | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== "object") throw bad("can't parse reply keyboard markup JSON object");
    const markup = raw as Record<string, unknown>;
    if ("inline_keyboard" in markup) {
      const rows = markup.inline_keyboard;
      if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
        throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
      }
      for (const row of rows as unknown[][]) {
        for (const button of row as Record<string, unknown>[]) {
          if (typeof button?.text !== "string" || button.text === "") {
            throw bad("text buttons are unallowed in the inline keyboard");
          }
          const data = button.callback_data;
          if (data !== undefined) {
            const bytes = typeof data === "string" ? utf8Length(data) : 0;
            if (bytes < 1 || bytes > 64) throw bad("BUTTON_DATA_INVALID");
          }
          const actions = [
            "callback_data",
            "url",
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
          ];
          if (!actions.some((a) => button[a] !== undefined)) {
            throw bad("text buttons are unallowed in the inline keyboard");
          }
        }
      }
      return raw as InlineKeyboardMarkup;
    }
    if ("keyboard" in markup) {
      const rows = markup.keyboard;
      if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
        throw bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
      }
    }
    return undefined;
  }

  #replyTo(chat: Chat, params: Record<string, unknown>): Message | undefined {
    const rp = params.reply_parameters as Record<string, unknown> | undefined;
    const id = int(rp?.message_id ?? params.reply_to_message_id);
    if (id === undefined) return undefined;
    const fromChat = rp?.chat_id !== undefined ? (chatIdOf(rp.chat_id) ?? chat.id) : chat.id;
    const stored = this.#lookup(fromChat, id);
    const allowMissing = rp?.allow_sending_without_reply ?? params.allow_sending_without_reply;
    if (!stored || stored.deleted) {
      if ((stored?.deleted || this.strict) && allowMissing !== true) {
        throw bad("message to be replied not found");
      }
      return undefined;
    }
    const { reply_to_message: _drop, ...rest } = stored.message;
    return rest as Message;
  }

  /** Create and store a message from the bot in `chat`. */
  #post(ctx: CallContext, chat: Chat, content: Partial<Message>): Message {
    const threadId = this.#thread(chat, ctx.params.message_thread_id);
    const replyTo = this.#replyTo(chat, ctx.params);
    const markup = this.#markup(ctx.params.reply_markup);
    const from = {
      id: this.botInfo.id,
      is_bot: true,
      first_name: this.botInfo.first_name,
      username: this.botInfo.username,
    };
    const message = {
      message_id: nextMessageId(chat.id),
      from,
      chat: { ...chat },
      date: unixNow(),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...content,
      ...(markup ? { reply_markup: markup } : {}),
    } as Message;
    if (ctx.params.has_protected_content === true || ctx.params.protect_content === true) {
      message.has_protected_content = true;
    }
    this.#store(chat.id).set(message.message_id, { message, byBot: true, deleted: false });
    ctx.chatId = chat.id;
    ctx.created = message;
    return message;
  }

  #fileFromParam(
    ctx: CallContext,
    field: string,
    fallbackName: string,
  ): { name: string; size: number; bytes?: Buffer } {
    const raw = ctx.params[field];
    if (raw === undefined || raw === "") throw bad(`there is no ${field} in the request`);
    if (typeof raw === "string" && raw.startsWith("attach://")) {
      const upload = ctx.files.find((f) => f.field === raw.slice("attach://".length));
      if (!upload) throw bad(`there is no ${field} in the request`);
      return { name: upload.filename, size: upload.bytes.length, bytes: upload.bytes };
    }
    if (typeof raw === "string" && /^https?:\/\//i.test(raw)) {
      const last = new URL(raw).pathname.split("/").pop();
      return { name: last || fallbackName, size: 48_213 };
    }
    if (typeof raw === "string") {
      const known = this.#files.get(raw);
      return { name: fallbackName, size: known?.size ?? 48_213 };
    }
    const upload = ctx.files.find((f) => f.field === field);
    if (upload) return { name: upload.filename, size: upload.bytes.length, bytes: upload.bytes };
    throw bad(`there is no ${field} in the request`);
  }

  #registerFile(ids: { file_id: string }, size: number, path: string, bytes?: Buffer): void {
    this.#files.set(ids.file_id, { size, path, ...(bytes ? { bytes } : {}) });
  }

  #caption(ctx: CallContext): Partial<Message> {
    if (ctx.params.caption === undefined) return {};
    const c = this.#formatText(
      ctx.params.caption,
      ctx.params.parse_mode,
      ctx.params.caption_entities,
      "caption",
    );
    if (c.text === "") return {};
    return { caption: c.text, ...(c.entities ? { caption_entities: c.entities } : {}) };
  }

  #editable(ctx: CallContext): { stored: StoredMessage; chat: Chat } | undefined {
    if (ctx.params.inline_message_id !== undefined) return undefined;
    const chat = this.#resolveChat(ctx.params.chat_id);
    ctx.chatId = chat.id;
    if (int(ctx.params.message_id) === undefined) throw bad("message identifier is not specified");
    const stored = this.#lookup(chat.id, ctx.params.message_id);
    if (!stored || stored.deleted) throw bad("message to edit not found");
    if (!stored.byBot) throw bad("message can't be edited");
    return { stored, chat };
  }

  #commandKey(params: Record<string, unknown>): string {
    const scope = (params.scope ?? { type: "default" }) as Record<string, unknown>;
    const lang = typeof params.language_code === "string" ? params.language_code : "";
    return [scope.type ?? "default", scope.chat_id ?? "", scope.user_id ?? "", lang].join("|");
  }

  #takeUpdates(limit: number): Update[] {
    const allowed = this.#allowedUpdates;
    this.#queue = this.#queue.filter((u) => {
      const type = updateType(u);
      return allowed && allowed.length > 0 ? allowed.includes(type) : !OPT_IN_UPDATES.has(type);
    });
    return this.#queue.slice(0, limit);
  }

  // ---- Methods ------------------------------------------------------------------------------

  #buildHandlers(): Map<string, { name: string; run: Handler }> {
    const h: Record<string, Handler> = {
      getMe: () => this.botInfo,
      logOut: () => true,
      close: () => true,

      getUpdates: (ctx) => this.#getUpdates(ctx),
      setWebhook: (ctx) => {
        const url = str(ctx.params.url) ?? "";
        if (ctx.params.drop_pending_updates === true) this.#queue = [];
        if (url === "") {
          this.#webhook = undefined;
          return true;
        }
        const secret = str(ctx.params.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
          throw bad("secret token contains unallowed characters");
        }
        const allowed = ctx.params.allowed_updates;
        this.#webhook = {
          url,
          max_connections: int(ctx.params.max_connections) ?? 40,
          ...(secret !== undefined ? { secret_token: secret } : {}),
          ...(Array.isArray(allowed) ? { allowed_updates: allowed as string[] } : {}),
          ...(str(ctx.params.ip_address) ? { ip_address: str(ctx.params.ip_address) } : {}),
        };
        if (Array.isArray(allowed)) this.#allowedUpdates = allowed as string[];
        this.#poller?.conflict("Conflict: terminated by setWebhook request");
        return true;
      },
      deleteWebhook: (ctx) => {
        this.#webhook = undefined;
        if (ctx.params.drop_pending_updates === true) this.#queue = [];
        return true;
      },
      getWebhookInfo: () => {
        const w = this.#webhook;
        if (!w)
          return {
            url: "",
            has_custom_certificate: false,
            pending_update_count: this.#queue.length,
          };
        return {
          url: w.url,
          has_custom_certificate: false,
          pending_update_count: this.#queue.length,
          max_connections: w.max_connections,
          ...(w.ip_address ? { ip_address: w.ip_address } : {}),
          ...(w.allowed_updates ? { allowed_updates: w.allowed_updates } : {}),
        };
      },

      sendMessage: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const t = this.#formatText(
          ctx.params.text,
          ctx.params.parse_mode,
          ctx.params.entities,
          "text",
        );
        const lpo = ctx.params.link_preview_options;
        return this.#post(ctx, chat, {
          text: t.text,
          ...(t.entities ? { entities: t.entities } : {}),
          ...(lpo && typeof lpo === "object" ? { link_preview_options: lpo } : {}),
        });
      },
      sendLocation: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const lat = ctx.params.latitude;
        const lon = ctx.params.longitude;
        if (typeof lat !== "number" || Number.isNaN(lat) || Math.abs(lat) > 90) {
          throw bad("wrong latitude");
        }
        if (typeof lon !== "number" || Number.isNaN(lon) || Math.abs(lon) > 180) {
          throw bad("wrong longitude");
        }
        const location: NonNullable<Message["location"]> = { latitude: lat, longitude: lon };
        for (const k of [
          "horizontal_accuracy",
          "live_period",
          "heading",
          "proximity_alert_radius",
        ]) {
          const v = ctx.params[k];
          if (typeof v === "number") (location as unknown as Record<string, number>)[k] = v;
        }
        return this.#post(ctx, chat, { location });
      },
      sendVenue: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const { latitude, longitude, title, address } = ctx.params;
        if (typeof latitude !== "number" || typeof longitude !== "number")
          throw bad("wrong latitude");
        if (!str(title)) throw bad("venue title is empty");
        const location = { latitude, longitude };
        return this.#post(ctx, chat, {
          location,
          venue: { location, title: String(title), address: str(address) ?? "" },
        });
      },
      sendContact: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const phone = str(ctx.params.phone_number);
        const first = str(ctx.params.first_name);
        if (!phone) throw bad("phone number is empty");
        if (!first) throw bad("first name is empty");
        return this.#post(ctx, chat, { contact: { phone_number: phone, first_name: first } });
      },
      sendDocument: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const f = this.#fileFromParam(ctx, "document", "document");
        const ids = fakeFileIds("document");
        this.#registerFile(
          ids,
          f.size,
          `documents/file_${this.#files.size}${ext(f.name)}`,
          f.bytes,
        );
        return this.#post(ctx, chat, {
          document: { ...ids, file_name: f.name, mime_type: mimeOf(f.name), file_size: f.size },
          ...this.#caption(ctx),
        });
      },
      sendPhoto: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const f = this.#fileFromParam(ctx, "photo", "photo.jpg");
        const sizes = photoSizes();
        for (const s of sizes) {
          this.#registerFile(
            s,
            s.file_size ?? f.size,
            `photos/file_${this.#files.size}.jpg`,
            f.bytes,
          );
        }
        return this.#post(ctx, chat, { photo: sizes, ...this.#caption(ctx) });
      },
      sendVoice: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const f = this.#fileFromParam(ctx, "voice", "voice.ogg");
        const ids = fakeFileIds("voice");
        this.#registerFile(ids, f.size, `voice/file_${this.#files.size}.oga`, f.bytes);
        const duration = int(ctx.params.duration) ?? 1;
        return this.#post(ctx, chat, {
          voice: { ...ids, duration, mime_type: "audio/ogg", file_size: f.size },
          ...this.#caption(ctx),
        });
      },
      sendSticker: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        const f = this.#fileFromParam(ctx, "sticker", "sticker.webp");
        const ids = fakeFileIds("sticker");
        this.#registerFile(ids, f.size, `stickers/file_${this.#files.size}.webp`, f.bytes);
        return this.#post(ctx, chat, {
          sticker: {
            ...ids,
            type: "regular",
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            file_size: f.size,
          },
        });
      },
      sendChatAction: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        if (!str(ctx.params.action)) throw bad("action is empty");
        this.#thread(chat, ctx.params.message_thread_id);
        return true;
      },
      copyMessage: (ctx) => {
        const message = this.#copyOrForward(ctx, "copy");
        return { message_id: message.message_id };
      },
      forwardMessage: (ctx) => this.#copyOrForward(ctx, "forward"),

      editMessageText: (ctx) => {
        const t = this.#formatText(
          ctx.params.text,
          ctx.params.parse_mode,
          ctx.params.entities,
          "text",
        );
        const markup = this.#markup(ctx.params.reply_markup);
        const target = this.#editable(ctx);
        if (!target) return true;
        const msg = target.stored.message;
        if (msg.text === undefined) throw bad("there is no text in the message to edit");
        if (
          msg.text === t.text &&
          sameJson(msg.entities, t.entities) &&
          sameJson(msg.reply_markup, markup)
        ) {
          throw bad(NOT_MODIFIED);
        }
        const edited: Message = { ...msg, text: t.text, edit_date: unixNow() };
        if (t.entities) edited.entities = t.entities;
        else delete edited.entities;
        if (markup) edited.reply_markup = markup;
        else delete edited.reply_markup;
        target.stored.message = edited;
        return edited;
      },
      editMessageReplyMarkup: (ctx) => {
        const markup = this.#markup(ctx.params.reply_markup);
        const target = this.#editable(ctx);
        if (!target) return true;
        const msg = target.stored.message;
        if (sameJson(msg.reply_markup, markup)) throw bad(NOT_MODIFIED);
        const edited: Message = { ...msg, edit_date: unixNow() };
        if (markup) edited.reply_markup = markup;
        else delete edited.reply_markup;
        target.stored.message = edited;
        return edited;
      },
      deleteMessage: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        const id = int(ctx.params.message_id);
        if (id === undefined) throw bad("message identifier is not specified");
        this.#delete(chat, id, true);
        return true;
      },
      deleteMessages: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        const ids = ctx.params.message_ids;
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
          throw bad("message identifiers are not specified");
        }
        for (const id of ids) if (typeof id === "number") this.#delete(chat, id, false);
        return true;
      },
      answerCallbackQuery: (ctx) => {
        const id = str(ctx.params.callback_query_id);
        if (!id) throw bad(QUERY_INVALID);
        const known = this.#callbacks.get(id);
        if (known?.chatId !== undefined) ctx.chatId = known.chatId;
        if ((!known && this.strict) || known?.answered) throw bad(QUERY_INVALID);
        const text = str(ctx.params.text);
        if (text !== undefined && text.length > 200) throw bad("MESSAGE_TOO_LONG");
        this.#callbacks.set(id, { ...known, answered: true });
        return true;
      },

      setMyCommands: (ctx) => {
        const commands = ctx.params.commands;
        if (!Array.isArray(commands)) throw bad("commands must be an array");
        if (commands.length > 100) throw bad("too many commands specified");
        for (const c of commands as Record<string, unknown>[]) {
          if (typeof c?.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
            throw bad("BOT_COMMAND_INVALID");
          }
          if (typeof c.description !== "string" || c.description.trim() === "") {
            throw bad("command description is empty");
          }
          if (c.description.length > 256) throw bad("command description is too long");
        }
        this.#commands.set(this.#commandKey(ctx.params), commands as BotCommand[]);
        return true;
      },
      getMyCommands: (ctx) => this.#commands.get(this.#commandKey(ctx.params)) ?? [],
      deleteMyCommands: (ctx) => {
        this.#commands.delete(this.#commandKey(ctx.params));
        return true;
      },
      setMyDescription: (ctx) => {
        const text = str(ctx.params.description) ?? "";
        if (text.length > 512) throw bad("description is too long");
        setOrDelete(this.#descriptions, str(ctx.params.language_code) ?? "", text);
        return true;
      },
      getMyDescription: (ctx) => ({
        description: this.#descriptions.get(str(ctx.params.language_code) ?? "") ?? "",
      }),
      setMyShortDescription: (ctx) => {
        const text = str(ctx.params.short_description) ?? "";
        if (text.length > 120) throw bad("short description is too long");
        setOrDelete(this.#shortDescriptions, str(ctx.params.language_code) ?? "", text);
        return true;
      },
      getMyShortDescription: (ctx) => ({
        short_description: this.#shortDescriptions.get(str(ctx.params.language_code) ?? "") ?? "",
      }),
      setMyName: (ctx) => {
        const name = str(ctx.params.name) ?? "";
        if (name.length > 64) throw bad("name is too long");
        setOrDelete(this.#names, str(ctx.params.language_code) ?? "", name);
        return true;
      },
      getMyName: (ctx) => ({
        name: this.#names.get(str(ctx.params.language_code) ?? "") ?? this.botInfo.first_name,
      }),
      setChatMenuButton: (ctx) => {
        const key =
          ctx.params.chat_id === undefined
            ? ""
            : this.#key(this.#resolveChat(ctx.params.chat_id).id);
        const button = (ctx.params.menu_button ?? { type: "default" }) as MenuButton;
        this.#menuButtons.set(key, button);
        return true;
      },
      getChatMenuButton: (ctx) => {
        const key =
          ctx.params.chat_id === undefined
            ? ""
            : this.#key(this.#resolveChat(ctx.params.chat_id).id);
        return this.#menuButtons.get(key) ?? this.#menuButtons.get("") ?? { type: "commands" };
      },

      createForumTopic: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        if (!this.#isForum(chat)) throw bad("the chat is not a forum");
        const name = str(ctx.params.name) ?? "";
        if (name.trim() === "") throw bad("TOPIC_TITLE_EMPTY");
        if (name.length > 128) throw bad("TOPIC_TITLE_TOO_LONG");
        const color = int(ctx.params.icon_color) ?? (TOPIC_COLORS[0] as number);
        if (!TOPIC_COLORS.includes(color)) throw bad("TOPIC_ICON_COLOR_INVALID");
        const threadId = nextMessageId(chat.id); // the id of its "topic created" service message
        const topic: TopicState = {
          message_thread_id: threadId,
          name,
          icon_color: color,
          closed: false,
          deleted: false,
        };
        const emoji = str(ctx.params.icon_custom_emoji_id);
        if (emoji) topic.icon_custom_emoji_id = emoji;
        let map = this.#topics.get(this.#key(chat.id));
        if (!map) {
          map = new Map();
          this.#topics.set(this.#key(chat.id), map);
        }
        map.set(threadId, topic);
        const { closed: _c, deleted: _d, ...result } = topic;
        return result;
      },
      editForumTopic: (ctx) => {
        const topic = this.#manageTopic(ctx);
        const name = str(ctx.params.name);
        const emoji = str(ctx.params.icon_custom_emoji_id);
        if (name !== undefined && (name.trim() === "" || name.length > 128)) {
          throw bad("TOPIC_TITLE_EMPTY");
        }
        if (
          (name === undefined || name === topic.name) &&
          (emoji === undefined || emoji === topic.icon_custom_emoji_id)
        ) {
          throw bad("TOPIC_NOT_MODIFIED");
        }
        if (name !== undefined) topic.name = name;
        if (emoji !== undefined) {
          if (emoji === "") delete topic.icon_custom_emoji_id;
          else topic.icon_custom_emoji_id = emoji;
        }
        return true;
      },
      closeForumTopic: (ctx) => {
        const topic = this.#manageTopic(ctx);
        if (topic.closed) throw bad("TOPIC_NOT_MODIFIED");
        topic.closed = true;
        return true;
      },
      reopenForumTopic: (ctx) => {
        const topic = this.#manageTopic(ctx);
        if (!topic.closed) throw bad("TOPIC_NOT_MODIFIED");
        topic.closed = false;
        return true;
      },
      deleteForumTopic: (ctx) => {
        const topic = this.#manageTopic(ctx);
        topic.deleted = true;
        return true;
      },

      getChat: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        return {
          ...chat,
          accent_color_id: 0,
          max_reaction_count: 11,
          accepted_gift_types: {
            unlimited_gifts: false,
            limited_gifts: false,
            unique_gifts: false,
            premium_subscription: false,
            gifts_from_channels: false,
          },
        } as unknown as ChatFullInfo;
      },
      getChatMember: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        const userId = int(ctx.params.user_id);
        if (userId === undefined) throw bad("user not found");
        if (userId === this.botInfo.id && chat.type !== "private") {
          return {
            status: "administrator",
            user: {
              id: this.botInfo.id,
              is_bot: true,
              first_name: this.botInfo.first_name,
              username: this.botInfo.username,
            },
            can_be_edited: false,
            is_anonymous: false,
            can_manage_chat: true,
            can_delete_messages: true,
            can_manage_video_chats: true,
            can_restrict_members: true,
            can_promote_members: false,
            can_change_info: true,
            can_invite_users: true,
            can_post_stories: false,
            can_edit_stories: false,
            can_delete_stories: false,
            can_pin_messages: true,
            can_manage_topics: true,
          };
        }
        return {
          status: "member",
          user: { id: userId, is_bot: false, first_name: `User ${userId}` },
        };
      },
      getFile: (ctx) => {
        const id = str(ctx.params.file_id);
        if (!id) throw bad("file_id is empty");
        const f = this.#files.get(id);
        if (!f) {
          if (this.strict) throw bad("invalid file_id");
          const path = `documents/file_${this.#files.size}.dat`;
          this.#files.set(id, { size: 48_213, path });
          return {
            file_id: id,
            file_unique_id: `AgAD${id.slice(-6)}`,
            file_size: 48_213,
            file_path: path,
          };
        }
        return {
          file_id: id,
          file_unique_id: `AgAD${id.slice(-6)}`,
          file_size: f.size,
          file_path: f.path,
        };
      },
      setMessageReaction: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        return true;
      },
      pinChatMessage: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        return true;
      },
      unpinChatMessage: (ctx) => {
        const chat = this.#resolveChat(ctx.params.chat_id);
        ctx.chatId = chat.id;
        return true;
      },
    };
    return new Map(Object.entries(h).map(([name, run]) => [name.toLowerCase(), { name, run }]));
  }

  #manageTopic(ctx: CallContext): TopicState {
    const chat = this.#resolveChat(ctx.params.chat_id);
    ctx.chatId = chat.id;
    if (!this.#isForum(chat)) throw bad("the chat is not a forum");
    const threadId = int(ctx.params.message_thread_id);
    if (threadId === undefined) throw bad("TOPIC_ID_INVALID");
    const topic = this.#topic(chat.id, threadId, !this.strict);
    if (!topic || topic.deleted) throw bad("TOPIC_ID_INVALID");
    return topic;
  }

  #delete(chat: Chat, id: number, reportMissing: boolean): void {
    const store = this.#store(chat.id);
    const stored = store.get(id);
    if (!stored || stored.deleted) {
      if (reportMissing && (stored?.deleted || this.strict))
        throw bad("message to delete not found");
      if (!stored) {
        // A message the fake never saw (lenient mode): remember it as deleted.
        const tomb = { message_id: id, chat, date: 0 } as Message;
        store.set(id, { message: tomb, byBot: false, deleted: true });
      }
      return;
    }
    stored.deleted = true;
  }

  #copyOrForward(ctx: CallContext, mode: "copy" | "forward"): Message {
    const chat = this.#resolveChat(ctx.params.chat_id);
    ctx.chatId = chat.id;
    const fromId = chatIdOf(ctx.params.from_chat_id);
    if (fromId === undefined) throw bad("from_chat_id is empty");
    const fromChat = this.#resolveChat(fromId);
    const id = int(ctx.params.message_id);
    if (id === undefined) throw bad("message identifier is not specified");
    const notFound = mode === "copy" ? "message to copy not found" : "message to forward not found";
    const stored = this.#lookup(fromChat.id, id);
    if (stored?.deleted || (!stored && this.strict)) throw bad(notFound);
    const source: Message = stored?.message ?? {
      message_id: id,
      chat: fromChat,
      date: unixNow(),
      text: `[message ${id} of chat ${fromChat.id}, unknown to the fake]`,
    };
    const content: Partial<Message> = {};
    for (const field of CONTENT_FIELDS) {
      if (source[field] !== undefined) (content as Record<string, unknown>)[field] = source[field];
    }
    if (Object.keys(content).length === 0) {
      throw bad(mode === "copy" ? "message can't be copied" : "message can't be forwarded");
    }
    if (mode === "copy") {
      if (ctx.params.caption !== undefined && content.text === undefined) {
        delete content.caption;
        delete content.caption_entities;
        Object.assign(content, this.#caption(ctx));
      }
      return this.#post(ctx, chat, content);
    }
    const origin = source.from
      ? { type: "user" as const, sender_user: source.from, date: source.date }
      : { type: "chat" as const, sender_chat: fromChat, date: source.date };
    const saved = ctx.params.reply_markup;
    delete ctx.params.reply_markup; // forwardMessage takes no keyboard
    const message = this.#post(ctx, chat, {
      ...content,
      forward_origin: origin,
    } as Partial<Message>);
    if (saved !== undefined) ctx.params.reply_markup = saved;
    return message;
  }

  #getUpdates(ctx: CallContext): Update[] | Promise<Update[]> {
    if (this.#webhook) {
      throw new TelegramError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = int(ctx.params.offset);
    const limit = Math.min(100, Math.max(1, int(ctx.params.limit) ?? 100));
    const timeout = Math.max(0, Number(ctx.params.timeout ?? 0) || 0);
    const allowed = ctx.params.allowed_updates;
    if (Array.isArray(allowed))
      this.#allowedUpdates = allowed.length > 0 ? (allowed as string[]) : undefined;
    if (offset !== undefined && offset < 0) this.#queue = this.#queue.slice(offset);
    else if (offset !== undefined) this.#queue = this.#queue.filter((u) => u.update_id >= offset);
    // A newer getUpdates ends the pending one, as Telegram does.
    this.#poller?.conflict();
    const ready = this.#takeUpdates(limit);
    if (ready.length > 0 || timeout === 0 || this.#closed) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#poller === poller) this.#poller = undefined;
      };
      const poller: Poller = {
        wake: () => {
          const updates = this.#takeUpdates(limit);
          if (updates.length === 0) return;
          done();
          resolve(updates);
        },
        finish: (updates) => {
          done();
          resolve(updates);
        },
        conflict: (description = TERMINATED) => {
          done();
          // A client that cancelled its poll (grammY's bot.stop()) and asked again at once may
          // not have closed its socket yet: give the close a moment so it is not taken for a
          // second bot instance.
          setTimeout(() => reject(new TelegramError(409, description)), 25);
        },
      };
      const timer = setTimeout(() => poller.finish(this.#takeUpdates(limit)), timeout * 1000);
      this.#poller = poller;
      ctx.onAbort(() => {
        done();
        resolve([]);
      });
    });
  }
}

function setOrDelete(map: Map<string, string>, key: string, value: string): void {
  if (value === "") map.delete(key);
  else map.set(key, value);
}

function ext(name: string): string {
  const m = /\.[A-Za-z0-9]{1,8}$/.exec(name);
  return m ? m[0] : "";
}

function mimeOf(name: string): string {
  const e = ext(name).toLowerCase();
  const types: Record<string, string> = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".json": "application/json",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".zip": "application/zip",
    ".vcf": "text/vcard",
  };
  return types[e] ?? "application/octet-stream";
}
