/**
 * Sending to a person on WhatsApp: render a step's replies, pace them within WhatsApp's
 * limits (the number's rate, most urgent people first, and each person's pair rate), and
 * stop writing to people WhatsApp will not deliver to (window closed, number not on
 * WhatsApp) instead of retrying forever; they become reachable again when they write.
 *
 * The 24-hour window: WhatsApp lets a business write freely only within 24 hours of the
 * person's last message. This channel says how long that is (`windowMs`); the runtime
 * reads when the person last wrote with their session, and the one rule that decides
 * whether we may write (`runtime/write-rule.ts`) holds it beside our own window. Operators who need to reach someone after it closed can send the
 * approved re-engagement template (`reachOut` / `sendTemplate`); the bot itself never does.
 */
import type { Effect, Priority, Texts } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { DeliveryFailure, PersonChannel, Sent } from "../../runtime/effects.js";
import type { ConversationKey, ConversationStore } from "../../runtime/ports.js";
import type { Reachability } from "../../runtime/reachability.js";
import { errorSummary } from "../../runtime/runtime.js";
import type { Pacer, PaceTarget } from "../pacer.js";
import { type GraphClient, GraphError } from "./graph.js";
import { langHintOf, recipientOf } from "./inbound.js";
import { PairLimiter } from "./pair-limiter.js";
import { type OutboundMessage, type RenderWords, renderReplies } from "./render.js";
import { type WhatsAppStore, WINDOW_MS } from "./store.js";

type Reply = Extract<Effect, { type: "reply" }>;

const PRIORITY_RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3 };
/** Largest media file fetched for operators (Telegram bots may upload 50 MB). */
export const MAX_MEDIA_BYTES = 20 * 1024 * 1024;

/** A message to a person that WhatsApp refused (131047: window closed, 131026: cannot receive...). */
export type { DeliveryFailure };

/** What reaching a person after the window can come to (for the operator side). */
export type ReachOutcome =
  /** The window is open: write as usual. */
  | { status: "open" }
  /** The re-engagement template went out; the window opens when the person answers it. */
  | { status: "template_sent" }
  /** No template is configured: nothing can be sent until the person writes. */
  | { status: "window_closed" }
  /** WhatsApp will not deliver to this number (not on WhatsApp, not allowed...). */
  | { status: "unreachable"; code?: number }
  /** Sending failed for another reason; the operator may try again later. */
  | { status: "failed"; code?: number };

/** A file a person sent, fetched for operators. */
export interface MediaFile {
  bytes: Buffer;
  mimeType: string;
  filename: string;
}

export interface WhatsAppChannelDeps {
  graph: Pick<GraphClient, "send" | "media" | "download">;
  /** Paces the number's messages (WHATSAPP_MESSAGES_PER_SECOND), most urgent first. */
  pacer: Pacer;
  /** Each person's pair rate (default: WhatsApp's one per 6 s, bursts of 20). */
  pairs?: PairLimiter;
  reachability: Reachability;
  store: WhatsAppStore;
  /** For the words the renderer adds ("Pilih" / "Choose"), from `whatsapp.json`. */
  texts: Texts;
  /**
   * When the person last wrote (for an operator's reach-out, outside any delivery); the
   * runtime hands deliveries what they need instead.
   */
  lastInbound?: (key: ConversationKey) => Promise<number | undefined>;
  /** The approved re-engagement template (WHATSAPP_TEMPLATE_*), if there is one. */
  template?: { name: string; language: string };
  log: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Counts outbound results (for /metrics). */
  onSent?: (outcome: "sent" | "unreachable" | "failed") => void;
}

/**
 * The case a conversation's session points at: a message that did not go out is shown to
 * the operator of that case when it is claimed.
 */
export function sessionCaseRef(
  store: Pick<ConversationStore, "load">,
): (key: ConversationKey) => Promise<string | undefined> {
  return async (key) => {
    const record = await store.load(key);
    const ref = (record.session as { caseRef?: unknown } | undefined)?.caseRef;
    return typeof ref === "string" ? ref : undefined;
  };
}

