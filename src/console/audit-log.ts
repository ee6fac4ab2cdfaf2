/**
 * The console's audit log: every sign-in (and failed one), every case viewed, every action
 * and every refusal, with who and when. Supervisors read it. Entries hold ids and action
 * names, never what a person or operator wrote.
 *
 * Redis: one hash per day, `P console:audit:<YYYY-MM-DD>`, field = a time-ordered entry id,
 * value = the entry through the codec (so key rotation covers it); each day's hash expires
 * after `AUDIT_RETENTION_DAYS`.
 */
import { z } from "zod";
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";
import { timeOrderedId } from "./entry-id.js";

export const auditEntrySchema = z.object({
  at: z.number(),
  /** The username (or `?` for a sign-in attempt with an unknown name). */
  by: z.string(),
  action: z.string(),
  /** Whether it was allowed and done. */
  ok: z.boolean(),
  case: z.string().optional(),
  /** A reason code or a short non-personal detail (an outcome, a role). */
  detail: z.string().optional(),
});
export type ConsoleAuditEntry = z.infer<typeof auditEntrySchema>;

/** How long the console's audit log is kept. */
export const AUDIT_RETENTION_DAYS = 400;
const DAY_MS = 86_400_000;

export interface ConsoleAudit {
  add(entry: ConsoleAuditEntry): Promise<void>;
  /** The newest entries first, up to `limit`, looking back `days` days from `now`. */
  recent(now: number, limit: number, days?: number): Promise<ConsoleAuditEntry[]>;
}

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export class MemoryConsoleAudit implements ConsoleAudit {
  readonly entries: ConsoleAuditEntry[] = [];
  async add(entry: ConsoleAuditEntry) {
    this.entries.push(auditEntrySchema.parse(entry));
  }
  async recent(now: number, limit: number, days = 30) {
    return this.entries
      .filter((e) => e.at > now - days * DAY_MS)
      .sort((a, b) => b.at - a.at)
      .slice(0, limit);
  }
}

export class RedisConsoleAudit implements ConsoleAudit {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly codec: Codec = jsonCodec,
  ) {}

  #place(day: string) {
    return `console:audit:${day}`;
  }
  async add(entry: ConsoleAuditEntry) {
    const e = auditEntrySchema.parse(entry);
    const place = this.#place(dayOf(e.at));
    const id = timeOrderedId(e.at);
    const key = `${this.prefix}${place}`;
    await this.redis
      .multi()
      .hset(key, id, this.codec.encode(e, placeOf(place, id)))
      .pexpire(key, AUDIT_RETENTION_DAYS * DAY_MS)
      .exec();
  }
  async recent(now: number, limit: number, days = 30) {
    const out: ConsoleAuditEntry[] = [];
    for (let d = 0; d < days && out.length < limit; d++) {
      const place = this.#place(dayOf(now - d * DAY_MS));
      const all = await this.redis.hgetall(`${this.prefix}${place}`);
      const ids = Object.keys(all).sort().reverse();
      for (const id of ids.slice(0, limit - out.length)) {
        out.push(auditEntrySchema.parse(this.codec.decode(all[id] as string, placeOf(place, id))));
      }
    }
    return out;
  }
}
