/**
 * The WhatsApp store in Redis (see `store.ts` for what it keeps and why).
 *
 * Key layout (`P` = prefix):
 * - `P wa:m:<H>`        hash: `c` = the conversation key through the codec (encrypted in
 *   production), `s` = status, `r` = its rank, `t` = when sent; expires after 7 days.
 *   `H` is a hash of the message id: a wamid encodes the person's number, so it never
 *   appears in a key name.
 */
import { createHash } from "node:crypto";
import { type KeyNames, plainNames } from "../../crypto/pseudonym.js";
import type { ConversationKey } from "../../runtime/ports.js";
import { type Codec, jsonCodec, placeOf } from "../../stores/codec.js";
import type { RedisClient } from "../../stores/redis/conversation-store.js";
import {
  type DeliveryStatus,
  MESSAGE_TTL_MS,
  STATUS_RANK,
  type StatusChange,
  type WhatsAppStore,
} from "./store.js";

/**
 * KEYS: message. ARGV: status, rank, ttl ms.
 * Moves the status on when the rank is higher; returns {changed, encoded conversation}.
 */
const STATUS = `
local rank = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
local conversation = redis.call('HGET', KEYS[1], 'c')
if tonumber(ARGV[2]) > rank then
  redis.call('HSET', KEYS[1], 's', ARGV[1], 'r', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1, conversation}
end
return {0, conversation}
`;

interface Scripts {
  pulangWaStatus(
    key: string,
    status: string,
    rank: number,
    ttlMs: number,
  ): Promise<[number, string | null]>;
}

export interface RedisWhatsAppStoreOptions {
  /** Prepended to every key, e.g. `pulang:`. */
  prefix?: string;
  /** How message ids are named in Redis (a keyed hash in production). */
  names?: KeyNames;
  /** How the conversation key is stored in message records (encrypting in production). */
  codec?: Codec;
  now?: () => number;
}

/** See the file comment. */
export class RedisWhatsAppStore implements WhatsAppStore {
  readonly #redis: RedisClient & Scripts;
  readonly #prefix: string;
  readonly #names: KeyNames;
  readonly #hashed: boolean;
  readonly #codec: Codec;
  readonly #now: () => number;

  constructor(redis: RedisClient, o: RedisWhatsAppStoreOptions = {}) {
    if (!("pulangWaStatus" in redis)) {
      redis.defineCommand("pulangWaStatus", { numberOfKeys: 1, lua: STATUS });
    }
    this.#redis = redis as RedisClient & Scripts;
    this.#prefix = o.prefix ?? "";
    this.#names = o.names ?? plainNames;
    this.#hashed = o.names !== undefined;
    this.#codec = o.codec ?? jsonCodec;
    this.#now = o.now ?? Date.now;
  }

  async sent(id: string, key: ConversationKey, at: number): Promise<void> {
    const k = this.#messageKey(id);
    await this.#redis
      .multi()
      .hset(k, "c", this.#codec.encode(key, this.#place(k)), "t", String(at))
      .hsetnx(k, "s", "sent")
      .hsetnx(k, "r", String(STATUS_RANK.sent))
      .pexpire(k, MESSAGE_TTL_MS)
      .exec();
  }

  async status(id: string, status: DeliveryStatus, _at: number): Promise<StatusChange> {
    const k = this.#messageKey(id);
    const [changed, encoded] = await this.#redis.pulangWaStatus(
      k,
      status,
      STATUS_RANK[status],
      MESSAGE_TTL_MS,
    );
    const conversation = this.#decode(encoded, this.#place(k));
    return { changed: changed === 1, ...(conversation ? { conversation } : {}) };
  }

  async statusOf(id: string): Promise<DeliveryStatus | undefined> {
    const s = await this.#redis.hget(this.#messageKey(id), "s");
    return s && s in STATUS_RANK ? (s as DeliveryStatus) : undefined;
  }

  #decode(encoded: string | null, place: string): ConversationKey | undefined {
    if (!encoded) return undefined;
    try {
      const key = this.#codec.decode(encoded, place);
      return typeof key === "string" ? key : undefined;
    } catch {
      // A record written under a key that is gone: the receipt still counts, unplaced.
      return undefined;
    }
  }

  /** Where a message's conversation is stored, for binding it there (the codec's `place`). */
  #place(messageKey: string): string {
    return placeOf(messageKey.slice(this.#prefix.length), "c");
  }

  /** Message ids are always hashed: keyed in production, plain SHA-256 otherwise. */
  #messageKey(id: string): string {
    const name = this.#hashed
      ? this.#names(`wa-message:${id}`)
      : createHash("sha256").update(id).digest("base64url").slice(0, 22);
    return `${this.#prefix}wa:m:${name}`;
  }
}
