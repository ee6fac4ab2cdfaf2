/**
 * What the runtime needs from the outside world, as small interfaces. Each has a Redis
 * implementation and an in-memory twin that pass the same contract tests.
 */
import type { Session } from "../engine/session.js";
import type { Effect } from "../engine/types.js";

/** A conversation key: `tg:<chat id>`, `wa:<E.164 number>`, `sim:<id>`. */
export type ConversationKey = string;

/** A stored session and the version it was read at (0 when there is none). */
export interface SessionRecord {
  session: unknown;
  version: number;
}

/** The result of trying to save a step. */
export type CommitResult = "ok" | "conflict" | "duplicate";

/**
 * Sessions with optimistic concurrency: a commit succeeds only if nobody saved the
 * conversation since it was loaded, so two processes never overwrite each other.
 */
export interface ConversationStore {
  load(key: ConversationKey): Promise<SessionRecord>;
  /**
   * Save `session` if the stored version is still `expected`. With `dedupeId`, a message
   * already committed under that id is reported as `duplicate` and nothing is saved.
   */
  commit(
    key: ConversationKey,
    expected: number,
    session: Session,
    dedupeId?: string,
  ): Promise<CommitResult>;
  /** Forget the conversation entirely (erase). */
  remove(key: ConversationKey): Promise<void>;
}

/** Carries out effects for one conversation, after its session was saved. */
export interface EffectSink {
  run(key: ConversationKey, effects: readonly Effect[]): Promise<void>;
}
