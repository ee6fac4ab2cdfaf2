/**
 * Signed-in sessions: an opaque random id in an HttpOnly cookie, and server-side who it is
 * and when it started and was last used. A session ends after `idleMs` without a request
 * and `absoluteMs` after sign-in, whichever comes first. Redis keeps only a hash of the id
 * (a copy of the database holds no live cookie), with a TTL of the idle time.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";

export const sessionSchema = z.object({
  username: z.string(),
  createdAt: z.number(),
  seenAt: z.number(),
});
export type ConsoleSession = z.infer<typeof sessionSchema>;

/** How long sessions last. */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** A new session id: 256 random bits, URL-safe. */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/** What the store keys a session by: never the id itself. */
export function sessionName(id: string): string {
  return createHash("sha256").update(id).digest("base64url");
}

/** Refresh a session's last use at most this often (one write per minute, not per request). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionStore {
  /** Start a session for `username`; returns its id (for the cookie). */
  create(username: string, now: number): Promise<string>;
  /** The live session of `id` (refreshing its idle time), or undefined when ended or unknown. */
  get(id: string, now: number): Promise<ConsoleSession | undefined>;
  end(id: string): Promise<void>;
  /** End every session of `username` (removed account, new password). */
  endAll(username: string): Promise<void>;
}

/** Whether `s` is still live at `now`. */
export function isLive(s: ConsoleSession, now: number, limits: SessionLimits): boolean {
  return now - s.seenAt < limits.idleMs && now - s.createdAt < limits.absoluteMs;
}

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, ConsoleSession>();
  constructor(readonly limits: SessionLimits) {}

  async create(username: string, now: number) {
    const id = newSessionId();
    this.#sessions.set(sessionName(id), { username, createdAt: now, seenAt: now });
    return id;
  }
  async get(id: string, now: number) {
    const name = sessionName(id);
    const s = this.#sessions.get(name);
    if (!s) return undefined;
    if (!isLive(s, now, this.limits)) {
      this.#sessions.delete(name);
      return undefined;
    }
    s.seenAt = now;
    return { ...s };
  }
  async end(id: string) {
    this.#sessions.delete(sessionName(id));
  }
  async endAll(username: string) {
    for (const [name, s] of this.#sessions)
      if (s.username === username) this.#sessions.delete(name);
  }
}

/**
 * `P console:s:<hash of id>`: the session through the codec, expiring after the idle time;
 * `P console:u:<username>`: set of the user's session names (to end them all).
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly limits: SessionLimits,
    readonly codec: Codec = jsonCodec,
  ) {}

  #key(name: string) {
    return `${this.prefix}console:s:${name}`;
  }
  #userKey(username: string) {
    return `${this.prefix}console:u:${username}`;
  }

  async create(username: string, now: number) {
    const id = newSessionId();
    const name = sessionName(id);
    await this.#write(name, { username, createdAt: now, seenAt: now });
    await this.redis
      .multi()
      .sadd(this.#userKey(username), name)
      .pexpire(this.#userKey(username), this.limits.absoluteMs)
      .exec();
    return id;
  }
  async get(id: string, now: number) {
    const name = sessionName(id);
    const text = await this.redis.get(this.#key(name));
    if (text === null) return undefined;
    const s = sessionSchema.parse(this.codec.decode(text, placeOf(`console:s:${name}`)));
    if (!isLive(s, now, this.limits)) {
      await this.redis.del(this.#key(name));
      return undefined;
    }
    if (now - s.seenAt >= TOUCH_EVERY_MS) await this.#write(name, { ...s, seenAt: now });
    return s;
  }
  async end(id: string) {
    await this.redis.del(this.#key(sessionName(id)));
  }
  async endAll(username: string) {
    const names = await this.redis.smembers(this.#userKey(username));
    for (const name of names) await this.redis.del(this.#key(name));
    await this.redis.del(this.#userKey(username));
  }
  async #write(name: string, s: ConsoleSession) {
    const text = this.codec.encode(s, placeOf(`console:s:${name}`));
    await this.redis.set(this.#key(name), text, "PX", this.limits.idleMs);
  }
}
