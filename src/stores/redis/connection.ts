/**
 * Redis connections. A webhook must answer fast or fail fast (the channel redelivers), so
 * clients reject commands at once while Redis is away instead of queueing them.
 */
import { Redis, type RedisOptions } from "ioredis";

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
}

/** Longest wait between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * A client for `url` (`redis://` or `rediss://`, credentials included) tuned for `role`.
 * It never throws on connection errors: they go to `onError`, and it reconnects.
 */
export function createRedis(url: string, opts: CreateRedisOptions): Redis {
  const client = new Redis(url, { ...COMMON, ...ROLE_OPTIONS[opts.role] });
  // An EventEmitter 'error' with no listener throws and kills the process; Redis being
  // briefly away must not take the helpline down with it.
  client.on("error", (err: Error & { code?: string }) => {
    opts.onError?.({
      role: opts.role,
      ...(err.code ? { code: err.code } : {}),
      message: redact(err.message, url),
    });
  });
  return client;
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
    // A Redis that accepts the connection but does not answer must not hang a webhook.
    // A timed-out commit may still have been applied: dedupe ids make the redelivery safe.
    commandTimeout: 2_000,
    // Commands issued in the same tick go out as one write: a step's dozen round trips
    // from many concurrent conversations cost far less socket and Redis time (measured).
    enableAutoPipelining: true,
  },
};

/**
 * Whether `client` answers a PING within `timeoutMs`: for /readyz. Never throws and never
 * waits longer than the timeout.
 */
export async function isRedisReady(client: Redis, timeoutMs = 500): Promise<boolean> {
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
export function waitUntilReady(client: Redis, timeoutMs = 10_000): Promise<void> {
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

/** Remove the URL and any `user:password@` from an error message before it is logged. */
function redact(message: string, url: string): string {
  return message
    .split(url)
    .join("<redis>")
    .replace(/\/\/[^@\s/]*@/g, "//<credentials>@");
}
