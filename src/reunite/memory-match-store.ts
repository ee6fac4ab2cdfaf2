/**
 * The in-memory twin of the Redis match store: for the local demo and tests. Same contract;
 * values are kept encoded through the codec, as Redis keeps them.
 */
import { type Codec, jsonCodec } from "../stores/codec.js";
import { type MatchProfile, matchProfileSchema } from "./profile.js";
import { byStrength, type Match, type MatchChange, type MatchStore, matchSchema } from "./store.js";

/** The in-memory {@link MatchStore}. */
export class MemoryMatchStore implements MatchStore {
  readonly #codec: Codec;
  /** Case id -> encoded profile. */
  readonly #profiles = new Map<string, string>();
  /** Index key -> case id -> createdAt. */
  readonly #index = new Map<string, Map<string, number>>();
  /** Case id -> other case id -> encoded match. */
  readonly #matches = new Map<string, Map<string, string>>();

  constructor(opts: { codec?: Codec } = {}) {
    this.#codec = opts.codec ?? jsonCodec;
  }

  async file(profile: MatchProfile): Promise<void> {
    const before = await this.profile(profile.id);
    for (const key of before?.keys ?? []) this.#index.get(key)?.delete(profile.id);
    this.#profiles.set(profile.id, this.#codec.encode(profile, `rn:p:${profile.id}`));
    for (const key of profile.keys) {
      const ids = this.#index.get(key) ?? new Map<string, number>();
      ids.set(profile.id, profile.createdAt);
      this.#index.set(key, ids);
    }
  }

  async profile(id: string): Promise<MatchProfile | undefined> {
    const text = this.#profiles.get(id);
    if (text === undefined) return undefined;
    return matchProfileSchema.parse(this.#codec.decode(text, `rn:p:${id}`));
  }

  async candidates(keys: readonly string[], perKey: number): Promise<MatchProfile[]> {
    const ids = new Set<string>();
    for (const key of keys) {
      const newest = [...(this.#index.get(key) ?? new Map<string, number>()).entries()]
        .sort((x, y) => y[1] - x[1] || (y[0] < x[0] ? -1 : 1))
        .slice(0, perKey);
      for (const [id] of newest) ids.add(id);
    }
    const found = await Promise.all([...ids].map((id) => this.profile(id)));
    return found.filter((p): p is MatchProfile => p !== undefined);
  }

  #read(a: string, b: string): Match | undefined {
    const text = this.#matches.get(a)?.get(b);
    return text === undefined
      ? undefined
      : matchSchema.parse(this.#codec.decode(text, `rn:m:${a}#${b}`));
  }

  #write(a: string, match: Match): void {
    const side = this.#matches.get(a) ?? new Map<string, string>();
    side.set(match.other, this.#codec.encode(match, `rn:m:${a}#${match.other}`));
    this.#matches.set(a, side);
  }

  async suggest(a: string, b: string, match: Omit<Match, "other">): Promise<boolean> {
    if (this.#read(a, b) || this.#read(b, a)) return false;
    this.#write(a, { ...match, other: b });
    this.#write(b, { ...match, other: a });
    return true;
  }

  async get(a: string, b: string): Promise<Match | undefined> {
    return this.#read(a, b);
  }

  async update(a: string, b: string, change: MatchChange): Promise<Match | undefined> {
    const mine = this.#read(a, b);
    if (!mine) return undefined;
    const theirs = this.#read(b, a) ?? { ...mine, other: a };
    this.#write(a, { ...mine, ...change });
    this.#write(b, { ...theirs, ...change });
    return this.#read(a, b);
  }

  async matchesOf(id: string): Promise<Match[]> {
    const others = [...(this.#matches.get(id)?.keys() ?? [])];
    return others.map((o) => this.#read(id, o) as Match).sort(byStrength);
  }

  async forget(id: string): Promise<void> {
    const profile = await this.profile(id);
    for (const key of profile?.keys ?? []) {
      const ids = this.#index.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.#index.delete(key);
    }
    this.#profiles.delete(id);
    for (const other of this.#matches.get(id)?.keys() ?? []) {
      this.#matches.get(other)?.delete(id);
      if (this.#matches.get(other)?.size === 0) this.#matches.delete(other);
    }
    this.#matches.delete(id);
  }

  /** How many index keys and matches are held (tests: nothing is left behind). */
  size(): { profiles: number; keys: number; matches: number } {
    return { profiles: this.#profiles.size, keys: this.#index.size, matches: this.#matches.size };
  }
}
