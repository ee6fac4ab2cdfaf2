/**
 * Case codes, by keyed hash: which case a secret code opens, the Argon2 hash of the word the
 * person chose with it, and how often it was tried wrongly. Neither the code nor the word
 * is stored as typed; a code is locked after a few wrong words, and even the right word
 * only asks operators to confirm (see reattach.ts).
 */
import { type KeyNames, plainNames } from "../crypto/pseudonym.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";

export interface CaseCodes {
  register(code: string, caseId: string): Promise<void>;
  lookup(code: string): Promise<string | undefined>;
  /** Keep the Argon2 hash of the person's word for this code (replacing an earlier one). */
  keepWord(code: string, hash: string): Promise<void>;
  /** The hash of the person's word, if they chose one. */
  word(code: string): Promise<string | undefined>;
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
  readonly #words = new Map<string, string>();

  constructor(readonly names: KeyNames = plainNames) {}

  async register(code: string, caseId: string): Promise<void> {
    this.#codes.set(this.names(code), caseId);
  }

  async lookup(code: string): Promise<string | undefined> {
    return this.#codes.get(this.names(code));
  }

  async keepWord(code: string, hash: string): Promise<void> {
    this.#words.set(this.names(code), hash);
  }

  async word(code: string): Promise<string | undefined> {
    return this.#words.get(this.names(code));
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

/**
 * Redis: `P casecode:<hash>` -> case id, `P casecode:<hash>:word` -> the word's Argon2 hash,
 * and `P casecode:<hash>:fails`, all expiring.
 */
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

  async keepWord(code: string, hash: string): Promise<void> {
    await this.redis.set(`${this.#key(code)}:word`, hash, "EX", CODE_TTL_SECONDS);
  }

  async word(code: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.#key(code)}:word`)) ?? undefined;
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
