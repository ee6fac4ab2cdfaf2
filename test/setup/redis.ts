/**
 * Vitest global setup: make sure a Redis answers before any test file runs. REDIS_URL (or
 * redis://127.0.0.1:6379) when something answers there; otherwise a private `redis-server`
 * on a free loopback port, without persistence, in a temporary folder, stopped at the end.
 * Test files read the URL through `test/helpers/redis-url.ts` (this file must not import it:
 * `inject` works only in test workers).
 */
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { hasRedisServer, PrivateRedis } from "../../bench/lib/redis.js";

/** Where a Redis is looked for when REDIS_URL is not set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** How long a Redis may take to answer a PING before we start our own. */
const ANSWER_WITHIN_MS = 2_000;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const wanted = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  if (await answers(wanted)) {
    project.provide("redisUrl", wanted);
    return;
  }
  if (!hasRedisServer()) {
    throw new Error(
      `No Redis answers at ${where(wanted)} (REDIS_URL), and redis-server is not installed to start one for the tests.\n` +
        "Install it (Debian or Ubuntu: apt-get install redis-server; macOS: brew install redis),\n" +
        "or set REDIS_URL to a Redis that answers.",
    );
  }
  const server = await PrivateRedis.start();
  process.stderr.write(
    `test setup: no Redis answered at ${where(wanted)}; using a private redis-server at ${server.url} (no persistence), stopped after the tests\n`,
  );
  project.provide("redisUrl", server.url);
  // Processes the tests start themselves read it from the environment.
  process.env.REDIS_URL = server.url;
  return () => server.stop();
}

/** Whether a Redis at `url` answers PING in time. */
async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: ANSWER_WITHIN_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Host and port of `url`, never its password. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "REDIS_URL (not a valid URL)";
  }
}
