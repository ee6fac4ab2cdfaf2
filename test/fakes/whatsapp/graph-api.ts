/**
 * A fake of the part of Meta's Graph API the WhatsApp channel uses, on loopback, for tests:
 * the real GraphClient talks to it (`apiRoot: fake.apiRoot`).
 *
 * - `POST /<version>/<phone number id>/messages` with `Authorization: Bearer <token>`:
 *   checks the body the way the Cloud API does (types, required fields, WhatsApp's limits:
 *   3 reply buttons of 20 characters, lists of 10 rows with 24-character titles and 72-
 *   character descriptions, 1,024-character interactive bodies, 4,096-character texts),
 *   answers `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id }] }`, or
 *   Graph's error shape `{ error: { message, type, code, error_data, fbtrace_id } }`.
 * - `GET /<version>/<media id>` and the download URL it names, for media people sent.
 * - Fault injection: `failNext(code)`, `closeWindow(number)` (131047 for all but templates).
 * - Every call is recorded with its body; `violations` lists every limit a send broke.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_PHONE_NUMBER_ID = "106540352242922";
export const FAKE_DISPLAY_NUMBER = "15550783881";
export const FAKE_WABA_ID = "102290129340398";
export const FAKE_ACCESS_TOKEN = `EAAJB${"x".repeat(40)}`;
export const FAKE_APP_SECRET = "0123456789abcdef0123456789abcdef";
export const FAKE_VERIFY_TOKEN = "verify-token-0123456789";
export const FAKE_VERSION = "v24.0";

/** A Graph error body. */
export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  error_data?: { messaging_product: "whatsapp"; details: string };
  fbtrace_id: string;
}

/** One call the fake answered. */
export interface GraphCall {
  method: string;
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: recorded request bodies are read freely by tests
  body?: any;
  at: number;
  status: number;
  /** The message id, for a send that was accepted. */
  messageId?: string;
  error?: GraphErrorBody;
  /** The answer came from failNext / closeWindow rather than the checks. */
  injected?: "failNext" | "window";
}

/** An accepted send. */
export interface SentMessage {
  id: string;
  to: string;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: the message as sent, read freely by tests
  body: any;
  at: number;
}

interface FailRule {
  code: number;
  status: number;
  remaining: number;
  to?: string;
}

export interface FakeGraphOptions {
  phoneNumberId?: string;
  accessToken?: string;
  version?: string;
  /** Delay before every answer. */
  latencyMs?: number;
}

/** Meta's wording for the codes tests use. */
const TITLES: Record<number, string> = {
  1: "An unknown error occurred",
  2: "Service temporarily unavailable",
  4: "Application request limit reached",
  100: "Invalid parameter",
  190: "Invalid OAuth access token - Cannot parse access token",
  130429: "Rate limit hit",
  131000: "Something went wrong",
  131008: "Required parameter is missing",
  131009: "Parameter value is not valid",
  131016: "Service unavailable",
  131021: "Recipient cannot be sender",
  131026: "Message Undeliverable",
  131030: "Recipient phone number not in allowed list",
  131047: "Re-engagement message",
  131051: "Unsupported message type",
  131056: "(Business Account, Consumer Account) pair rate limit hit",
  132001: "Template name does not exist in the translation",
};

/** Codes Meta answers with a server error status; the rest come as 400. */
const SERVER_CODES = new Set([1, 2, 131000, 131016, 133004]);

export class FakeGraphApi {
  readonly calls: GraphCall[] = [];
  /** Every limit or shape problem found in a send, whether or not it was refused. */
  readonly violations: { to: string; problem: string }[] = [];
  readonly #fails: FailRule[] = [];
  readonly #closed = new Set<string>();
  readonly #media = new Map<string, { bytes: Buffer; mime: string }>();
  readonly #waiters = new Set<() => void>();
  #root = "";

  private constructor(
    readonly server: Server,
    readonly o: Required<FakeGraphOptions>,
  ) {}

