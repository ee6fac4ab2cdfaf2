/**
 * `npm run bench [-- --quick]`: benchmarks, never part of `npm test`. Shows progress,
 * prints a summary, writes `bench/results/<date>.json`, and (full runs) the generated
 * tables in BENCHMARKS.md. `--quick` is a smoke run of every part, under a minute.
 *
 * Options: --only engine,understanding,surge,queue,burst,reunite (and instances: two instances
 *          on a Redis Cluster against one on one Redis, only when asked for)  --bots pulang,baseline,floor  --people N
 *          --concurrency C  --profile (CPU profiles of the bots, bench/results/tmp-profiles)
 *          --redis-url redis://...  (default: a private redis-server when one is installed,
 *          else REDIS_URL or 127.0.0.1:6379, under a prefix of its own)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { benchBurst } from "./burst.js";
import { benchCodec } from "./codec.js";
import { benchEngine } from "./engine.js";
import { benchInstances, instancesTable } from "./instances.js";
import type { BotKind } from "./lib/bots.js";
import { hasRedisServer, PrivateRedis, redisInfo } from "./lib/redis.js";
import { summarizeProfile } from "./profile.js";
import { benchQueue } from "./queue.js";
import { type BenchResults, markdown, updateBenchmarksFile } from "./report.js";
import { benchReunite } from "./reunite.js";
import { benchBot, type SurgePlan } from "./surge.js";
import { benchTrips } from "./trips.js";
import { benchUnderstanding } from "./understanding.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    people: { type: "string" },
    concurrency: { type: "string" },
    profile: { type: "boolean", default: false },
    bots: { type: "string" },
    "redis-url": { type: "string" },
  },
});
const quick = values.quick;
const PARTS = "engine,understanding,surge,queue,burst,reunite";
const only = new Set((values.only ?? PARTS).split(","));

const plan: SurgePlan = {
  people: Number(values.people ?? (quick ? 300 : 10_000)),
  concurrency: Number(values.concurrency ?? 40),
  warmup: quick ? 100 : 500,
  stepsPeople: quick ? { 4: 100, 20: 25 } : { 4: 2000, 20: 500 },
  fixedRate: 500,
  fixedSeconds: quick ? 2 : 20,
  profile: values.profile,
};
const queueOpen = quick ? 3_000 : 100_000;
const burstSize = quick ? 60 : 520;

function progress(label: string): (f: number) => void {
  let shown = -1;
  const started = Date.now();
  return (f) => {
    const pct = Math.floor(Math.min(1, f) * 20);
    if (pct === shown) return;
    shown = pct;
    if (process.stderr.isTTY) {
      process.stderr.write(
        `\r${label.padEnd(22)} [${"#".repeat(pct)}${" ".repeat(20 - pct)}] ${Math.round(f * 100)}%  `,
      );
      if (pct === 20) process.stderr.write("\n");
    } else if (pct === 20) {
      process.stderr.write(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  };
}

// Redis: our own server when we can start one (clean CPU and memory figures).
let privateRedis: PrivateRedis | undefined;
let redisUrl = values["redis-url"];
if (!redisUrl && hasRedisServer()) {
  privateRedis = await PrivateRedis.start();
  redisUrl = privateRedis.url;
}
redisUrl ??= process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl);

const results: BenchResults = {
  date: new Date().toISOString(),
  quick,
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis: (await redisInfo(redis)).version,
    redisKind: privateRedis ? "private redis-server (no persistence)" : redisUrl,
  },
  plan,
  queueOpen,
  burstSize,
};

try {
  if (only.has("engine")) {
    results.engine = benchEngine(quick ? 3 : 15, progress("engine"));
    results.codec = benchCodec(quick ? 0.5 : 3);
  }
  if (only.has("understanding")) {
    results.understanding = benchUnderstanding(quick ? 2000 : 20_000, progress("understanding"));
  }
  if (only.has("surge")) {
    results.bots = [];
    for (const kind of (values.bots ?? "pulang,baseline,floor").split(",") as BotKind[]) {
      const r = await benchBot(kind, {
        redis,
        redisUrl,
        plan,
        progress,
        profileDir: join(import.meta.dirname, "results", "tmp-profiles"),
      });
      if (r.profile) r.profileTop = summarizeProfile(r.profile, 25);
      results.bots.push(r);
    }
    if (results.bots.some((b) => b.kind === "pulang")) {
      progress("round trips")(0);
      results.trips = await benchTrips(redisUrl, quick ? 5 : 50);
    }
  }
  if (only.has("queue")) {
    results.queue = await benchQueue(
      redis,
      queueOpen,
      progress(`queue (${queueOpen.toLocaleString("en")} open)`),
      quick
        ? { enqueue: 200, claim: 200, claimNext: 50 }
        : { enqueue: 1000, claim: 1000, claimNext: 200 },
    );
  }
  if (only.has("reunite")) {
    const open = quick ? 3_000 : 100_000;
    results.reunite = await benchReunite(
      redis,
      open,
      progress(`reunite (${open} open)`),
      quick ? 200 : 1000,
    );
  }
  if (only.has("burst")) {
    results.burst = await benchBurst(redis, redisUrl, burstSize, progress(`burst (${burstSize})`));
  }
  if (only.has("instances")) {
    const people = Number(values.people ?? (quick ? 200 : 2_000));
    results.instances = await benchInstances(
      { people, concurrency: plan.concurrency, warmup: quick ? 50 : 300 },
      progress,
    );
  }
} finally {
  await redis.quit();
  await privateRedis?.stop();
}

const table = markdown(results);
process.stdout.write(`\n${table}\n`);
if (results.instances) process.stdout.write(`\n${instancesTable(results.instances)}\n`);
const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
// A complete run is `<date>.json`; partial or experimental ones are `tmp-...` (git ignores them).
const complete =
  !quick &&
  only.size === PARTS.split(",").length &&
  (values.bots ?? "pulang,baseline,floor") === "pulang,baseline,floor" &&
  values.people === undefined &&
  values.concurrency === undefined &&
  !values.profile;
const stamp = results.date.slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
const file = join(
  dir,
  quick
    ? `${results.date.slice(0, 10)}-quick.json`
    : complete
      ? `${results.date.slice(0, 10)}.json`
      : `tmp-${stamp}.json`,
);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`results: ${file}\n`);
if (complete) {
  updateBenchmarksFile(join(import.meta.dirname, "..", "BENCHMARKS.md"), table);
  process.stdout.write("BENCHMARKS.md: generated section updated\n");
}
