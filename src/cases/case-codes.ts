/**
 * Case codes, by keyed hash: which case a secret code opens, and how often it was tried
 * wrongly. The code itself is never stored; a guess must also answer the confirming
 * question, and a code is locked after a few wrong answers.
 */
import { type KeyNames, plainNames } from "../crypto/pseudonym.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";

export interface CaseCodes {
  register(code: string, caseId: string): Promise<void>;
  lookup(code: string): Promise<string | undefined>;
  /** Count a wrong confirming answer; returns the wrong answers in the last day. */
  fail(code: string): Promise<number>;
  failures(code: string): Promise<number>;
}

/** How long a code keeps opening its case (the retention of the longest case). */
export const CODE_TTL_SECONDS = 180 * 86_400;
/** Wrong answers are counted over a day. */
const FAIL_TTL_SECONDS = 86_400;

/** The in-memory twin, for the demo and tests. */
export class MemoryCaseCodes implements CaseCodes {
  readonly #codes = new Map<string, string>();
  readonly #fails = new Map<string, number>();

  constructor(readonly names: KeyNames = plainNames) {}

  async register(code: string, caseId: string): Promise<void> {
    this.#codes.set(this.names(code), caseId);
  }

  async lookup(code: string): Promise<string | undefined> {
    return this.#codes.get(this.names(code));
  }

  async fail(code: string): Promise<number> {
    const n = (this.#fails.get(this.names(code)) ?? 0) + 1;
    this.#fails.set(this.names(code), n);
    return n;
  }

  async failures(code: string): Promise<number> {
    return this.#fails.get(this.names(code)) ?? 0;
  }
}

/** Redis: `P casecode:<hash>` -> case id, and `P casecode:<hash>:fails`, both expiring. */
export class RedisCaseCodes implements CaseCodes {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly names: KeyNames,
  ) {}

  #key(code: string): string {
    return `${this.prefix}casecode:${this.names(code)}`;
  }

  async register(code: string, caseId: string): Promise<void> {
    await this.redis.set(this.#key(code), caseId, "EX", CODE_TTL_SECONDS);
  }

  async lookup(code: string): Promise<string | undefined> {
    return (await this.redis.get(this.#key(code))) ?? undefined;
  }

  async fail(code: string): Promise<number> {
    const key = `${this.#key(code)}:fails`;
    const [[, n]] = (await this.redis.multi().incr(key).expire(key, FAIL_TTL_SECONDS).exec()) as [
      [null, number],
    ];
    return n;
  }

  async failures(code: string): Promise<number> {
    return Number((await this.redis.get(`${this.#key(code)}:fails`)) ?? 0);
  }
}
