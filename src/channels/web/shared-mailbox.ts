/**
 * The web chat's bubbles when several instances serve one helpline: a person's tab listens
 * on one instance while its messages, the bot's answers and an operator's words may be
 * handled by any other. Bubbles live in Redis, encrypted through the service's codec,
 * under the conversation's hash tag (`P web:b:{NAME}` list, `P web:l:{NAME}` language,
 * NAME the conversation's keyed-hash name, as its other keys). A change is announced on
 * `P web:events` with the name alone, like the console's live events: each instance with
 * a page of that conversation open reads the bubbles again and sends the page what
 * changed. Nothing a person wrote travels over pub/sub.
 */
import { Cluster } from "ioredis";
import { z } from "zod";
import type { KeyNames } from "../../crypto/pseudonym.js";
import type { ConversationKey } from "../../runtime/ports.js";
import { type Codec, placeOf } from "../../stores/codec.js";
import type { RedisClient as Redis } from "../../stores/redis/connection.js";
import type { Listener, MailboxEvent, WebMailbox } from "./mailbox.js";
import type { WebMessage } from "./render.js";

const webButtonSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("choice"),
    stepRef: z.string(),
    option: z.string(),
    label: z.string(),
  }),
  z.object({ kind: z.literal("text"), label: z.string() }),
]);
const webMessageSchema = z.object({
  id: z.string().max(64),
  from: z.enum(["bot", "person"]),
  text: z.string(),
  buttons: z.array(webButtonSchema).optional(),
  location: z.object({ label: z.string() }).optional(),
});

export interface SharedMailboxOptions {
  redis: Redis;
  prefix: string;
  codec: Codec;
  names: KeyNames;
  /** Bubbles kept per tab (the oldest go first). */
  maxMessages?: number;
  /** A tab idle this long is forgotten (the keys expire). */
  idleMs?: number;
  onError?: (problem: string) => void;
}

/** What one open page was last sent: the diff of the next read is sent to it. */
interface Watch {
  key: ConversationKey;
  listener: Listener;
  ids: Set<string>;
  lang: string | undefined;
  /** Reads run one after the other, so a page never gets a bubble twice. */
  queue: Promise<void>;
}

