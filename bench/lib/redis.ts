/**
 * Redis for benchmarks and fault tests: a private `redis-server` on a free port (clean
 * numbers, and a server a test may kill and restart), key clean-up by prefix, and memory
 * per key group.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether `redis-server` can be run here. */
export function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface PrivateRedisOptions {
  /** Keep data across a restart: append-only file, fsync on every write. */
  durable?: boolean;
  port?: number;
  /** More `redis-server` arguments (a cluster node's, a replica's). */
  args?: string[];
}

/** A redis-server of our own, which can be killed and started again on the same port. */
export class PrivateRedis {
  readonly dir = mkdtempSync(join(tmpdir(), "pulang-redis-"));
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly durable: boolean,
    readonly args: string[] = [],
  ) {}

  static async start(o: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    if (!hasRedisServer()) {
      throw new Error(
        "redis-server is not installed (Debian: apt-get install redis-server); it is needed to run a Redis of our own",
      );
    }
    const r = new PrivateRedis(o.port ?? (await freePort()), o.durable ?? false, o.args);
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Start (again), and wait until it answers. */
  async up(): Promise<void> {
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      this.dir,
      "--save",
      "",
      "--daemonize",
      "no",
      "--logfile",
      join(this.dir, "redis.log"),
      ...(this.durable
        ? ["--appendonly", "yes", "--appendfsync", "always"]
        : ["--appendonly", "no"]),
      ...this.args,
    ];
    this.#child = spawn("redis-server", args, { stdio: "ignore" });
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      for (let i = 0; i < 100; i++) {
        try {
          if (client.status !== "ready") await client.connect();
          if ((await client.ping()) === "PONG") return;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      throw new Error(`redis-server on port ${this.port} did not start`);
    } finally {
      client.disconnect();
    }
  }

  /** Kill -9: gone at once, as if its machine died (a durable one keeps what it acknowledged). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    this.#child = undefined;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every key under `prefix`. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== "0");
  return out;
}

/** Delete every key under `prefix`. */
export async function dropKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
}

/**
 * Bytes Redis holds for the keys under `prefix` (MEMORY USAGE, which counts the key, its
 * value and overhead), in groups named by `group(key without prefix)`.
 */
export async function memoryByGroup(
  redis: Redis,
  prefix: string,
  group: (rest: string) => string,
): Promise<{
  total: number;
  keys: number;
  groups: Record<string, { bytes: number; keys: number }>;
}> {
  const keys = await keysUnder(redis, prefix);
  const groups: Record<string, { bytes: number; keys: number }> = {};
  let total = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const pipe = redis.pipeline();
    for (const k of batch) pipe.memory("USAGE", k, "SAMPLES", "0");
    const results = (await pipe.exec()) ?? [];
    for (const [j, k] of batch.entries()) {
      const bytes = Number(results[j]?.[1] ?? 0);
      const g = group(k.slice(prefix.length));
      const entry = groups[g] ?? { bytes: 0, keys: 0 };
      entry.bytes += bytes;
      entry.keys += 1;
      groups[g] = entry;
      total += bytes;
    }
  }
  return { total, keys: keys.length, groups };
}

/** `redis_version`, the server's CPU seconds so far (user + system) and calls by command. */
export async function redisInfo(
  redis: Redis,
): Promise<{ version: string; cpuSeconds: number; calls: Record<string, number> }> {
  const info = await redis.info("everything");
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim() ?? "";
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls[m[1] as string] = Number(m[2]);
  return {
    version: field("redis_version"),
    cpuSeconds: Number(field("used_cpu_user")) + Number(field("used_cpu_sys")),
    calls,
  };
}

/** Commands per `per` between two readings of {@link redisInfo} (info, ping left out). */
export function callsPer(
  before: Record<string, number>,
  after: Record<string, number>,
  per: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cmd, n] of Object.entries(after)) {
    if (cmd === "info" || cmd === "ping") continue;
    const d = n - (before[cmd] ?? 0);
    if (d > 0) out[cmd] = d / per;
  }
  return out;
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
