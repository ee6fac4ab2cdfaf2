/**
 * Redis connections. A webhook must answer fast or fail fast (the channel redelivers), so
 * clients reject commands at once while Redis is away instead of queueing them.
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import type { RedisConnection } from "../../config.js";

/** One Redis, a Sentinel-watched primary (also a `Redis`), or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * `commands`: request/response work (sessions, queue writes); fails fast while Redis is
 * down. (The only role today: timers are a swept sorted set, not blocking reads; see 0005.)
 */
export type RedisRole = "commands";

/** A connection problem, safe to log: no URL, no credentials. */
export interface RedisProblem {
  role: RedisRole;
  code?: string;
  message: string;
}

export interface CreateRedisOptions {
  role: RedisRole;
  /** Told about connection errors (the client keeps reconnecting on its own). */
  onError?: (problem: RedisProblem) => void;
  /**
   * Longest `WAIT` the replica barrier sends on this client (`REDIS_WAIT_TIMEOUT_MS`):
   * commands get that much longer, since one sent behind a WAIT on the same connection
   * waits it out before Redis reads it (see replicas.ts and docs/decisions/0042).
   */
  waitTimeoutMs?: number;
}

/** How long a command may take when no WAIT is ahead of it. */
export const COMMAND_TIMEOUT_MS = 2_000;

/** Longest wait between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * A client tuned for `role`: for a URL (`redis://` or `rediss://`, credentials included),
 * or for a configured connection (one Redis, a Cluster, or Sentinel). It never throws on
 * connection errors: they go to `onError`, and it reconnects (Cluster and Sentinel follow a
 * failover to the new primary on their own).
 */
export function createRedis(url: string, opts: CreateRedisOptions): Redis;
export function createRedis(connection: RedisConnection, opts: CreateRedisOptions): RedisClient;
export function createRedis(
  target: string | RedisConnection,
  opts: CreateRedisOptions,
): RedisClient {
  const connection: RedisConnection =
    typeof target === "string" ? { kind: "single", url: target } : target;
  const client = clientFor(connection, {
    ...COMMON,
    ...ROLE_OPTIONS[opts.role],
    commandTimeout: COMMAND_TIMEOUT_MS + (opts.waitTimeoutMs ?? 0),
  });
  const secrets = secretsOf(connection);
  // An EventEmitter 'error' with no listener throws and kills the process; Redis being
  // briefly away must not take the helpline down with it.
  client.on("error", (err: Error & { code?: string }) => {
    opts.onError?.({
      role: opts.role,
      ...(err.code ? { code: err.code } : {}),
      message: redact(err.message, secrets),
    });
  });
  return client;
}

function clientFor(connection: RedisConnection, options: RedisOptions): RedisClient {
  switch (connection.kind) {
    case "single":
      return new Redis(connection.url, options);
    case "sentinel":
      return new Redis({
        ...options,
        sentinels: connection.sentinels,
        name: connection.name,
        ...credentialsOf(connection),
        // Sentinels may need the same password as the data nodes (a common setup).
        ...(connection.password ? { sentinelPassword: connection.password } : {}),
        // After a failover the old primary may answer as a replica for a moment: reconnect
        // to the new one instead of failing writes with READONLY.
        reconnectOnError: (err) => err.message.startsWith("READONLY"),
      });
    case "cluster":
      return new Cluster(connection.nodes, clusterOptions(connection, options));
  }
}

/**
 * Cluster-wide options mirror the single client's: no offline queue (fail fast, the
 * channel redelivers) and the same per-node settings; no auto-pipelining (below).
 */
function clusterOptions(
  connection: Extract<RedisConnection, { kind: "cluster" }>,
  options: RedisOptions,
): ClusterOptions {
  const { enableOfflineQueue, enableAutoPipelining: _, retryStrategy, ...perNode } = options;
  return {
    enableOfflineQueue: enableOfflineQueue ?? true,
    // Off on a Cluster: ioredis batched commands of different nodes' slots issued in one tick
    // into one pipeline and refused it ("All keys in the pipeline should belong to the same
    // slots allocation group"): with two instances under load, half the webhooks failed.
    enableAutoPipelining: false,
    clusterRetryStrategy: (times) => retryStrategy?.(times) ?? MAX_RECONNECT_DELAY_MS,
    // Writes go to primaries; a failover moves slots, which the client follows (MOVED).
    scaleReads: "master",
    // After a failover, learn the new primaries within a second rather than the default five:
    // until then, commands for the lost primary's slots wait on a dead connection.
    slotsRefreshInterval: 1_000,
    redisOptions: { ...perNode, ...credentialsOf(connection) },
  };
}

function credentialsOf(c: { username?: string; password?: string }): RedisOptions {
  return {
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
  };
}

/** What must never reach a log: the URL (it may hold a password) or the password. */
function secretsOf(connection: RedisConnection): string[] {
  if (connection.kind === "single") return [connection.url];
  return connection.password ? [connection.password] : [];
}

const COMMON: RedisOptions = {
  // Reconnect forever, backing off to a cap, with jitter so many instances do not
  // stampede a Redis that just came back.
  retryStrategy: (times) =>
    Math.min(100 * 2 ** Math.min(times, 10), MAX_RECONNECT_DELAY_MS) + Math.random() * 100,
  // A dead TCP peer (Redis host gone, not just the process) is noticed instead of hanging.
  keepAlive: 10_000,
};

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  commands: {
    // While disconnected, reject at once rather than queue: the webhook fails, the channel
    // redelivers later, and dedupe makes the retry safe. A queue would hold replies for
    // minutes and then flood out stale answers.
    enableOfflineQueue: false,
    // One retry across a reconnect, then give up: a caller waiting is worse than an error.
    maxRetriesPerRequest: 1,
    // Give up on a connection attempt quickly; the retry strategy tries again.
    connectTimeout: 2_000,
    // (commandTimeout, set in createRedis: a Redis that accepts the connection but does
    // not answer must not hang a webhook. A timed-out commit may still have been applied:
    // dedupe ids make the redelivery safe.)
    // Commands issued in the same tick go out as one write: a step's dozen round trips
    // from many concurrent conversations cost far less socket and Redis time (measured).
    enableAutoPipelining: true,
  },
};

/**
 * Whether `client` answers a PING within `timeoutMs`: for /readyz. Never throws and never
 * waits longer than the timeout.
 */
export async function isRedisReady(client: RedisClient, timeoutMs = 500): Promise<boolean> {
  if (client.status !== "ready") return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const ping = client.ping().then(
      (reply) => reply === "PONG",
      () => false,
    );
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `client` is ready, rejects after `timeoutMs`. A `commands` client rejects
 * everything until then (no offline queue), so start-up waits here before taking traffic.
 */
export function waitUntilReady(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}

/** Remove the URL, the password and any `user:password@` from a message before it is logged. */
function redact(message: string, secrets: string[]): string {
  let clean = message;
  for (const secret of secrets) clean = clean.split(secret).join("<redis>");
  return clean.replace(/\/\/[^@\s/]*@/g, "//<credentials>@");
}
