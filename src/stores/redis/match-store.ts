/**
 * Matches in Redis (see src/reunite/store.ts for what they are).
 *
 * Key layout (`P` = prefix, `ID` = case id, `H` = a keyed hash of a phone number or a name
 * blocking key, never the value itself):
 *
 * - `P rn:p:{ID}`  string: the case's profile through the codec
 * - `P rn:m:{ID}`  hash: other case id -> the match through the codec
 * - `P rn:i:{H}`   sorted set: case id -> createdAt (read newest first, a bounded number)
 *
 * A case's own keys share its hash tag. Every command touches one key, so nothing here
 * needs a slot of its own in a Cluster. A suggestion is written with HSETNX on each side:
 * a dismissed match is never overwritten by a new suggestion. Forgetting a case removes
 * its index entries, then the other sides' records, then its own keys; an index entry
 * whose profile is gone (a crash in between) is dropped by the next read that meets it.
 */
import { type MatchProfile, matchProfileSchema } from "../../reunite/profile.js";
import {
  byStrength,
  type Match,
  type MatchChange,
  type MatchStore,
  matchSchema,
} from "../../reunite/store.js";
import { type Codec, jsonCodec, placeOf } from "../codec.js";
import type { RedisClient } from "./conversation-store.js";

export interface RedisMatchStoreOptions {
  /** Prepended to every key, e.g. `pulang:`. */
  prefix?: string;
  codec?: Codec;
}

/** The Redis {@link MatchStore}. */
export class RedisMatchStore implements MatchStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #codec: Codec;

  constructor(redis: RedisClient, opts: RedisMatchStoreOptions = {}) {
    this.#redis = redis;
    this.#prefix = opts.prefix ?? "";
    this.#codec = opts.codec ?? jsonCodec;
  }

  #profileKey(id: string): string {
    return `rn:p:{${id}}`;
  }
  #matchKey(id: string): string {
    return `rn:m:{${id}}`;
  }
  #indexKey(hash: string): string {
    return `rn:i:{${hash}}`;
  }

  async file(profile: MatchProfile): Promise<void> {
    const before = await this.profile(profile.id);
    const key = this.#profileKey(profile.id);
    await this.#redis.set(this.#prefix + key, this.#codec.encode(profile, placeOf(key)));
    const gone = (before?.keys ?? []).filter((k) => !profile.keys.includes(k));
    await Promise.all([
      ...gone.map((k) => this.#redis.zrem(this.#prefix + this.#indexKey(k), profile.id)),
      ...profile.keys.map((k) =>
        this.#redis.zadd(this.#prefix + this.#indexKey(k), profile.createdAt, profile.id),
      ),
    ]);
  }

  async profile(id: string): Promise<MatchProfile | undefined> {
    const key = this.#profileKey(id);
    const text = await this.#redis.get(this.#prefix + key);
    if (text === null) return undefined;
    return matchProfileSchema.parse(this.#codec.decode(text, placeOf(key)));
  }

  async candidates(keys: readonly string[], perKey: number): Promise<MatchProfile[]> {
    const lists = await Promise.all(
      keys.map(async (k) => ({
        key: this.#prefix + this.#indexKey(k),
        ids: await this.#redis.zrevrange(this.#prefix + this.#indexKey(k), 0, perKey - 1),
      })),
    );
    const seen = new Map<string, string[]>();
    for (const { key, ids } of lists)
      for (const id of ids) seen.set(id, [...(seen.get(id) ?? []), key]);
    const found = await Promise.all(
      [...seen].map(async ([id, inKeys]) => {
        const p = await this.profile(id);
        // Left by a crash while the case was forgotten: drop it now.
        if (!p) await Promise.all(inKeys.map((k) => this.#redis.zrem(k, id)));
        return p;
      }),
    );
    return found.filter((p): p is MatchProfile => p !== undefined);
  }

  async #read(a: string, b: string): Promise<Match | undefined> {
    const key = this.#matchKey(a);
    const text = await this.#redis.hget(this.#prefix + key, b);
    if (text === null) return undefined;
    return matchSchema.parse(this.#codec.decode(text, placeOf(key, b)));
  }

  #encode(a: string, match: Match): string {
    return this.#codec.encode(match, placeOf(this.#matchKey(a), match.other));
  }

  async suggest(a: string, b: string, match: Omit<Match, "other">): Promise<boolean> {
    const [mine, theirs] = [
      { ...match, other: b },
      { ...match, other: a },
    ];
    const added = await this.#redis.hsetnx(
      this.#prefix + this.#matchKey(a),
      b,
      this.#encode(a, mine),
    );
    if (added === 0) return false;
    await this.#redis.hsetnx(this.#prefix + this.#matchKey(b), a, this.#encode(b, theirs));
    return true;
  }

  async get(a: string, b: string): Promise<Match | undefined> {
    return this.#read(a, b);
  }

  async update(a: string, b: string, change: MatchChange): Promise<Match | undefined> {
    const mine = await this.#read(a, b);
    if (!mine) return undefined;
    const theirs = (await this.#read(b, a)) ?? { ...mine, other: a };
    const [newMine, newTheirs] = [
      { ...mine, ...change },
      { ...theirs, ...change },
    ];
    await Promise.all([
      this.#redis.hset(this.#prefix + this.#matchKey(a), b, this.#encode(a, newMine)),
      this.#redis.hset(this.#prefix + this.#matchKey(b), a, this.#encode(b, newTheirs)),
    ]);
    return newMine;
  }

  async matchesOf(id: string): Promise<Match[]> {
    const key = this.#matchKey(id);
    const all = await this.#redis.hgetall(this.#prefix + key);
    return Object.entries(all)
      .map(([other, text]) => matchSchema.parse(this.#codec.decode(text, placeOf(key, other))))
      .sort(byStrength);
  }

  async forget(id: string): Promise<void> {
    const profile = await this.profile(id);
    await Promise.all(
      (profile?.keys ?? []).map((k) => this.#redis.zrem(this.#prefix + this.#indexKey(k), id)),
    );
    const others = await this.#redis.hkeys(this.#prefix + this.#matchKey(id));
    await Promise.all(others.map((o) => this.#redis.hdel(this.#prefix + this.#matchKey(o), id)));
    await this.#redis.del(this.#prefix + this.#profileKey(id));
    await this.#redis.del(this.#prefix + this.#matchKey(id));
  }
}
