/**
 * Sign-in lockout: wrong passwords or codes for one account are counted; at `maxFailures`
 * the account is locked for `lockoutMs` after the last failure, whatever the password. A
 * right password does not unlock a locked account (that would let guessing go on); the
 * count is cleared by a successful sign-in before the lock, or by time.
 *
 * Redis: `P console:fail:<hash of username>`, a counter expiring `lockoutMs` after the last
 * failure. Works across instances: the per-address rate limit alone would not stop a
 * guesser spread over many addresses.
 */
import { createHash } from "node:crypto";
import type { RedisClient } from "../stores/redis/conversation-store.js";

export interface LockoutPolicy {
  maxFailures: number;
  lockoutMs: number;
}

export interface Lockout {
  /** Whether the account is locked now. */
  locked(username: string, now: number): Promise<boolean>;
  /** Count a failure; returns whether the account is now locked. */
  failed(username: string, now: number): Promise<boolean>;
  clear(username: string): Promise<void>;
}

export class MemoryLockout implements Lockout {
  readonly #fails = new Map<string, { count: number; last: number }>();
  constructor(readonly policy: LockoutPolicy) {}

  #current(username: string, now: number) {
    const f = this.#fails.get(username);
    if (f && now - f.last >= this.policy.lockoutMs) {
      this.#fails.delete(username);
      return undefined;
    }
    return f;
  }
  async locked(username: string, now: number) {
    return (this.#current(username, now)?.count ?? 0) >= this.policy.maxFailures;
  }
  async failed(username: string, now: number) {
    const count = (this.#current(username, now)?.count ?? 0) + 1;
    this.#fails.set(username, { count, last: now });
    return count >= this.policy.maxFailures;
  }
  async clear(username: string) {
    this.#fails.delete(username);
  }
}

export class RedisLockout implements Lockout {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly policy: LockoutPolicy,
  ) {}

  #key(username: string) {
    const name = createHash("sha256").update(username).digest("base64url").slice(0, 22);
    return `${this.prefix}console:fail:${name}`;
  }
  async locked(username: string) {
    return Number((await this.redis.get(this.#key(username))) ?? 0) >= this.policy.maxFailures;
  }
  async failed(username: string) {
    const key = this.#key(username);
    const r = await this.redis.multi().incr(key).pexpire(key, this.policy.lockoutMs).exec();
    const count = Number(r?.[0]?.[1] ?? 0);
    return count >= this.policy.maxFailures;
  }
  async clear(username: string) {
    await this.redis.del(this.#key(username));
  }
}
