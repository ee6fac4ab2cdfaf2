/**
 * The operators' queue under load: enqueue (an escalation upserted into the case store)
 * and claim latency with many open cases, on the Redis case store with encryption at rest,
 * as the service runs it.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { RedisCaseStore } from "../src/cases/redis-case-store.js";
import type { EscalationInput } from "../src/cases/store.js";
import { createEncryptedCodec } from "../src/crypto/encrypted-codec.js";
import type { Priority } from "../src/engine/types.js";
import { dropKeys, memoryByGroup } from "./lib/redis.js";
import { type Summary, summarize } from "./lib/stats.js";

export interface QueueResult {
  open: number;
  fill: { seconds: number; concurrency: number; perSecond: number; latency: Summary };
  /** One at a time, with `open` cases in the queue. */
  enqueue: Summary;
  /** Claim a known queued case by id (an operator taps "claim" on a card). */
  claim: Summary;
  /**
   * "Next case": read the head of the queue (queued(1)) and claim it. Claimed cases stay in
   * the open index ahead of queued ones of lower priority, so this grows with them.
   */
  claimNext: Summary;
  claimNextCount: number;
  bytesPerCase: number;
}

const PRIORITIES: Priority[] = ["P1", "P2", "P2", "P3", "P3", "P3"];

function escalation(i: number, now: number): EscalationInput {
  const priority = PRIORITIES[i % PRIORITIES.length] as Priority;
  return {
    caseRef: `Q${i.toString(36).toUpperCase().padStart(5, "0")}-${randomBytes(3).toString("hex").toUpperCase()}`,
    conversation: `tg:${2_000_000_000 + i}`,
    channel: "tg",
    kind: "help",
    priority,
    reasons: priority === "P1" ? ["immediate_danger"] : ["not_safe", "passport_held"],
    summary: {
      flow: "help",
      lang: "id",
      answers: {
        safety: "unsafe",
        phone: "anytime",
        people: 3,
        injuries: "none",
        passport: "held",
        consent: "yes",
        name: "Budi",
      },
      place: { id: "poipet", country: "KH", lat: 13.65, lon: 102.567 },
      country: "KH",
      mission: "kbri-phnom-penh",
    },
    lang: "id",
    now: now + i,
  };
}

async function timed<T>(work: () => Promise<T>, into: number[]): Promise<T> {
  const t0 = performance.now();
  const out = await work();
  into.push(performance.now() - t0);
  return out;
}

export async function benchQueue(
  redis: Redis,
  open: number,
  onProgress?: (fraction: number) => void,
  samples = { enqueue: 1000, claim: 1000, claimNext: 200 },
): Promise<QueueResult> {
  const prefix = `bench:${randomBytes(3).toString("hex")}:queue:`;
  const codec = createEncryptedCodec({ current: { id: "k1", key: randomBytes(32) }, previous: [] });
  const store = new RedisCaseStore(redis, { prefix, codec });
  const now = Date.now() - 3_600_000;
  try {
    const concurrency = 32;
    const fillLatencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < open) {
          const i = next++;
          await timed(() => store.upsert(escalation(i, now)), fillLatencies);
          if (i % 1000 === 0) onProgress?.((0.8 * i) / open);
        }
      }),
    );
    const fillSeconds = (performance.now() - t0) / 1000;

    const enqueue: number[] = [];
    for (let i = 0; i < samples.enqueue; i++)
      await timed(() => store.upsert(escalation(open + i, now)), enqueue);
    onProgress?.(0.85);

    // Claim cases by id, spread over the queue.
    const claim: number[] = [];
    const all = await redis.zrange(`${prefix}cases:open`, 0, -1);
    const every = Math.max(1, Math.floor(all.length / samples.claim));
    const ids = all.filter((_, i) => i % every === 0).slice(0, samples.claim);
    for (const id of ids) await timed(() => store.claim(id, "op-bench", Date.now()), claim);
    onProgress?.(0.9);

    const claimNext: number[] = [];
    const nextCount = samples.claimNext;
    for (let i = 0; i < nextCount; i++) {
      await timed(async () => {
        const [head] = await store.queued(1);
        if (head) await store.claim(head.id, "op-next", Date.now());
      }, claimNext);
    }
    onProgress?.(0.95);
    const mem = await memoryByGroup(redis, prefix, () => "all");
    onProgress?.(1);
    return {
      open,
      fill: {
        seconds: fillSeconds,
        concurrency,
        perSecond: open / fillSeconds,
        latency: summarize(fillLatencies),
      },
      enqueue: summarize(enqueue),
      claim: summarize(claim),
      claimNext: summarize(claimNext),
      claimNextCount: nextCount,
      bytesPerCase: mem.total / (open + samples.enqueue),
    };
  } finally {
    await dropKeys(redis, prefix);
  }
}
