/**
 * The in-memory twin of the Redis conversation store: for the local demo and tests.
 * Same contract, same tests; nothing survives a restart.
 */
import type { Session } from "../engine/session.js";
import type { CommitResult, ConversationKey, ConversationStore, SessionRecord } from "./ports.js";

/** Remembered message ids per conversation, to drop redeliveries. */
const DEDUPE_WINDOW = 1000;

interface Entry {
  session: Session;
  version: number;
  seen: string[];
}

export class MemoryConversationStore implements ConversationStore {
  readonly #entries = new Map<ConversationKey, Entry>();

  async load(key: ConversationKey): Promise<SessionRecord> {
    const e = this.#entries.get(key);
    return e
      ? { session: structuredClone(e.session), version: e.version }
      : { session: undefined, version: 0 };
  }

  async commit(
    key: ConversationKey,
    expected: number,
    session: Session,
    dedupeId?: string,
  ): Promise<CommitResult> {
    const e = this.#entries.get(key);
    if (dedupeId && e?.seen.includes(dedupeId)) return "duplicate";
    if ((e?.version ?? 0) !== expected) return "conflict";
    const seen = dedupeId ? [...(e?.seen ?? []), dedupeId].slice(-DEDUPE_WINDOW) : (e?.seen ?? []);
    this.#entries.set(key, { session: structuredClone(session), version: expected + 1, seen });
    return "ok";
  }

  async remove(key: ConversationKey): Promise<void> {
    this.#entries.delete(key);
  }
}