  /** Listen on a free loopback port. */
  static async start(o: FakeGraphOptions = {}): Promise<FakeGraphApi> {
    const opts: Required<FakeGraphOptions> = {
      phoneNumberId: o.phoneNumberId ?? FAKE_PHONE_NUMBER_ID,
      accessToken: o.accessToken ?? FAKE_ACCESS_TOKEN,
      version: o.version ?? FAKE_VERSION,
      latencyMs: o.latencyMs ?? 0,
    };
    let fake: FakeGraphApi | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    fake = new FakeGraphApi(server, opts);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    fake.#root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** What the client is given as WHATSAPP_API_ROOT. */
  get apiRoot(): string {
    return this.#root;
  }

  /** Accepted sends, to one number or all, oldest first. */
  sent(to?: string): SentMessage[] {
    return this.calls
      .filter((c) => c.messageId && c.method === "POST" && (to === undefined || c.body?.to === to))
      .map((c) => ({
        id: c.messageId as string,
        to: c.body.to,
        type: c.body.type,
        body: c.body,
        at: c.at,
      }));
  }

  /** The readable text of an accepted send (text body, interactive body, template name). */
  static textOf(m: SentMessage): string {
    if (m.type === "text") return m.body.text.body;
    if (m.type === "interactive") return m.body.interactive.body.text;
    return `[template ${m.body.template?.name}]`;
  }

  /** The next `times` sends (to `to`, if given) answer with error `code`. */
  failNext(code: number, o: { times?: number; status?: number; to?: string } = {}): void {
    this.#fails.push({
      code,
      status: o.status ?? (SERVER_CODES.has(code) ? 500 : 400),
      remaining: o.times ?? 1,
      ...(o.to ? { to: o.to } : {}),
    });
  }

  /** More than 24 h since `to` wrote: everything but a template is refused with 131047. */
  closeWindow(to: string): void {
    this.#closed.add(to);
  }

  openWindow(to: string): void {
    this.#closed.delete(to);
  }

  /** A file a person "sent": returns its media id. */
  addMedia(bytes: Buffer, mime: string): string {
    const id = String(1_000_000_000_000 + Math.floor(Math.random() * 1e12));
    this.#media.set(id, { bytes, mime });
    return id;
  }

  /** Resolve once `done()` holds (checked after every call), or fail after `timeoutMs`. */
  async waitFor(done: () => boolean, timeoutMs = 5000): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`FakeGraphApi.waitFor: not done after ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** Forget calls, violations and injected faults. */
  clear(): void {
    this.calls.length = 0;
    this.violations.length = 0;
    this.#fails.length = 0;
    this.#closed.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.o.latencyMs > 0) await new Promise((r) => setTimeout(r, this.o.latencyMs));
    const url = new URL(req.url ?? "/", this.#root);
    const call: GraphCall = {
      method: req.method ?? "GET",
      path: url.pathname,
      at: Date.now(),
      status: 200,
    };
    const answer = this.#route(req, url, Buffer.concat(chunks), call);
    call.status = answer.status;
    this.calls.push(call);
    res.writeHead(answer.status, { "content-type": answer.type ?? "application/json" });
    res.end(Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body));
    for (const waiter of [...this.#waiters]) waiter();
  }

  #route(
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    call: GraphCall,
  ): { status: number; body: unknown; type?: string } {
    if (req.headers.authorization !== `Bearer ${this.o.accessToken}`) {
      return this.#error(call, 401, 190);
    }
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] === "media" && parts[1] && req.method === "GET")
      return this.#download(parts[1], call);
    if (parts[0] !== this.o.version) return this.#error(call, 400, 100, "Unknown API version");
    if (req.method === "POST" && parts.length === 3 && parts[2] === "messages") {
      if (parts[1] !== this.o.phoneNumberId)
        return this.#error(call, 400, 100, "Unknown phone number id");
      return this.#send(raw, call);
    }
    if (req.method === "GET" && parts.length === 2 && parts[1])
      return this.#mediaInfo(parts[1], call);
    return this.#error(call, 400, 100, "Unsupported request");
  }

  #send(raw: Buffer, call: GraphCall): { status: number; body: unknown } {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return this.#error(call, 400, 100, "Request body is not JSON");
    }
    call.body = body;
    const to = String(body.to ?? "");
    const problems = sendProblems(body);
    for (const problem of problems) this.violations.push({ to, problem });
    if (problems.length > 0) {
      const missing = problems[0]?.startsWith("missing");
      return this.#error(call, 400, missing ? 131008 : 131009, problems[0]);
    }
    const fail = this.#fails.find((f) => f.remaining > 0 && (f.to === undefined || f.to === to));
    if (fail) {
      fail.remaining -= 1;
      call.injected = "failNext";
      return this.#error(call, fail.status, fail.code);
    }
    if (this.#closed.has(to) && body.type !== "template") {
      call.injected = "window";
      return this.#error(
        call,
        400,
        131047,
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
      );
    }
    const id = `wamid.${randomBytes(24).toString("base64")}`;
    call.messageId = id;
    return {
      status: 200,
      body: {
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [body.type === "template" ? { id, message_status: "accepted" } : { id }],
      },
    };
  }

  #mediaInfo(id: string, call: GraphCall): { status: number; body: unknown } {
    const media = this.#media.get(id);
    if (!media) return this.#error(call, 400, 100, "Object does not exist");
    return {
      status: 200,
      body: {
        messaging_product: "whatsapp",
        url: `${this.#root}/media/${id}`,
        mime_type: media.mime,
        sha256: "0".repeat(64),
        file_size: media.bytes.length,
        id,
      },
    };
  }

  #download(id: string, call: GraphCall): { status: number; body: unknown; type?: string } {
    const media = this.#media.get(id);
    if (!media) return this.#error(call, 404, 100, "Media not found");
    return { status: 200, body: media.bytes, type: media.mime };
  }

  #error(call: GraphCall, status: number, code: number, details?: string) {
    const title = TITLES[code] ?? "Error";
    const error: GraphErrorBody = {
      message: code === 190 ? title : `(#${code}) ${title}`,
      type: "OAuthException",
      code,
      ...(details ? { error_data: { messaging_product: "whatsapp" as const, details } } : {}),
      fbtrace_id: randomBytes(9).toString("base64url"),
    };
    call.error = error;
    return { status, body: { error } };
  }
}

