/**
 * Surge and side by side: Pulang, the grammY conversations baseline and the floor, one
 * after the other on the same machine, Redis and fake Bot API, driven by the same people.
 * For each bot: a surge of people through the help flow (closed loop), conversations of
 * 4 and of 20 updates (how cost grows with length), and a fixed offered load.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { BENCH_NODE_ENV, type BotKind, BotProcess } from "./lib/bots.js";
import { type LoadMode, type LoadResult, runLoad } from "./lib/driver.js";
import { BENCH_TOKEN, LeanTelegramApi } from "./lib/fake-api.js";
import { helpPeople, type Person, peopleOf } from "./lib/people.js";
import { callsPer, dropKeys, memoryByGroup, redisInfo } from "./lib/redis.js";
import { type Summary, summarize } from "./lib/stats.js";

export const SECRET = "bench-secret-0123456789abcdef";

export interface SurgePlan {
  people: number;
  concurrency: number;
  warmup: number;
  /** People in each of the 4- and 20-update runs. */
  stepsPeople: Record<4 | 20, number>;
  fixedRate: number;
  fixedSeconds: number;
  /** Write a CPU profile of each bot process (bench/results/profiles). */
  profile: boolean;
}

/** One phase of one bot. */
export interface PhaseResult {
  updates: number;
  answered: number;
  seconds: number;
  throughput: number;
  steadyThroughput: number;
  latency: Summary;
  httpErrors: number;
  networkErrors: number;
  lost: number;
  extra: number;
  behind: number;
  /** CPU time of the bot process, and of Redis, per answered update (µs). */
  botCpuUs: number;
  redisCpuUs: number;
  /** CPU of the driver and fake (this process), as a share of one core. */
  driverCpu: number;
  /** Redis bytes per conversation: conversation state, and everything under the prefix. */
  redisPerConversation: { state: number; total: number; groups: Record<string, number> };
  /** Outbound Bot API calls by method (whole phase). */
  calls: Record<string, number>;
  /** Redis commands per answered update, by command (a private Redis only sees ours). */
  redisCommands: Record<string, number>;
  /** Load average of the machine (1 min) when the phase began: others' work skews figures. */
  loadAverage: number;
}

export interface BotResult {
  kind: BotKind;
  surge: PhaseResult & {
    escalations: { expected: number; reached: number; source: string };
    rssAfter: number;
  };
  steps: Record<4 | 20, PhaseResult>;
  fixed: PhaseResult;
  rssPeak: number;
  /** The CPU profile written (with --profile), and where its time went. */
  profile?: string;
  profileTop?: import("./profile.js").ProfileSummary;
}

/** Which keys hold a conversation's own state (the rest: cases, timers, indexes). */
function groupOf(kind: BotKind): (rest: string) => string {
  if (kind === "baseline") return (k) => (k.startsWith("conv:") ? "state" : (k.split(":")[0] ?? k));
  return (k) => {
    const m = /^c:\{[^}]*\}(?::(\w+))?$/.exec(k);
    if (m) return m[1] ? `state:${m[1]}` : "state:session";
    if (k.startsWith("{sched}")) return "timers";
    return k.split(":")[0] ?? k;
  };
}

export function envFor(
  kind: BotKind,
  redisUrl: string,
  prefix: string,
  apiRoot: string,
  keys: Keys,
) {
  const common = {
    PORT: "0",
    HOST: "127.0.0.1",
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    TELEGRAM_BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: apiRoot,
    NODE_ENV: BENCH_NODE_ENV,
  };
  if (kind !== "pulang") return common;
  return {
    ...common,
    LOG_LEVEL: "info",
    DATA_KEY: keys.data,
    PSEUDONYM_KEY: keys.pseudonym,
    // Measure the bots, not Telegram's quota: the floor and the baseline do not pace, and
    // simulated people answer faster than any person could (see BENCHMARKS.md).
    TELEGRAM_MESSAGES_PER_SECOND: "100000",
    TELEGRAM_CHAT_GAP_MS: "1",
  };
}

export interface Keys {
  data: string;
  pseudonym: string;
}

export function newKeys(): Keys {
  return {
    data: randomBytes(32).toString("base64"),
    pseudonym: randomBytes(32).toString("base64"),
  };
}

interface Ctx {
  redis: Redis;
  redisUrl: string;
  plan: SurgePlan;
  progress: (label: string) => (f: number) => void;
  profileDir: string;
}

/** Chat ids: each phase its own range, so nothing is shared between phases. */
let chatBase = 1_000_000_000;
export function chats(n: number): number {
  const first = chatBase;
  chatBase += n + 1000;
  return first;
}

