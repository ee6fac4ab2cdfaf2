/**
 * What each browser tab's page shows, in this process's memory: the bubbles so far (so a
 * reloaded tab sees its conversation again) and the pages listening for new ones. It keeps
 * no more than a page needs: a bounded number of bubbles per tab and of tabs, forgotten
 * after a day without a word, at once on a quick exit, and bubbles by bubble when discreet
 * mode deletes them. The conversation itself lives in the runtime's stores, like any other.
 */
import type { ConversationKey } from "../../runtime/ports.js";
import type { WebMessage } from "./render.js";

/** What a listening page is told. */
export type MailboxEvent =
  | { type: "add"; messages: readonly WebMessage[] }
  | { type: "remove"; ids: readonly string[] }
  /** The conversation's language is now known or changed: the page's own words follow. */
  | { type: "language"; lang: string }
  | { type: "clear" };

export type Listener = (event: MailboxEvent) => void;

/**
 * Where a tab's bubbles are kept and who is told of them: this process's memory
 * ({@link Mailbox}: the demo, one instance) or Redis (`SharedMailbox`: several instances).
 */
export interface WebMailbox {
  add(key: ConversationKey, messages: readonly WebMessage[]): void | Promise<void>;
  remove(key: ConversationKey, ids: readonly string[]): void | Promise<void>;
  forget(key: ConversationKey): void | Promise<void>;
  setLanguage(key: ConversationKey, lang: string): void | Promise<void>;
  transcript(
    key: ConversationKey,
  ):
    | { messages: readonly WebMessage[]; lang?: string }
    | Promise<{ messages: readonly WebMessage[]; lang?: string }>;
  /** `shown`: what the page was just sent (a shared mailbox sends what changed since). */
  subscribe(
    key: ConversationKey,
    listener: Listener,
    shown?: { messages: readonly WebMessage[]; lang?: string },
  ): () => void;
  close?(): Promise<void>;
}

interface Box {
  messages: WebMessage[];
  lang?: string;
  listeners: Set<Listener>;
  touched: number;
}

export interface MailboxOptions {
  /** Bubbles kept per tab (the oldest go first). */
  maxMessages?: number;
  /** Tabs kept; the longest idle without a listening page go first. */
  maxConversations?: number;
  /** A tab idle this long, with no page listening, is forgotten. */
  idleMs?: number;
  now?: () => number;
}

export class Mailbox implements WebMailbox {
  readonly #boxes = new Map<ConversationKey, Box>();
  readonly #maxMessages: number;
  readonly #maxConversations: number;
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(o: MailboxOptions = {}) {
    this.#maxMessages = o.maxMessages ?? 200;
    this.#maxConversations = o.maxConversations ?? 10_000;
    this.#idleMs = o.idleMs ?? 24 * 60 * 60 * 1000;
    this.#now = o.now ?? Date.now;
  }

  /** Add bubbles (one already there, by id, is not added twice) and tell the pages. */
  add(key: ConversationKey, messages: readonly WebMessage[]): void {
    const box = this.#box(key);
    const known = new Set(box.messages.map((m) => m.id));
    const fresh = messages.filter((m) => !known.has(m.id));
    if (fresh.length === 0) return;
    box.messages.push(...fresh);
    if (box.messages.length > this.#maxMessages)
      box.messages.splice(0, box.messages.length - this.#maxMessages);
    this.#tell(box, { type: "add", messages: fresh });
  }

  /** Delete bubbles by id, from here and from the pages showing them. */
  remove(key: ConversationKey, ids: readonly string[]): void {
    const box = this.#boxes.get(key);
    if (!box || ids.length === 0) return;
    const gone = new Set(ids);
    box.messages = box.messages.filter((m) => !gone.has(m.id));
    this.#tell(box, { type: "remove", ids });
  }

  /** Forget every bubble of this tab (quick exit), and clear the pages showing them. */
  forget(key: ConversationKey): void {
    const box = this.#boxes.get(key);
    if (!box) return;
    box.messages = [];
    delete box.lang;
    this.#tell(box, { type: "clear" });
    if (box.listeners.size === 0) this.#boxes.delete(key);
  }

  /** Remember the conversation's language; the pages are told when it changes. */
  setLanguage(key: ConversationKey, lang: string): void {
    const box = this.#box(key);
    if (box.lang === lang) return;
    box.lang = lang;
    this.#tell(box, { type: "language", lang });
  }

  /** The bubbles a page opening now shows, and the conversation's language if known. */
  transcript(key: ConversationKey): { messages: readonly WebMessage[]; lang?: string } {
    const box = this.#boxes.get(key);
    if (!box) return { messages: [] };
    return { messages: [...box.messages], ...(box.lang ? { lang: box.lang } : {}) };
  }

  /** Listen for this tab's events until the returned function is called. */
  subscribe(key: ConversationKey, listener: Listener): () => void {
    const box = this.#box(key);
    box.listeners.add(listener);
    return () => {
      box.listeners.delete(listener);
      box.touched = this.#now();
    };
  }

  /** Tabs held now (for tests and the log). */
  get size(): number {
    return this.#boxes.size;
  }

  #box(key: ConversationKey): Box {
    const now = this.#now();
    const existing = this.#boxes.get(key);
    // Map order is the order of use: re-inserting keeps the least recently used first.
    if (existing) this.#boxes.delete(key);
    const box = existing ?? { messages: [], listeners: new Set(), touched: now };
    box.touched = now;
    this.#boxes.set(key, box);
    this.#evict(now, box);
    return box;
  }

  /** Forget idle tabs nobody is looking at, and the oldest beyond the limit. */
  #evict(now: number, keep: Box): void {
    for (const [key, box] of this.#boxes) {
      if (box === keep) break;
      const over = this.#boxes.size > this.#maxConversations;
      const idle = now - box.touched > this.#idleMs;
      if (!over && !idle) break;
      if (box.listeners.size === 0) this.#boxes.delete(key);
    }
  }

  #tell(box: Box, event: MailboxEvent): void {
    for (const listener of box.listeners) listener(event);
  }
}