// ---- What the Cloud API accepts ---------------------------------------------------------

const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listRows: 10,
  sections: 10,
  sectionTitle: 24,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
};

/** Every problem the Cloud API would refuse `body` for, in the order it checks. */
export function sendProblems(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(body.messaging_product === "whatsapp", "missing messaging_product: whatsapp");
  check(
    typeof body.to === "string" && /^\+?\d{6,15}$/.test(body.to as string),
    "missing or invalid to",
  );
  switch (body.type) {
    case "text":
      textProblems(body.text, check);
      break;
    case "interactive":
      interactiveProblems(body.interactive, check);
      break;
    case "template": {
      const t = body.template as { name?: unknown; language?: { code?: unknown } } | undefined;
      check(typeof t?.name === "string" && t.name.length > 0, "missing template.name");
      check(typeof t?.language?.code === "string", "missing template.language.code");
      break;
    }
    default:
      problems.push(`unsupported type ${String(body.type)}`);
  }
  return problems;
}

type Check = (ok: boolean, problem: string) => void;

function textProblems(text: unknown, check: Check): void {
  const body = (text as { body?: unknown } | undefined)?.body;
  check(typeof body === "string", "missing text.body");
  if (typeof body !== "string") return;
  check(body.trim().length > 0, "text.body is empty");
  check(body.length <= LIMITS.text, `text.body longer than ${LIMITS.text}`);
}

