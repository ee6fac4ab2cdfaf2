/**
 * Reachability in Redis: one small key per unreachable conversation, in the
 * conversation's hash tag (`P c:{K}:gone`), expiring with the conversation.
 */
import { type KeyNames, plainNames } from "../../crypto/pseudonym.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { Reachability } from "../../runtime/reachability.js";
import type { RedisClient } from "./conversation-store.js";

export class RedisReachability implements Reachability {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly ttlSeconds: number,
    readonly names: KeyNames = plainNames,
  ) {}

  #key(key: ConversationKey): string {
    return `${this.prefix}c:{${this.names(key)}}:gone`;
  }

  async markUnreachable(key: ConversationKey): Promise<void> {
    await this.redis.set(this.#key(key), "1", "EX", this.ttlSeconds);
  }

  async markReachable(key: ConversationKey): Promise<void> {
    await this.redis.del(this.#key(key));
  }

  async isUnreachable(key: ConversationKey): Promise<boolean> {
    return (await this.redis.exists(this.#key(key))) === 1;
  }
}
