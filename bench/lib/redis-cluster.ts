/**
 * A real Redis Cluster and a real Sentinel set on loopback, from Debian's `redis-server`,
 * for the cluster tests and benchmarks: three primaries with a replica each, and one
 * primary with a replica watched by three sentinels. Either can lose its primary to
 * `kill -9`, and the replica takes over as in production.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import type { HostPort } from "../../src/config.js";
import { freePort, PrivateRedis } from "./redis.js";

const run = promisify(execFile);

/** How long a node may be silent before the others fail it over: short, for tests. */
const NODE_TIMEOUT_MS = 1_000;

/** Wait until `check` holds, polling; fail with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Ask one node one command, on a connection of its own. */
async function ask(port: number, ...command: string[]): Promise<string> {
  const client = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return String(await client.call(command[0] as string, ...command.slice(1)));
  } finally {
    client.disconnect();
  }
}

/** Whether the primary on `port` has `count` replicas online (synced, streaming). */
async function hasReplicasOnline(port: number, count: number): Promise<boolean> {
  const info = await ask(port, "INFO", "replication");
  return (info.match(/^slave\d+:.*state=online/gm) ?? []).length >= count;
}

/** The ports of the replicas the primary on `port` streams to. */
async function replicaPortsOf(port: number): Promise<number[]> {
  const info = await ask(port, "INFO", "replication");
  return [...info.matchAll(/^slave\d+:.*port=(\d+)/gm)].map((m) => Number(m[1]));
}

