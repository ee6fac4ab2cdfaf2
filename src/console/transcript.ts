/**
 * What was said on a case since the handoff, both ways, for the console's case view: the
 * person's messages, the operators' words with whether each was delivered, and what
 * happened (claimed, released, a delivery refused). Personal data: encrypted at rest
 * (through the codec), deleted when the person asks to be forgotten and when the case is
 * purged (see `sweep` in `relay.ts`), and expiring on its own as a backstop.
 *
 * Redis: `P console:t:{ID}`, hash, field = time-ordered entry id, value = entry.
 */
import { z } from "zod";
import { type Codec, jsonCodec, placeOf } from "../stores/codec.js";
import type { RedisClient } from "../stores/redis/conversation-store.js";
import { scanEveryPrimary } from "../stores/redis/scan.js";
import { timeOrderedId } from "./entry-id.js";

/** Where an operator's words are: on their way, delivered, kept to retry, or refused. */
export const deliveryStateSchema = z.string().regex(/^[a-z_]{1,40}$/);

export const transcriptEntrySchema = z.discriminatedUnion("from", [
  z.object({
    from: z.literal("person"),
    id: z.string(),
    at: z.number(),
    /** The inbound's kind (`text`, `media`, `location`...). */
    kind: z.string(),
    /** Its text, or what stands for it (the media kind, the option, the command). */
    text: z.string().optional(),
    afterClose: z.boolean().optional(),
  }),
  z.object({
    from: z.literal("operator"),
    id: z.string(),
    at: z.number(),
    text: z.string(),
    /** `sending`, then the runtime's Delivery: `done`, `kept`, or why it was refused. */
    state: deliveryStateSchema,
    /** Who wrote it (a stored actor name); absent in transcripts from before it was kept. */
    by: z.string().optional(),
  }),
  z.object({
    from: z.literal("event"),
    id: z.string(),
    at: z.number(),
    /** The board event's kind (`claimed`, `released`, `delivery_failed`...). */
    kind: z.string(),
    by: z.string().optional(),
    detail: z.string().optional(),
  }),
]);
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

/** A transcript entry before it has an id. */
export type NewEntry = TranscriptEntry extends infer E
  ? E extends TranscriptEntry
    ? Omit<E, "id">
    : never
  : never;

export interface Transcripts {
  /** Append; returns the entry's id. */
  add(caseId: string, entry: NewEntry): Promise<string>;
  /** Set an operator message's delivery state. */
  setState(caseId: string, entryId: string, state: string): Promise<void>;
  /** Oldest first. */
  list(caseId: string): Promise<TranscriptEntry[]>;
  remove(caseId: string): Promise<void>;
  /** Every case with a transcript (for the purge sweep). */
  caseIds(): Promise<string[]>;
}

export class MemoryTranscripts implements Transcripts {
  readonly #cases = new Map<string, Map<string, TranscriptEntry>>();

  async add(caseId: string, entry: NewEntry) {
    const id = timeOrderedId(entry.at);
    const m = this.#cases.get(caseId) ?? new Map<string, TranscriptEntry>();
    m.set(id, transcriptEntrySchema.parse({ ...entry, id }));
    this.#cases.set(caseId, m);
    return id;
  }
  async setState(caseId: string, entryId: string, state: string) {
    const e = this.#cases.get(caseId)?.get(entryId);
    if (e?.from === "operator") e.state = deliveryStateSchema.parse(state);
  }
  async list(caseId: string) {
    const m = this.#cases.get(caseId);
    return m ? [...m.values()].sort((a, b) => a.id.localeCompare(b.id)).map((e) => ({ ...e })) : [];
  }
  async remove(caseId: string) {
    this.#cases.delete(caseId);
  }
  async caseIds() {
    return [...this.#cases.keys()];
  }
}

export class RedisTranscripts implements Transcripts {
  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
    readonly codec: Codec = jsonCodec,
    /** Backstop expiry, refreshed on every write (longer than any retention). */
    readonly ttlMs = 400 * 86_400_000,
  ) {}

  #place(caseId: string) {
    return `console:t:{${caseId}}`;
  }
  async add(caseId: string, entry: NewEntry) {
    const id = timeOrderedId(entry.at);
    await this.#write(caseId, transcriptEntrySchema.parse({ ...entry, id }));
    return id;
  }
  async setState(caseId: string, entryId: string, state: string) {
    const place = this.#place(caseId);
    const text = await this.redis.hget(`${this.prefix}${place}`, entryId);
    if (text === null) return;
    const e = transcriptEntrySchema.parse(this.codec.decode(text, placeOf(place, entryId)));
    if (e.from === "operator")
      await this.#write(caseId, { ...e, state: deliveryStateSchema.parse(state) });
  }
  async list(caseId: string) {
    const place = this.#place(caseId);
    const all = await this.redis.hgetall(`${this.prefix}${place}`);
    return Object.keys(all)
      .sort()
      .map((id) =>
        transcriptEntrySchema.parse(this.codec.decode(all[id] as string, placeOf(place, id))),
      );
  }
  async remove(caseId: string) {
    await this.redis.del(`${this.prefix}${this.#place(caseId)}`);
  }
  async caseIds() {
    const head = `${this.prefix}console:t:{`;
    // Every primary: on a Cluster, SCAN on the client sees one node's keys only.
    return (await scanEveryPrimary(this.redis, `${head}*`)).map((k) => k.slice(head.length, -1));
  }
  async #write(caseId: string, e: TranscriptEntry) {
    const place = this.#place(caseId);
    const key = `${this.prefix}${place}`;
    await this.redis
      .multi()
      .hset(key, e.id, this.codec.encode(e, placeOf(place, e.id)))
      .pexpire(key, this.ttlMs)
      .exec();
  }
}

/** Delete the transcripts of cases that no longer exist (purged) or were erased. */
export async function sweepTranscripts(
  transcripts: Transcripts,
  exists: (caseId: string) => Promise<boolean>,
): Promise<number> {
  let removed = 0;
  for (const id of await transcripts.caseIds()) {
    if (await exists(id)) continue;
    await transcripts.remove(id);
    removed++;
  }
  return removed;
}
