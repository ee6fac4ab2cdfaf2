/**
 * A small client for the part of Meta's Graph API the helpline uses: send a message, and
 * fetch a media file a person sent (for operators). Plain fetch, a pinned API version,
 * bounded retries with backoff on throttling and server errors, and typed errors, so a
 * permanent refusal (window closed, number not on WhatsApp) is never retried and can be
 * told apart from a passing one.
 *
 * Error messages carry Meta's code and short title only: never the request, never Meta's
 * `error_data.details` (which may quote what we sent).
 */
import type { OutboundMessage } from "./render.js";

/**
 * The Graph API version the channel is written and tested against. Meta keeps a version for
 * at least two years; moving on is a deliberate change (WHATSAPP_API_VERSION overrides it).
 */
export const GRAPH_API_VERSION = "v24.0";

/** Throttling and passing failures, by Meta's error code: worth trying again. */
const RETRYABLE_CODES = new Set([
  1, // unknown error (API unavailable)
  2, // service temporarily unavailable
  4, // application request limit
  80007, // WhatsApp Business Account rate limit
  130429, // throughput (messages per second) reached
  131000, // something went wrong
  131016, // service unavailable
  131056, // pair rate limit: too many messages to one person
  131057, // account in maintenance (throughput upgrade)
  133004, // server temporarily unavailable
]);

/**
 * Codes that mean this person cannot be written to now, whatever we retry: the 24-hour
 * window closed (131047), the number cannot receive (131026: not on WhatsApp, old app, terms
 * not accepted), it is not on a test number's allowed list (131030), or it is our own
 * (131021). They come back when the person writes again.
 */
export const RECIPIENT_CODES = new Set([131021, 131026, 131030, 131047]);

/** Meta's pair rate limit: about one message every 6 seconds to one person. */
const PAIR_RATE_CODE = 131056;

/** A refusal or failure of the Graph API. */
export class GraphError extends Error {
  override readonly name = "GraphError";

  constructor(
    /** HTTP status, or 0 when no answer came (network, timeout). */
    readonly status: number,
    /** Meta's error code (`error.code`), when it sent one. */
    readonly code: number | undefined,
    /** Meta's short title, e.g. "(#131047) Re-engagement message". */
    readonly title?: string,
    readonly subcode?: number,
    /** How long Meta asked us to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`WhatsApp Graph API error ${code ?? status}${title ? ` ${title}` : ""}`);
  }

  /** Throttling, a server error or no answer: the same call may succeed later. */
  get retryable(): boolean {
    if (this.code !== undefined && RETRYABLE_CODES.has(this.code)) return true;
    if (this.code !== undefined && RECIPIENT_CODES.has(this.code)) return false;
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }

  /** The person cannot be written to until they write again (see RECIPIENT_CODES). */
  get recipientUnreachable(): boolean {
    return this.code !== undefined && RECIPIENT_CODES.has(this.code);
  }
}

export interface GraphClientOptions {
  /** `https://graph.facebook.com`, or a fake's root in tests. */
  apiRoot: string;
  version?: string;
  phoneNumberId: string;
  accessToken: string;
  /** Attempts per call, retries included (default 4). */
  maxAttempts?: number;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** What Meta says about a media file a person sent. */
export interface MediaInfo {
  url: string;
  mimeType: string;
  fileSize?: number;
}

/** See the file comment. */
export class GraphClient {
  readonly #o: Required<Omit<GraphClientOptions, "fetch" | "sleep">>;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(o: GraphClientOptions) {
    this.#o = {
      apiRoot: o.apiRoot.replace(/\/$/, ""),
      version: o.version ?? GRAPH_API_VERSION,
      phoneNumberId: o.phoneNumberId,
      accessToken: o.accessToken,
      maxAttempts: o.maxAttempts ?? 4,
      timeoutMs: o.timeoutMs ?? 15_000,
    };
    this.#fetch = o.fetch ?? fetch;
    this.#sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Send one message to `to` (a wa_id: digits, no "+"). Resolves with its id (`wamid...`).
   *
   * @throws GraphError after the last attempt, or at once when it is not worth retrying
   */
  async send(to: string, message: OutboundMessage): Promise<string> {
    const url = `${this.#base()}/${this.#o.phoneNumberId}/messages`;
    const body = { messaging_product: "whatsapp", recipient_type: "individual", to, ...message };
    const answer = await this.#retrying(() => this.#json(url, { method: "POST", body }));
    const id = (answer as { messages?: { id?: unknown }[] }).messages?.[0]?.id;
    if (typeof id !== "string") throw new GraphError(200, undefined, "answer without message id");
    return id;
  }

