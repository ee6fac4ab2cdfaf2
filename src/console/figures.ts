/**
 * The dashboard's figures: one anonymised record per case (when it was created, claimed,
 * first replied to and closed; priority, channel, kind, country, outcome), kept as the case
 * changes. No name, number, message or place finer than a country, and not the case id
 * (a keyed hash of it): so the figures outlive the cases, which are purged on schedule.
 *
 * Redis: `P console:fig:<YYYY-MM-DD>` (the UTC day the case was created), hash, field =
 * hashed case id, value = the record as JSON; kept `FIGURES_DAYS` days.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Case } from "../cases/model.js";
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";

export const figureSchema = z.object({
  createdAt: z.number(),
  priority: z.enum(["P1", "P2", "P3"]),
  channel: z.string(),
  kind: z.string(),
  country: z.string().optional(),
  claimedAt: z.number().optional(),
  firstReplyAt: z.number().optional(),
  closedAt: z.number().optional(),
  outcome: z.string().optional(),
});
export type Figure = z.infer<typeof figureSchema>;

/** How long figures are kept. */
export const FIGURES_DAYS = 400;
const DAY_MS = 86_400_000;

/** The anonymised record of a case. */
export function figureOf(c: Case): Figure {
  const claimedAt = c.audit.find((a) => a.action === "claimed")?.at;
  const country = c.summary.place?.country ?? c.summary.country;
  return {
    createdAt: c.createdAt,
    priority: c.priority,
    channel: c.channel,
    kind: c.kind,
    ...(country ? { country } : {}),
    ...(claimedAt !== undefined ? { claimedAt } : {}),
    ...(c.firstReplyAt !== undefined ? { firstReplyAt: c.firstReplyAt } : {}),
    ...(c.status === "closed" && c.closedAt !== undefined ? { closedAt: c.closedAt } : {}),
    ...(c.status === "closed" && c.outcome ? { outcome: c.outcome } : {}),
  };
}

function field(caseId: string): string {
  return createHash("sha256").update(`pulang figures ${caseId}`).digest("base64url").slice(0, 16);
}

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export interface Figures {
  record(c: Case): Promise<void>;
  /** Records of cases created within `days` days before `now`. */
  since(now: number, days: number): Promise<Figure[]>;
}

export class MemoryFigures implements Figures {
  readonly #all = new Map<string, Figure>();
  async record(c: Case) {
    this.#all.set(field(c.id), figureOf(c));
  }
  async since(now: number, days: number) {
    return [...this.#all.values()].filter((f) => f.createdAt > now - days * DAY_MS);
  }
}

export class RedisFigures implements Figures {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly codec: Codec = jsonCodec,
  ) {}

  async record(c: Case) {
    const place = `console:fig:${dayOf(c.createdAt)}`;
    const f = field(c.id);
    const key = `${this.prefix}${place}`;
    await this.redis
      .multi()
      .hset(key, f, this.codec.encode(figureOf(c), placeOf(place, f)))
      .pexpire(key, FIGURES_DAYS * DAY_MS)
      .exec();
  }
  async since(now: number, days: number) {
    const out: Figure[] = [];
    for (let d = 0; d <= days; d++) {
      const place = `console:fig:${dayOf(now - d * DAY_MS)}`;
      const all = await this.redis.hgetall(`${this.prefix}${place}`);
      for (const [f, text] of Object.entries(all))
        out.push(figureSchema.parse(this.codec.decode(text, placeOf(place, f))));
    }
    return out.filter((f) => f.createdAt > now - days * DAY_MS);
  }
}