/** What Redis Cluster hashes of `key`: its `{tag}`, or all of it. */
function hashTagOf(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Bytes that fill the kernel's socket buffers between a primary and a stopped replica. */
const FILLER_BYTES = 32 * 1024 * 1024;

/**
 * Make the replicas of the primary on `port` fall behind, as on a congested network: they
 * are stopped (SIGSTOP) and the primary's link to them is filled, so what it writes next
 * stays in the primary's own memory. Resolves after `ms`, with a function that lets the
 * replicas go on. A primary killed before then takes those writes with it.
 */
async function fallBehind(
  port: number,
  nodes: readonly PrivateRedis[],
  ms: number,
  fillerKey = "filler",
): Promise<() => void> {
  const ports = await replicaPortsOf(port);
  const replicas = nodes.filter((n) => ports.includes(n.port) && n.pid !== undefined);
  for (const r of replicas) process.kill(r.pid as number, "SIGSTOP");
  await ask(port, "SET", fillerKey, "x".repeat(FILLER_BYTES));
  await new Promise((r) => setTimeout(r, ms));
  return () => {
    for (const r of replicas) if (r.pid !== undefined) process.kill(r.pid, "SIGCONT");
  };
}

/** Three primaries, each with one replica, slots spread by `redis-cli --cluster create`. */
export class PrivateCluster {
  private constructor(readonly nodes: PrivateRedis[]) {}

  static async start(primaryCount = 3): Promise<PrivateCluster> {
    const nodes = await Promise.all(
      Array.from({ length: primaryCount * 2 }, () =>
        freePort().then((port) =>
          PrivateRedis.start({
            port,
            args: [
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              `nodes-${port}.conf`,
              "--cluster-node-timeout",
              String(NODE_TIMEOUT_MS),
              // A replica takes over however long it was away from its primary.
              "--cluster-replica-validity-factor",
              "0",
            ],
          }),
        ),
      ),
    );
    const cluster = new PrivateCluster(nodes);
    try {
      await run("redis-cli", [
        "--cluster",
        "create",
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        "--cluster-replicas",
        "1",
        "--cluster-yes",
      ]);
      await until("the cluster to agree on its slots", () => cluster.isHealthy());
      await until("every primary's replica to be in sync", async () => {
        const roles = await Promise.all(nodes.map((n) => ask(n.port, "ROLE")));
        const primaries = nodes.filter((_, i) => roles[i]?.startsWith("master"));
        const synced = await Promise.all(primaries.map((p) => hasReplicasOnline(p.port, 1)));
        return primaries.length === primaryCount && synced.every(Boolean);
      });
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Seeds for `REDIS_CLUSTER_NODES` / ioredis's Cluster client. */
  get seeds(): HostPort[] {
    return this.nodes.map((n) => ({ host: "127.0.0.1", port: n.port }));
  }

  /** Every live node sees every slot served and knows all the others. */
  async isHealthy(): Promise<boolean> {
    const live = await this.liveNodes();
    const infos = await Promise.all(live.map((n) => ask(n.port, "CLUSTER", "INFO")));
    return infos.every((i) => i.includes("cluster_state:ok"));
  }

  /** The node serving `key`'s slot as primary right now. */
  async primaryFor(key: string): Promise<PrivateRedis> {
    const live = await this.liveNodes();
    const slot = Number(await ask(live[0]?.port ?? 0, "CLUSTER", "KEYSLOT", key));
    for (const node of live) {
      const role = await ask(node.port, "ROLE");
      if (!role.startsWith("master")) continue;
      const owned = await this.#ownedSlots(node.port);
      if (owned.some(([from, to]) => slot >= from && slot <= to)) return node;
    }
    throw new Error(`no primary serves slot ${slot}`);
  }

  /**
   * Kill -9 the primary of `key`'s slot and wait until its replica serves the slot. With
   * `replicaBehindMs`, the replica falls that far behind first (see `fallBehind`): the
   * writes of that moment reach no replica, so only a wait for replicas keeps them safe.
   */
  async failPrimaryOf(key: string, o: { replicaBehindMs?: number } = {}): Promise<void> {
    const primary = await this.primaryFor(key);
    const resume = o.replicaBehindMs
      ? // The filler shares `key`'s hash tag, so this primary serves it.
        await fallBehind(primary.port, this.nodes, o.replicaBehindMs, `filler{${hashTagOf(key)}}`)
      : () => {};
    await primary.kill();
    resume();
    await until(
      "a replica to take over",
      async () => (await this.primaryFor(key)) !== primary && (await this.isHealthy()),
      30_000,
    );
  }

  async liveNodes(): Promise<PrivateRedis[]> {
    return this.nodes.filter((n) => n.pid !== undefined);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  async #ownedSlots(port: number): Promise<[number, number][]> {
    const client = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      const myself = String(await client.call("CLUSTER", "MYID"));
      const shards = (await client.call("CLUSTER", "SLOTS")) as [number, number, ...unknown[]][];
      return shards
        .filter((s) => (s[2] as [string, number, string])[2] === myself)
        .map((s) => [s[0], s[1]]);
    } finally {
      client.disconnect();
    }
  }
}

/**
 * A primary and two replicas watched by three sentinels (quorum two): after a failover the
 * new primary still has a replica, as a production set of three would.
 */
export class PrivateSentinels {
  readonly name = "pulang";
  readonly #dir = mkdtempSync(join(tmpdir(), "pulang-sentinel-"));
  readonly #sentinels: { port: number; child: ChildProcess }[] = [];

  private constructor(readonly nodes: PrivateRedis[]) {}

  static async start(): Promise<PrivateSentinels> {
    const primary = await PrivateRedis.start();
    const replicas = await Promise.all(
      [0, 1].map(() =>
        PrivateRedis.start({
          args: ["--replicaof", "127.0.0.1", String(primary.port)],
        }),
      ),
    );
    const set = new PrivateSentinels([primary, ...replicas]);
    try {
      await until("both replicas to be in sync", () => hasReplicasOnline(primary.port, 2));
      for (let i = 0; i < 3; i++) set.#sentinels.push(await set.#startSentinel());
      await until("the sentinels to see each other and the replica", async () => {
        const replies = await Promise.all(
          set.#sentinels.map((s) => ask(s.port, "SENTINEL", "CKQUORUM", set.name)),
        );
        return replies.every((r) => r.startsWith("OK"));
      });
    } catch (err) {
      await set.stop();
      throw err;
    }
    return set;
  }

  /** For `REDIS_SENTINELS`. */
  get sentinels(): HostPort[] {
    return this.#sentinels.map((s) => ({ host: "127.0.0.1", port: s.port }));
  }

  /** The port of whichever node the sentinels call primary now. */
  async currentPrimaryPort(): Promise<number> {
    const first = this.#sentinels[0];
    if (!first) throw new Error("no sentinel");
    const client = new Redis(first.port, "127.0.0.1", { lazyConnect: true });
    client.on("error", () => undefined);
    try {
      await client.connect();
      const [, port] = (await client.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", this.name)) as [
        string,
        string,
      ];
      return Number(port);
    } finally {
      client.disconnect();
    }
  }

  /** Kill -9 the primary and wait until the sentinels have promoted a replica (see PrivateCluster.failPrimaryOf for `replicaBehindMs`). */
  async failPrimary(o: { replicaBehindMs?: number } = {}): Promise<void> {
    const before = await this.currentPrimaryPort();
    const resume = o.replicaBehindMs
      ? await fallBehind(before, this.nodes, o.replicaBehindMs)
      : () => {};
    await this.nodes.find((n) => n.port === before)?.kill();
    resume();
    await until(
      "the sentinels to promote the replica",
      async () => (await this.currentPrimaryPort()) !== before,
      30_000,
    );
  }

  async stop(): Promise<void> {
    for (const s of this.#sentinels) s.child.kill("SIGKILL");
    await Promise.all(this.nodes.map((n) => n.stop()));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #startSentinel(): Promise<{ port: number; child: ChildProcess }> {
    const port = await freePort();
    // A sentinel rewrites its configuration file as it learns: it must have one of its own.
    const file = join(this.#dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${this.#dir}`,
        `sentinel monitor ${this.name} 127.0.0.1 ${this.nodes[0]?.port} 2`,
        `sentinel down-after-milliseconds ${this.name} ${NODE_TIMEOUT_MS}`,
        `sentinel failover-timeout ${this.name} 5000`,
        "",
      ].join("\n"),
    );
    const child = spawn("redis-server", [file, "--sentinel"], { stdio: "ignore" });
    await until("a sentinel to answer", async () => (await ask(port, "PING")) === "PONG");
    return { port, child };
  }
}
