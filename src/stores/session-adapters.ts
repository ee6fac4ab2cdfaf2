/**
 * The session-storage shapes of the two Telegram frameworks, declared here so the stores
 * can speak them without importing either framework at run time. Both are structural:
 * a class that implements these can be handed straight to `session({ storage })` (grammY)
 * or `session({ store })` (Telegraf).
 */

/** A value or a promise of it, as both frameworks accept. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * grammY's storage adapter (required members only).
 *
 * @see https://grammy.dev/ref/core/storageadapter
 * @see https://github.com/grammyjs/grammY/blob/main/src/convenience/session.ts
 */
export interface StorageAdapter<T> {
  /** The value stored under `key`, or undefined when there is none. */
  read(key: string): MaybePromise<T | undefined>;
  /** Store `value` under `key`, replacing what was there. */
  write(key: string, value: T): MaybePromise<void>;
  /** Forget the value under `key`. */
  delete(key: string): MaybePromise<void>;
}

/**
 * Telegraf's session store (v4).
 *
 * @see https://telegraf.js.org/interfaces/SessionStore.html
 * @see https://github.com/telegraf/telegraf/blob/v4/src/session.ts
 */
export interface SessionStore<T> {
  /** The value stored under `name`, or undefined when there is none. */
  get(name: string): MaybePromise<T | undefined>;
  /** Store `value` under `name`, replacing what was there. */
  set(name: string, value: T): MaybePromise<void>;
  /** Forget the value under `name`. */
  delete(name: string): MaybePromise<void>;
}
