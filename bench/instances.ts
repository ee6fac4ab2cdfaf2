/**
 * Two instances on a Redis Cluster against one instance on one Redis, in the same run: the
 * same people through the help flow (closed loop), first one Pulang process on a private
 * `redis-server`, then two Pulang processes sharing the webhook (each request to the next
 * instance, as a load balancer would) on a private Cluster of three primaries with a
 * replica each. The ratio of their throughputs says what a second instance buys on this
 * machine; the CPU each process used says where the limit is.
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { Redis } from "ioredis";
import { BotProcess } from "./lib/bots.js";
import { type LoadResult, runLoad } from "./lib/driver.js";
import { LeanTelegramApi } from "./lib/fake-api.js";
import { helpPeople } from "./lib/people.js";
import { PrivateRedis, redisInfo } from "./lib/redis.js";
import { PrivateCluster } from "./lib/redis-cluster.js";
import { chats, envFor, newKeys, SECRET } from "./surge.js";

export interface InstancesPlan {
  people: number;
  concurrency: number;
  warmup: number;
}

/** One side of the comparison. */
export interface SetupResult {
  label: string;
  instances: number;
  redisNodes: number;
  throughput: number;
  steadyThroughput: number;
  answered: number;
  lost: number;
  httpErrors: number;
  seconds: number;
  /** Cores busy on average (CPU seconds per second of wall time), by who used them. */
  cores: { bots: number; redis: number; driver: number; total: number };
  /** Load average of the machine (1 min) when the phase began. */
  loadAverage: number;
}

export interface InstancesResult {
  single: SetupResult;
  cluster: SetupResult;
  /** Two instances on the Cluster / one on one Redis (closed-loop throughput). */
  ratio: number;
  cores: number;
}

/** Where the setup's Redis is: environment for the service, and one client per primary. */
interface RedisSide {
  env: Record<string, string>;
  primaries: Redis[];
  nodes: number;
}

async function measure(
  label: string,
  instances: number,
  side: RedisSide,
  plan: InstancesPlan,
  progress: (f: number) => void,
): Promise<SetupResult> {
  const fake = await LeanTelegramApi.start();
  const prefix = `bench:${randomBytes(3).toString("hex")}:instances:`;
  const keys = newKeys();
  const env = { ...envFor("pulang", "", prefix, fake.apiRoot, keys), ...side.env };
  if (!side.env.REDIS_URL) delete (env as Record<string, string>).REDIS_URL;
  const bots = await Promise.all(
    Array.from({ length: instances }, () => BotProcess.start({ kind: "pulang", env })),
  );
  try {
    const ports = bots.map((b) => b.port);
    const closed = { kind: "closed", concurrency: plan.concurrency } as const;
    await runLoad({
      port: ports,
      secret: SECRET,
      fake,
      people: helpPeople(plan.warmup, chats(plan.warmup)),
      mode: closed,
      firstUpdateId: chats(0),
    });
    const loadAverage = loadavg()[0] ?? 0;
    const redisCpu = async () =>
      (await Promise.all(side.primaries.map(redisInfo))).reduce((n, i) => n + i.cpuSeconds, 0);
    const bots0 = bots.reduce((n, b) => n + b.cpuSeconds(), 0);
    const redis0 = await redisCpu();
    const driver0 = process.cpuUsage();
    const t0 = performance.now();
    const load: LoadResult = await runLoad({
      port: ports,
      secret: SECRET,
      fake,
      people: helpPeople(plan.people, chats(plan.people)),
      mode: closed,
      onProgress: progress,
      firstUpdateId: chats(0),
    });
    const wall = (performance.now() - t0) / 1000;
    const driver = process.cpuUsage(driver0);
    const cores = {
      bots: (bots.reduce((n, b) => n + b.cpuSeconds(), 0) - bots0) / wall,
      redis: ((await redisCpu()) - redis0) / wall,
      driver: (driver.user + driver.system) / 1e6 / wall,
      total: 0,
    };
    cores.total = cores.bots + cores.redis + cores.driver;
    return {
      label,
      instances,
      redisNodes: side.nodes,
      throughput: load.throughput,
      steadyThroughput: load.steadyThroughput,
      answered: load.answered,
      lost: load.lost,
      httpErrors: load.httpErrors,
      seconds: load.seconds,
      cores,
      loadAverage,
    };
  } finally {
    await Promise.all(bots.map((b) => b.stop()));
    await fake.close();
  }
}

/**
 * Redis CPU is counted on the primaries only (the replicas' copying is left out for both
 * sides: the single Redis has none). Each setup gets a fresh Redis, stopped afterwards.
 */
export async function benchInstances(
  plan: InstancesPlan,
  progress: (label: string) => (f: number) => void,
): Promise<InstancesResult> {
  const single = await PrivateRedis.start();
  const singleClient = new Redis(single.url);
  let one: SetupResult;
  try {
    one = await measure(
      "1 instance, 1 Redis",
      1,
      { env: { REDIS_URL: single.url }, primaries: [singleClient], nodes: 1 },
      plan,
      progress("instances: 1 on 1 Redis"),
    );
  } finally {
    singleClient.disconnect();
    await single.stop();
  }
  const cluster = await PrivateCluster.start();
  const primaries: Redis[] = [];
  let two: SetupResult;
  try {
    for (const node of await cluster.liveNodes()) {
      const client = new Redis(node.port, "127.0.0.1");
      if ((await client.role())[0] === "master") primaries.push(client);
      else client.disconnect();
    }
    const nodes = cluster.seeds.map((s) => `${s.host}:${s.port}`).join(",");
    two = await measure(
      "2 instances, Cluster of 3 primaries",
      2,
      { env: { REDIS_CLUSTER_NODES: nodes }, primaries, nodes: 6 },
      plan,
      progress("instances: 2 on a Cluster"),
    );
  } finally {
    for (const c of primaries) c.disconnect();
    await cluster.stop();
  }
  return {
    single: one,
    cluster: two,
    ratio: two.throughput / one.throughput,
    cores: cpus().length,
  };
}

/** The comparison as a short table, for the run's summary. */
export function instancesTable(r: InstancesResult): string {
  const row = (s: SetupResult) =>
    `| ${s.label} | ${s.throughput.toFixed(0)} | ${s.answered}/${s.answered + s.lost} | ` +
    `${s.cores.bots.toFixed(2)} | ${s.cores.redis.toFixed(2)} | ${s.cores.driver.toFixed(2)} | ` +
    `${s.cores.total.toFixed(2)} of ${r.cores} | ${s.loadAverage.toFixed(1)} |`;
  return [
    `Two instances on a Cluster against one on one Redis: ratio ${r.ratio.toFixed(2)}`,
    "",
    "| setup | updates/s | answered | cores: bots | Redis | driver | all | load avg |",
    "|---|---|---|---|---|---|---|---|",
    row(r.single),
    row(r.cluster),
  ].join("\n");
}
