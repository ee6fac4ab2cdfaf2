/**
 * The chat log in Redis: a sorted set of message ids by time, in the conversation's hash
 * tag (`P c:{K}:msgs`), expiring when the messages can no longer be deleted anyway.
 */

import { type KeyNames, plainNames } from "../../crypto/pseudonym.js";
import { type ChatLog, DELETABLE_FOR_MS } from "../../runtime/chat-log.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { RedisClient } from "./conversation-store.js";

export class RedisChatLog implements ChatLog {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly names: KeyNames = plainNames,
  ) {}

  #key(key: ConversationKey): string {
    return `${this.prefix}c:{${this.names(key)}}:msgs`;
  }

  async add(key: ConversationKey, ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    const k = this.#key(key);
    await this.redis
      .multi()
      .zadd(k, ...ids.flatMap((id) => [now, id]))
      .zremrangebyscore(k, "-inf", now - DELETABLE_FOR_MS)
      .pexpire(k, DELETABLE_FOR_MS)
      .exec();
  }

  async all(key: ConversationKey, now: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.#key(key), now - DELETABLE_FOR_MS + 1, "+inf");
  }

  async upTo(key: ConversationKey, time: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.#key(key), "-inf", time);
  }

  async remove(key: ConversationKey, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.zrem(this.#key(key), ...ids);
  }

  async clear(key: ConversationKey): Promise<void> {
    await this.redis.del(this.#key(key));
  }
}