function interactiveProblems(value: unknown, check: Check): void {
  // biome-ignore lint/suspicious/noExplicitAny: an untrusted request body, checked field by field
  const i = value as any;
  const body = i?.body?.text;
  check(typeof body === "string" && body.trim().length > 0, "missing interactive.body.text");
  if (typeof body === "string")
    check(
      body.length <= LIMITS.interactiveBody,
      `interactive.body.text longer than ${LIMITS.interactiveBody}`,
    );
  if (i?.type === "button") buttonProblems(i.action, check);
  else if (i?.type === "list") listProblems(i.action, check);
  else if (i?.type === "location_request_message")
    check(
      i.action?.name === "send_location",
      "location_request_message needs action.name send_location",
    );
  else check(false, `unsupported interactive.type ${String(i?.type)}`);
}

// biome-ignore lint/suspicious/noExplicitAny: an untrusted request body, checked field by field
function buttonProblems(action: any, check: Check): void {
  const buttons: unknown[] = Array.isArray(action?.buttons) ? action.buttons : [];
  check(buttons.length >= 1 && buttons.length <= LIMITS.buttons, "1 to 3 reply buttons");
  const ids = new Set<string>();
  for (const b of buttons as { type?: string; reply?: { id?: unknown; title?: unknown } }[]) {
    check(b.type === "reply", "button type must be reply");
    const { id, title } = b.reply ?? {};
    check(
      typeof id === "string" && id.length > 0 && id.length <= LIMITS.buttonId,
      "button id 1-256 characters",
    );
    check(typeof title === "string" && title.trim().length > 0, "missing button title");
    if (typeof title === "string")
      check(
        title.length <= LIMITS.buttonTitle,
        `Button title length invalid. Min length: 1, Max length: ${LIMITS.buttonTitle}`,
      );
    if (typeof id === "string") {
      check(!ids.has(id), "button ids must be unique");
      ids.add(id);
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: an untrusted request body, checked field by field
function listProblems(action: any, check: Check): void {
  const button = action?.button;
  check(typeof button === "string" && button.trim().length > 0, "missing list action.button");
  if (typeof button === "string")
    check(button.length <= LIMITS.listButton, `list button longer than ${LIMITS.listButton}`);
  const sections: { title?: unknown; rows?: unknown }[] = Array.isArray(action?.sections)
    ? action.sections
    : [];
  check(sections.length >= 1 && sections.length <= LIMITS.sections, "1 to 10 sections");
  let rows = 0;
  const ids = new Set<string>();
  for (const section of sections) {
    if (sections.length > 1)
      check(typeof section.title === "string", "section title required with several sections");
    if (typeof section.title === "string")
      check(
        section.title.length <= LIMITS.sectionTitle,
        `section title longer than ${LIMITS.sectionTitle}`,
      );
    const list: { id?: unknown; title?: unknown; description?: unknown }[] = Array.isArray(
      section.rows,
    )
      ? section.rows
      : [];
    rows += list.length;
    for (const row of list) {
      check(
        typeof row.id === "string" && row.id.length > 0 && row.id.length <= LIMITS.rowId,
        "row id 1-200 characters",
      );
      check(typeof row.title === "string" && row.title.trim().length > 0, "missing row title");
      if (typeof row.title === "string")
        check(
          row.title.length <= LIMITS.rowTitle,
          `Row title length invalid. Max length: ${LIMITS.rowTitle}`,
        );
      if (row.description !== undefined)
        check(
          typeof row.description === "string" && row.description.length <= LIMITS.rowDescription,
          `row description longer than ${LIMITS.rowDescription}`,
        );
      if (typeof row.id === "string") {
        check(!ids.has(row.id), "row ids must be unique");
        ids.add(row.id);
      }
    }
  }
  check(rows >= 1 && rows <= LIMITS.listRows, "1 to 10 rows in all");
}