export class SharedMailbox implements WebMailbox {
  readonly #o: Required<Omit<SharedMailboxOptions, "onError">> & {
    onError: (problem: string) => void;
  };
  readonly #channel: string;
  /** Open pages by conversation name. */
  readonly #watches = new Map<string, Set<Watch>>();
  #sub: Redis | undefined;

  constructor(o: SharedMailboxOptions) {
    this.#o = {
      maxMessages: 200,
      idleMs: 24 * 60 * 60 * 1000,
      onError: () => undefined,
      ...o,
    };
    this.#channel = `${o.prefix}web:events`;
  }

  async add(key: ConversationKey, messages: readonly WebMessage[]): Promise<void> {
    const { bubbles } = this.#keys(key);
    const known = new Set((await this.#messages(key)).map((m) => m.id));
    const fresh = messages.filter((m) => !known.has(m.id));
    if (fresh.length === 0) return;
    const place = this.#place(key);
    await this.#o.redis
      .multi()
      .rpush(bubbles, ...fresh.map((m) => this.#o.codec.encode(m, place)))
      .ltrim(bubbles, -this.#o.maxMessages, -1)
      .pexpire(bubbles, this.#o.idleMs)
      .exec();
    await this.#announce(key);
  }

  async remove(key: ConversationKey, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const { bubbles } = this.#keys(key);
    const gone = new Set(ids);
    const stored = await this.#o.redis.lrange(bubbles, 0, -1);
    const doomed = stored.filter((text) => {
      const m = this.#decode(key, text);
      return m !== undefined && gone.has(m.id);
    });
    if (doomed.length === 0) return;
    const multi = this.#o.redis.multi();
    for (const text of doomed) multi.lrem(bubbles, 1, text);
    await multi.exec();
    await this.#announce(key);
  }

  async forget(key: ConversationKey): Promise<void> {
    const { bubbles, lang } = this.#keys(key);
    await this.#o.redis.del(bubbles, lang);
    await this.#announce(key);
  }

  async setLanguage(key: ConversationKey, lang: string): Promise<void> {
    const k = this.#keys(key).lang;
    const before = await this.#o.redis.getset(k, lang);
    await this.#o.redis.pexpire(k, this.#o.idleMs);
    if (before !== lang) await this.#announce(key);
  }

  async transcript(
    key: ConversationKey,
  ): Promise<{ messages: readonly WebMessage[]; lang?: string }> {
    const [messages, lang] = await Promise.all([
      this.#messages(key),
      this.#o.redis.get(this.#keys(key).lang),
    ]);
    return { messages, ...(lang ? { lang } : {}) };
  }

  /**
   * Listen for this tab's changes. `shown`: what the page was just sent, the base of the
   * first difference (a change between that read and now is sent at once).
   */
  subscribe(
    key: ConversationKey,
    listener: Listener,
    shown: { messages: readonly WebMessage[]; lang?: string } = { messages: [] },
  ): () => void {
    this.#listen();
    const name = this.#o.names(key);
    const watch: Watch = {
      key,
      listener,
      ids: new Set(shown.messages.map((m) => m.id)),
      lang: shown.lang,
      queue: Promise.resolve(),
    };
    const set = this.#watches.get(name) ?? new Set<Watch>();
    set.add(watch);
    this.#watches.set(name, set);
    this.#refresh(watch);
    return () => {
      set.delete(watch);
      if (set.size === 0) this.#watches.delete(name);
    };
  }

  async close(): Promise<void> {
    this.#watches.clear();
    await this.#sub?.quit().catch(() => undefined);
  }

  #keys(key: ConversationKey) {
    const name = this.#o.names(key);
    return {
      bubbles: `${this.#o.prefix}web:b:{${name}}`,
      lang: `${this.#o.prefix}web:l:{${name}}`,
    };
  }

  #place(key: ConversationKey): string {
    return placeOf(`web:b:{${this.#o.names(key)}}`, "bubble");
  }

  #decode(key: ConversationKey, text: string): WebMessage | undefined {
    try {
      return webMessageSchema.parse(this.#o.codec.decode(text, this.#place(key))) as WebMessage;
    } catch {
      this.#o.onError("damaged bubble");
      return undefined;
    }
  }

  async #messages(key: ConversationKey): Promise<WebMessage[]> {
    const stored = await this.#o.redis.lrange(this.#keys(key).bubbles, 0, -1);
    return stored.map((t) => this.#decode(key, t)).filter((m) => m !== undefined);
  }

  async #announce(key: ConversationKey): Promise<void> {
    await this.#o.redis.publish(this.#channel, this.#o.names(key));
  }

  /** Read the conversation again and send the page what changed since its last read. */
  #refresh(watch: Watch): void {
    watch.queue = watch.queue
      .then(async () => {
        const now = await this.transcript(watch.key);
        for (const event of changes(watch, now)) watch.listener(event);
        watch.ids = new Set(now.messages.map((m) => m.id));
        watch.lang = now.lang;
      })
      .catch(() => this.#o.onError("read failed"));
  }

  /** One subscriber connection per process, opened with the first open page. */
  #listen(): void {
    if (this.#sub) return;
    // A subscriber may queue its SUBSCRIBE while (re)connecting, unlike command clients.
    const redis = this.#o.redis;
    const sub =
      redis instanceof Cluster
        ? redis.duplicate(undefined, { enableOfflineQueue: true })
        : redis.duplicate({ enableOfflineQueue: true });
    this.#sub = sub;
    sub.on("error", (err: Error & { code?: string }) => this.#o.onError(err.code ?? "error"));
    sub.on("message", (_channel: string, name: string) => {
      for (const watch of this.#watches.get(name) ?? []) this.#refresh(watch);
    });
    sub.subscribe(this.#channel).catch(() => this.#o.onError("subscribe failed"));
  }
}

/** What a page must be told to go from what it shows to `now`. */
function changes(
  shown: Pick<Watch, "ids" | "lang">,
  now: { messages: readonly WebMessage[]; lang?: string },
): MailboxEvent[] {
  const out: MailboxEvent[] = [];
  const present = new Set(now.messages.map((m) => m.id));
  const removed = [...shown.ids].filter((id) => !present.has(id));
  if (removed.length > 0 && present.size === 0) out.push({ type: "clear" });
  else if (removed.length > 0) out.push({ type: "remove", ids: removed });
  if (now.lang && now.lang !== shown.lang) out.push({ type: "language", lang: now.lang });
  const added = now.messages.filter((m) => !shown.ids.has(m.id));
  if (added.length > 0) out.push({ type: "add", messages: added });
  return out;
}
