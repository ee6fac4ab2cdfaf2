/**
 * Console accounts: who may sign in, with which role, their Argon2id password hash, their
 * TOTP secret (two-factor) and the Telegram user id they also act under, if any. Stored
 * through the codec (encrypted at rest) in one Redis hash, or in memory for the demo.
 */
import { z } from "zod";
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";
import { consoleRoleSchema } from "./settings.js";

/** Lowercase letters, digits, `.`, `_` and `-`; 2 to 32 characters, starting with a letter or digit. */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export const accountSchema = z.object({
  username: z.string().regex(USERNAME),
  role: consoleRoleSchema,
  passwordHash: z.string().min(1),
  /** Base32 TOTP secret, once two-factor is set up. */
  totpSecret: z.string().optional(),
  /** A TOTP secret offered but not yet confirmed with a code. */
  pendingTotpSecret: z.string().optional(),
  /** The time step of the last code accepted: a code is never accepted twice. */
  totpLastStep: z.number().int().optional(),
  /** The Telegram user id of the same person in the operators' group. */
  telegramId: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
  /** The console's language for this user (`id`, `en`). */
  lang: z.string().optional(),
  createdAt: z.number().int().nonnegative(),
});
export type Account = z.infer<typeof accountSchema>;

/**
 * Who an account is on cases: its Telegram id when linked (so one person's actions in the
 * group and in the console are one person's in the case's audit), else `web:<username>`.
 */
export function actorOf(
  a: Pick<Account, "username" | "telegramId">,
  operatorName: (telegramId: string) => string,
): string {
  // Linked to Telegram: the name the group's actions are stored under, so one person's
  // claims in the group and in the console are one person's.
  return a.telegramId ? operatorName(a.telegramId) : `${CONSOLE_ONLY}${a.username}`;
}

const CONSOLE_ONLY = "web:";

/** The username behind a console-only account's actor (`web:<username>`), else undefined. */
export function consoleUsernameOf(actor: string): string | undefined {
  return actor.startsWith(CONSOLE_ONLY) ? actor.slice(CONSOLE_ONLY.length) : undefined;
}

export interface AccountStore {
  get(username: string): Promise<Account | undefined>;
  /** Create or replace. */
  put(account: Account): Promise<void>;
  /** True when there was such an account. */
  remove(username: string): Promise<boolean>;
  list(): Promise<Account[]>;
}

export class MemoryAccountStore implements AccountStore {
  readonly #accounts = new Map<string, Account>();

  async get(username: string) {
    const a = this.#accounts.get(username);
    return a ? structuredClone(a) : undefined;
  }
  async put(account: Account) {
    this.#accounts.set(account.username, accountSchema.parse(structuredClone(account)));
  }
  async remove(username: string) {
    return this.#accounts.delete(username);
  }
  async list() {
    return [...this.#accounts.values()].map((a) => structuredClone(a));
  }
}

/** `P console:accounts`: hash, username -> account through the codec. */
export class RedisAccountStore implements AccountStore {
  readonly #key: string;
  readonly #place = "console:accounts";

  constructor(
    readonly redis: RedisClient,
    prefix: string,
    readonly codec: Codec = jsonCodec,
  ) {
    this.#key = `${prefix}console:accounts`;
  }

  async get(username: string) {
    const text = await this.redis.hget(this.#key, username);
    return text === null ? undefined : this.#decode(username, text);
  }
  async put(account: Account) {
    const a = accountSchema.parse(account);
    await this.redis.hset(
      this.#key,
      a.username,
      this.codec.encode(a, placeOf(this.#place, a.username)),
    );
  }
  async remove(username: string) {
    return (await this.redis.hdel(this.#key, username)) > 0;
  }
  async list() {
    const all = await this.redis.hgetall(this.#key);
    return Object.entries(all).map(([u, text]) => this.#decode(u, text));
  }
  #decode(username: string, text: string): Account {
    return accountSchema.parse(this.codec.decode(text, placeOf(this.#place, username)));
  }
}