export async function benchBot(kind: BotKind, ctx: Ctx): Promise<BotResult> {
  const { plan, redis } = ctx;
  const prefix = `bench:${randomBytes(3).toString("hex")}:${kind}:`;
  const fake = await LeanTelegramApi.start();
  const caseIds = new Set<string>();
  // One folder per process: Node writes a profile per thread (tsx's loader runs in one).
  const profileDir = join(ctx.profileDir, `${kind}-${Date.now()}`);
  const nodeArgs = [
    ...(plan.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    // For experiments: node flags for Pulang only, e.g. "--require ./patch.cjs".
    ...(kind === "pulang"
      ? (process.env.BENCH_PULANG_NODE_ARGS ?? "").split(" ").filter(Boolean)
      : []),
  ];
  if (plan.profile) mkdirSync(profileDir, { recursive: true });
  const bot = await BotProcess.start({
    kind,
    env: envFor(kind, ctx.redisUrl, prefix, fake.apiRoot, newKeys()),
    nodeArgs,
    onLine: (line) => {
      // Before the operator queue was wired, escalations were only logged.
      if (line.includes('"case raised"')) {
        const id = /"case":"([^"]+)"/.exec(line)?.[1];
        if (id) caseIds.add(id);
      }
    },
  });
  try {
    const phase = async (
      label: string,
      people: Person[],
      mode: LoadMode,
      conversations: number,
    ): Promise<PhaseResult & { load: LoadResult }> => {
      const loadAverage = loadavg()[0] ?? 0;
      const cpu0 = bot.cpuSeconds();
      const r0 = await redisInfo(redis);
      const d0 = process.cpuUsage();
      const t0 = performance.now();
      const load = await runLoad({
        port: bot.port,
        secret: SECRET,
        fake,
        people,
        mode,
        onProgress: ctx.progress(`${kind} ${label}`),
        firstUpdateId: chats(0),
      });
      const wall = (performance.now() - t0) / 1000;
      const d = process.cpuUsage(d0);
      const r1 = await redisInfo(redis);
      const cpu1 = bot.cpuSeconds();
      await settle(500);
      const mem = await memoryByGroup(redis, prefix, groupOf(kind));
      const groups = Object.fromEntries(
        Object.entries(mem.groups).map(([g, v]) => [g, v.bytes / conversations]),
      );
      const state = Object.entries(mem.groups)
        .filter(([g]) => g.startsWith("state"))
        .reduce((n, [, v]) => n + v.bytes, 0);
      return {
        load,
        updates: load.updates,
        answered: load.answered,
        seconds: load.seconds,
        throughput: load.throughput,
        steadyThroughput: load.steadyThroughput,
        latency: summarize(load.latencies),
        httpErrors: load.httpErrors,
        networkErrors: load.networkErrors,
        lost: load.lost,
        extra: load.extra,
        behind: load.behind,
        botCpuUs: ((cpu1 - cpu0) * 1e6) / Math.max(1, load.answered),
        redisCpuUs: ((r1.cpuSeconds - r0.cpuSeconds) * 1e6) / Math.max(1, load.answered),
        driverCpu: (d.user + d.system) / 1e6 / wall,
        redisPerConversation: {
          state: state / conversations,
          total: mem.total / conversations,
          groups,
        },
        calls: load.calls,
        redisCommands: callsPer(r0.calls, r1.calls, Math.max(1, load.answered)),
        loadAverage,
      };
    };
    const closed: LoadMode = { kind: "closed", concurrency: plan.concurrency };

    // Warm up (JIT, connections, scripts), then start clean.
    await runLoad({
      port: bot.port,
      secret: SECRET,
      fake,
      people: helpPeople(plan.warmup, chats(plan.warmup)),
      mode: closed,
      firstUpdateId: chats(0),
    });
    await settle(1000);
    await dropKeys(redis, prefix);
    caseIds.clear();

    const surgePeople = helpPeople(plan.people, chats(plan.people));
    const surge = await phase("surge", surgePeople, closed, plan.people);
    const escalations = await countEscalations(kind, redis, prefix, caseIds, plan.people);
    const rssAfter = bot.memory().rss;
    await dropKeys(redis, prefix);

    const steps = {} as Record<4 | 20, PhaseResult>;
    for (const n of [4, 20] as const) {
      const count = plan.stepsPeople[n];
      const { load: _l, ...r } = await phase(
        `${n} steps`,
        peopleOf(count, n, chats(count)),
        closed,
        count,
      );
      steps[n] = r;
      await dropKeys(redis, prefix);
    }

    const fixedPeople = helpPeople(
      Math.ceil((plan.fixedRate * plan.fixedSeconds) / 9) + 2000,
      chats(Math.ceil((plan.fixedRate * plan.fixedSeconds) / 9) + 2000),
    );
    const { load: _f, ...fixed } = await phase(
      `${plan.fixedRate}/s`,
      fixedPeople,
      { kind: "open", rate: plan.fixedRate, seconds: plan.fixedSeconds, pool: 1000 },
      Math.min(fixedPeople.length, 1000 + Math.ceil((plan.fixedRate * plan.fixedSeconds) / 9)),
    );
    await dropKeys(redis, prefix);
    const rssPeak = bot.memory().peak;
    const { load: _s, ...surgeResult } = surge;
    const result: BotResult = {
      kind,
      surge: { ...surgeResult, escalations, rssAfter },
      steps,
      fixed,
      rssPeak,
    };
    await bot.stop();
    if (plan.profile) result.profile = mainThreadProfile(profileDir);
    return result;
  } finally {
    await bot.stop();
    await fake.close();
    await dropKeys(redis, prefix);
  }
}

/**
 * Cases that reached the operators' queue: from the case store (`P cases:open`) when the
 * service has one, otherwise from its "case raised" log lines (distinct case ids).
 */
async function countEscalations(
  kind: BotKind,
  redis: Redis,
  prefix: string,
  logged: Set<string>,
  expected: number,
): Promise<{ expected: number; reached: number; source: string }> {
  if (kind === "floor")
    return { expected: 0, reached: 0, source: "none (the floor keeps nothing)" };
  // Escalations are carried out in the background, next to the reply: let them land.
  let reached = 0;
  for (let i = 0; i < 100; i++) {
    reached = await redis.zcard(`${prefix}cases:open`);
    if (reached >= expected) break;
    await settle(100);
  }
  if (reached > 0 || logged.size === 0) {
    return { expected, reached, source: "case store (cases:open)" };
  }
  return { expected, reached: logged.size, source: 'logs ("case raised", distinct case ids)' };
}

/** The main thread's profile: the one with the most samples (the largest file). */
function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .sort((a, b) => b.size - a.size);
  return files[0] ? join(dir, files[0].f) : undefined;
}

function settle(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