/** See the file comment. */
export class WhatsAppChannel implements PersonChannel {
  /** WhatsApp's own window after the person's last message. */
  readonly windowMs = WINDOW_MS;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #pairs: PairLimiter;
  /** Per person: the last message's place in line (resolves once handed to the pacer). */
  readonly #lines = new Map<ConversationKey, Promise<void>>();

  constructor(readonly d: WhatsAppChannelDeps) {
    this.#now = d.now ?? Date.now;
    this.#sleep = d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#pairs = d.pairs ?? new PairLimiter({ now: this.#now });
  }

  /**
   * Send replies to one person. Resolves when all are sent, or when WhatsApp will not
   * deliver to the person (then with its refusal: the rest is dropped on purpose). Rejects
   * on other failures, so the runtime keeps the replies for recovery.
   *
   * Resolves with no message ids: WhatsApp cannot delete messages from a phone, so there is
   * nothing to keep them for (and a wamid encodes the person's number).
   */
  async deliver(
    key: ConversationKey,
    replies: readonly Reply[],
    priority: Priority,
    person: { lang?: string } = {},
  ): Promise<Sent> {
    if (replies.length === 0) return { ids: [] };
    const messages = renderReplies(replies, this.#words(key, person.lang));
    const refused = await this.#sendAll(key, messages, priority);
    if (!refused) return { ids: [] };
    this.d.onSent?.("unreachable");
    return { ids: [], refused: refusalOf(refused) };
  }

  /**
   * WhatsApp cannot delete messages from the person's phone (the Cloud API has no such
   * call): nothing to do. The quick exit still forgets the conversation on our side.
   */
  async deleteMessages(_key: ConversationKey, _ids: readonly string[]): Promise<void> {}

  /** Whether WhatsApp's 24-hour window is open: the person wrote less than 24 h ago. */
  async windowOpen(key: ConversationKey): Promise<boolean> {
    const at = await this.d.lastInbound?.(key);
    return at !== undefined && this.#now() - at < WINDOW_MS;
  }

  /**
   * For an operator who must reach a person: "open" when the window is, else the
   * re-engagement template is sent (or `window_closed` when none is configured).
   */
  async reachOut(key: ConversationKey, priority: Priority = "P2"): Promise<ReachOutcome> {
    if (await this.windowOpen(key)) return { status: "open" };
    return this.sendTemplate(key, priority);
  }

  /**
   * Send the approved re-engagement template (WHATSAPP_TEMPLATE_NAME), the one message
   * WhatsApp allows after the window. Only ever on an operator's decision.
   */
  async sendTemplate(key: ConversationKey, priority: Priority = "P2"): Promise<ReachOutcome> {
    const template = this.d.template;
    if (!template) return { status: "window_closed" };
    const message: OutboundMessage = {
      type: "template",
      template: { name: template.name, language: { code: template.language } },
    };
    try {
      const refused = await this.#sendAll(key, [message], priority);
      if (!refused) return { status: "template_sent" };
      await this.#unreachable(key, refusalOf(refused));
      return {
        status: "unreachable",
        ...(refused.code !== undefined ? { code: refused.code } : {}),
      };
    } catch (err) {
      const code = err instanceof GraphError ? err.code : undefined;
      return { status: "failed", ...(code !== undefined ? { code } : {}) };
    }
  }

  /**
   * A file the person sent (the media id is the message's `origin`), for the operators'
   * topic. Undefined when it is gone, too large, or WhatsApp would not give it.
   */
  async mediaFile(mediaId: string, kind = "file"): Promise<MediaFile | undefined> {
    try {
      const info = await this.d.graph.media(mediaId);
      if ((info.fileSize ?? 0) > MAX_MEDIA_BYTES) return undefined;
      const bytes = await this.d.graph.download(info.url, MAX_MEDIA_BYTES);
      return { bytes, mimeType: info.mimeType, filename: `${kind}.${extensionOf(info.mimeType)}` };
    } catch (err) {
      this.d.log.info({ conversation: "wa", err: errorSummary(err) }, "media not fetched");
      return undefined;
    }
  }

  /**
   * Queue every message now, in order, and wait for all. A refusal that means the person
   * cannot be written to resolves with it; other failures reject.
   */
  async #sendAll(
    key: ConversationKey,
    messages: readonly OutboundMessage[],
    priority: Priority,
  ): Promise<GraphError | undefined> {
    const target: PaceTarget = { chat: key, group: false, priority: PRIORITY_RANK[priority] };
    let refused: GraphError | undefined;
    let failed = false;
    const sends = messages.map((m) =>
      this.#inLine(key, target, async () => {
        // After a failure the rest of the step is not tried: it would arrive out of order,
        // and a retry (recovery) sends the whole step again.
        if (failed) return;
        try {
          await this.#send(key, m);
        } catch (err) {
          failed = true;
          if (err instanceof GraphError && err.recipientUnreachable) refused ??= err;
          throw err;
        }
      }),
    );
    const results = await Promise.allSettled(sends);
    if (refused) return refused;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (!failure) return undefined;
    this.d.onSent?.("failed");
    this.d.log.warn(
      { conversation: "wa", err: errorSummary(failure.reason) },
      "WhatsApp send failed",
    );
    throw failure.reason;
  }

  /**
   * Hand `run` to the pacer once the person's pair budget allows, after the person's
   * earlier messages: reservations are made now, so messages keep the order of the calls.
   */
  #inLine<T>(key: ConversationKey, target: PaceTarget, run: () => Promise<T>): Promise<T> {
    const at = this.#pairs.reserve(key);
    const before = this.#lines.get(key) ?? Promise.resolve();
    const queued = before.then(() => {
      const wait = at - this.#now();
      return wait > 0 ? this.#sleep(wait) : undefined;
    });
    this.#lines.set(key, queued);
    void queued.then(() => {
      if (this.#lines.get(key) === queued) this.#lines.delete(key);
    });
    return queued.then(() => this.d.pacer.send(target, run));
  }

  async #send(key: ConversationKey, message: OutboundMessage): Promise<void> {
    const id = await this.d.graph.send(recipientOf(key), message);
    this.d.onSent?.("sent");
    // Best effort: the message is out; failing now would send it again on recovery.
    await this.d.store.sent(id, key, this.#now()).catch((err) => {
      this.d.log.warn({ err: errorSummary(err) }, "sent WhatsApp message not recorded");
    });
  }

  /**
   * WhatsApp will not take the re-engagement template for this person: stop until they
   * write (the operator is answered with the outcome).
   */
  async #unreachable(key: ConversationKey, why: { code?: number }): Promise<void> {
    await this.d.reachability.markUnreachable(key);
    this.d.onSent?.("unreachable");
    this.d.log.info(
      { conversation: "wa", code: why.code },
      "person not reachable on WhatsApp; not writing again until they do",
    );
  }

  /** The words the renderer adds, in the person's language (else +62 means Indonesian). */
  #words(key: ConversationKey, known: string | undefined): RenderWords {
    const { texts } = this.d;
    const candidates = [known, langHintOf(key), texts.languages[0]];
    const lang = candidates.find((l): l is string => !!l && texts.languages.includes(l)) ?? "id";
    return {
      choose: texts.t(lang, "whatsapp:choose"),
      moreChoices: texts.t(lang, "whatsapp:more_choices"),
    };
  }
}

/** Meta's code and title of a refusal, for the operator (never the message). */
function refusalOf(err: GraphError): { code?: number; title?: string } {
  return {
    ...(err.code !== undefined ? { code: err.code } : {}),
    ...(err.title ? { title: err.title } : {}),
  };
}

/** A file name extension for a MIME type WhatsApp uses. */
function extensionOf(mime: string): string {
  const known: Record<string, string> = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "application/pdf": "pdf",
  };
  return known[mime.split(";")[0]?.trim() ?? ""] ?? "bin";
}