  /** Where a media file a person sent can be downloaded (for a short while), and its type. */
  async media(mediaId: string): Promise<MediaInfo> {
    const url = `${this.#base()}/${encodeURIComponent(mediaId)}`;
    const answer = (await this.#retrying(() => this.#json(url, { method: "GET" }))) as {
      url?: unknown;
      mime_type?: unknown;
      file_size?: unknown;
    };
    if (typeof answer.url !== "string") throw new GraphError(200, undefined, "media without url");
    return {
      url: answer.url,
      mimeType:
        typeof answer.mime_type === "string" ? answer.mime_type : "application/octet-stream",
      ...(typeof answer.file_size === "number" ? { fileSize: answer.file_size } : {}),
    };
  }

  /** The bytes at a media URL from {@link media}; refuses files over `maxBytes`. */
  async download(url: string, maxBytes: number): Promise<Buffer> {
    return this.#retrying(async () => {
      const res = await this.#request(url, { method: "GET" });
      if (!res.ok) throw await errorOf(res);
      const declared = Number(res.headers.get("content-length") ?? "0");
      if (declared > maxBytes) throw new GraphError(413, undefined, "media too large");
      const bytes = Buffer.from(await res.arrayBuffer());
      if (bytes.length > maxBytes) throw new GraphError(413, undefined, "media too large");
      return bytes;
    });
  }

  #base(): string {
    return `${this.#o.apiRoot}/${this.#o.version}`;
  }

  async #json(url: string, init: { method: string; body?: unknown }): Promise<unknown> {
    const res = await this.#request(url, init);
    if (!res.ok) throw await errorOf(res);
    return res.json();
  }

  async #request(url: string, init: { method: string; body?: unknown }): Promise<Response> {
    try {
      return await this.#fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${this.#o.accessToken}`,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (err) {
      // No answer (refused, reset, timed out): the message may or may not have arrived.
      // Trying again risks a duplicate; not trying risks losing it. A duplicate is kinder.
      throw new GraphError(0, undefined, (err as Error).name);
    }
  }

  async #retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof GraphError) || !err.retryable || attempt >= this.#o.maxAttempts)
          throw err;
        await this.#sleep(backoffMs(err, attempt));
      }
    }
  }
}

/** How long to wait before attempt `attempt + 1`: Meta's word, else doubling from 1 s. */
export function backoffMs(err: GraphError, attempt: number): number {
  const doubling = Math.min(30_000, 1000 * 2 ** (attempt - 1)) + Math.floor(Math.random() * 250);
  const floor = err.code === PAIR_RATE_CODE ? 6000 : 0;
  return Math.max(err.retryAfterMs ?? 0, floor, doubling);
}

/** A Graph error answer (`{ error: { message, type, code, error_subcode, fbtrace_id } }`). */
async function errorOf(res: Response): Promise<GraphError> {
  let body: { error?: { message?: unknown; code?: unknown; error_subcode?: unknown } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const e = body.error ?? {};
  const retryAfter = Number(res.headers.get("retry-after"));
  return new GraphError(
    res.status,
    typeof e.code === "number" ? e.code : undefined,
    typeof e.message === "string" ? e.message.slice(0, 120) : undefined,
    typeof e.error_subcode === "number" ? e.error_subcode : undefined,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  );
}
