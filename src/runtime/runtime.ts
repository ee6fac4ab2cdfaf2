/**
 * The runtime: load the session, step the engine, save, then carry out the effects.
 * Written once for every channel; adapters only translate.
 */

import { SessionFormatError } from "../engine/session.js";
import { loadSession, step } from "../engine/step.js";
import type { Bundle, Effect, Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { ConversationKey, ConversationStore, EffectSink } from "./ports.js";

/** Tries before giving up on a conversation that keeps changing underneath us. */
const MAX_COMMIT_ATTEMPTS = 20;

export interface RuntimeDeps {
  bundle: Bundle;
  store: ConversationStore;
  sink: EffectSink;
  log: Logger;
  now?: () => number;
  ids: () => string;
}

/** What became of one inbound message. */
export type HandleOutcome =
  | { status: "handled"; effects: readonly Effect[] }
  | { status: "duplicate" };

/** Saving kept conflicting with other writers; the message was not handled. */
export class CommitConflictError extends Error {
  override readonly name = "CommitConflictError";
}

export class Runtime {
  readonly #d: RuntimeDeps;
  readonly #now: () => number;

  constructor(deps: RuntimeDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  get bundle(): Bundle {
    return this.#d.bundle;
  }

  /**
   * Handle one message. Saves before acting, so a crash never leaves a reply sent for a
   * step that was not recorded; a conflicting save is retried from a fresh load.
   *
   * @param dedupeId the channel's message id: a redelivered message is handled once
   * @throws CommitConflictError after too many conflicting saves (the caller may retry)
   */
  async handle(key: ConversationKey, inbound: Inbound, dedupeId?: string): Promise<HandleOutcome> {
    const { store, bundle, sink, ids } = this.#d;
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const record = await store.load(key);
      const now = this.#now();
      const session = this.#readSession(key, record.session, now);
      const result = step(bundle, session, inbound, { now, ids });
      const committed = await store.commit(key, record.version, result.session, {
        dedupeId,
        outbox: result.effects,
      });
      if (committed === "duplicate") {
        await this.#deliverPending(key);
        return { status: "duplicate" };
      }
      if (committed === "ok") {
        this.#logErrors(key, result.effects);
        await sink.run(key, result.effects);
        // The commit kept the effects as outbox entry `version + 1`; they are done now.
        if (result.effects.length > 0) await store.ackOutbox(key, record.version + 1);
        return { status: "handled", effects: result.effects };
      }
    }
    throw new CommitConflictError(
      `could not save conversation after ${MAX_COMMIT_ATTEMPTS} attempts`,
    );
  }

  /**
   * A redelivered message: its step was saved before, but the process may have died before
   * (or while) carrying out the effects. Whatever is still pending goes out now, in order.
   */
  async #deliverPending(key: ConversationKey): Promise<void> {
    const { store, sink } = this.#d;
    for (const entry of await store.pendingOutbox(key)) {
      await sink.run(key, entry.effects);
      await store.ackOutbox(key, entry.id);
    }
  }

  #readSession(key: ConversationKey, stored: unknown, now: number) {
    try {
      return loadSession(stored, now);
    } catch (err) {
      if (!(err instanceof SessionFormatError)) throw err;
      // Unreadable data must not lock a person out: start them afresh, and say so in the log.
      this.#d.log.warn(
        { conversation: keyKind(key), err: err.message },
        "session unreadable; starting afresh",
      );
      return undefined;
    }
  }

  #logErrors(key: ConversationKey, effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.type === "error")
        this.#d.log.error(
          { conversation: keyKind(key), code: e.code, detail: e.detail },
          "flow error",
        );
    }
  }
}

/** The channel part of a key (`tg`, `wa`, `sim`): enough for logs, never the id. */
export function keyKind(key: ConversationKey): string {
  return key.split(":")[0] ?? "unknown";
}
