/**
 * Reunite under load: matching one new family report against 100,000 open cases and
 * reports, on the Redis match store with encryption at rest, as the service runs it
 * (profile, file, read the candidates under its hashed number and name keys, score,
 * suggest). The open cases are filed straight into the match store; the case store is
 * an in-memory stand-in (its reads are the queue part's business), so what is timed is
 * matching itself. Names are drawn so that common ones ("Muhammad Rizki") are shared by
 * thousands: the bounded candidate read is what keeps those fast.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Case } from "../src/cases/model.js";
import type { CaseStore } from "../src/cases/store.js";
import { createEncryptedCodec } from "../src/crypto/encrypted-codec.js";
import { createLogger } from "../src/log.js";
import { profileOf } from "../src/reunite/profile.js";
import { Reunite } from "../src/reunite/service.js";
import { RedisMatchStore } from "../src/stores/redis/match-store.js";
import { dropKeys } from "./lib/redis.js";
import { type Summary, summarize } from "./lib/stats.js";

export interface ReuniteResult {
  open: number;
  fillSeconds: number;
  /** One new report matched (filed, candidates read, scored, suggestions written). */
  match: Summary;
  /** Candidate profiles read per new report: never the whole store. */
  candidates: Summary;
  suggested: number;
}

const FIRST = [
  "Muhammad",
  "Siti",
  "Dewi",
  "Rizki",
  "Agus",
  "Yohanes",
  "Sinta",
  "Rina",
  "Budi",
  "Nur",
];
const SYLLABLES = ["ba", "ko", "ri", "su", "ta", "me", "lu", "no", "pe", "gi"];

/** A made-up family name of person `i`, one syllable per digit (last digit first). */
function familyName(i: number): string {
  const parts = [...String(i)].reverse().map((d) => SYLLABLES[Number(d)] as string);
  return parts.join("").replace(/^./, (ch) => ch.toUpperCase());
}
const LAST = [
  "Rizki",
  "Lestari",
  "Saputra",
  "Situmorang",
  "Hadiwijaya",
  "Pratama",
  "Aminah",
  "Hasan",
];

const PLACES = ["poipet", "sihanoukville", "bavet", "phnom_penh", "o_smach"];

/** A case of person `i`: names from small pools (many collide), a number of its own. */
function caseOf(i: number, kind: "help" | "family", now: number): Case {
  // One in five has only pooled (often common) names; the rest a family name of their own.
  const own = i % 5 === 0 ? "" : ` ${familyName(i)}`;
  const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}${own}`;
  const phone = `+855 ${String(10_000_000 + i).padStart(8, "0")}`;
  return {
    id: `R${i.toString(36).toUpperCase().padStart(6, "0")}`,
    conversation: kind === "help" ? `wa:${phone.replace(/\s/g, "")}` : `tg:${3_000_000_000 + i}`,
    channel: kind === "help" ? "wa" : "tg",
    kind,
    priority: "P3",
    reasons: [],
    summary: {
      flow: kind,
      lang: "id",
      answers: kind === "family" ? { name, age: 20 + (i % 15), phones: phone } : { name },
      place: { id: PLACES[i % PLACES.length], country: "KH", via: "answer" },
    },
    lang: "id",
    createdAt: now + i,
    queuedAt: now + i,
    status: "queued",
    notes: [],
    audit: [],
    announcements: 0,
  };
}

export async function benchReunite(
  redis: Redis,
  open: number,
  onProgress?: (fraction: number) => void,
  samples = 1000,
): Promise<ReuniteResult> {
  const prefix = `bench:${randomBytes(3).toString("hex")}:reunite:`;
  const codec = createEncryptedCodec({ current: { id: "k1", key: randomBytes(32) }, previous: [] });
  const matches = new RedisMatchStore(redis, { prefix, codec });
  const secret = randomBytes(32);
  const hash = (v: string) =>
    createHmac("sha256", secret).update(v).digest("base64url").slice(0, 22);
  const cases = new Map<string, Case>();
  const now = Date.now() - 3_600_000;
  const store = {
    get: async (id: string) => cases.get(id),
    audit: async (id: string) => ({ ok: true, case: cases.get(id) as Case }),
  } as unknown as CaseStore;
  const reunite = new Reunite({
    matches,
    cases: store,
    hash,
    board: { matchChanged: async () => {} },
    authorise: () => "operator",
    log: createLogger("silent"),
    now: Date.now,
  });
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < open) {
          const i = next++;
          const c = caseOf(i, i % 2 === 0 ? "help" : "family", now);
          cases.set(c.id, c);
          await matches.file(profileOf(c, hash));
          if (i % 1000 === 0) onProgress?.((0.8 * i) / open);
        }
      }),
    );
    const fillSeconds = (performance.now() - t0) / 1000;
    const timings: number[] = [];
    const read: number[] = [];
    let suggested = 0;
    for (let s = 0; s < samples; s++) {
      // A family reporting someone already there (every fourth) or someone new.
      const i = s % 4 === 0 ? (s * 97) % open : open + s;
      const c = { ...caseOf(i, "family", now), id: `N${s.toString(36).toUpperCase()}` };
      cases.set(c.id, c);
      const t = performance.now();
      suggested += await reunite.caseChanged(c);
      timings.push(performance.now() - t);
      read.push((await matches.candidates(profileOf(c, hash).keys, 50)).length);
      onProgress?.(0.8 + (0.2 * s) / samples);
    }
    return {
      open,
      fillSeconds,
      match: summarize(timings),
      candidates: summarize(read),
      suggested,
    };
  } finally {
    await dropKeys(redis, prefix);
  }
}

/** The part's table for BENCHMARKS.md. */
export function reuniteTable(r: ReuniteResult): string[] {
  const f = (n: number) => n.toFixed(1);
  return [
    `### Reunite: one new report matched against ${r.open.toLocaleString("en")} open cases and reports (Redis, encrypted)`,
    "",
    "| measure | p50 | p99 | max | samples |",
    "| --- | --- | --- | --- | --- |",
    `| match one new report, ms | ${f(r.match.p50)} | ${f(r.match.p99)} | ${f(r.match.max)} | ${r.match.count} |`,
    `| candidates read per report | ${r.candidates.p50} | ${r.candidates.p99} | ${r.candidates.max} | ${r.candidates.count} |`,
    "",
    `Filled in ${f(r.fillSeconds)} s; ${r.suggested} matches suggested. Target: p99 under 50 ms.`,
    "",
  ];
}
