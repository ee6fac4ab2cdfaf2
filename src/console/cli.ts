/**
 * What the `operators:*` scripts share: the stores of the configured Redis, their
 * arguments, and a password read from standard input (without echo on a terminal).
 */
import { createInterface } from "node:readline";
import { type Config, createConfig } from "../config.js";
import { storageSecrets } from "../ports.js";
import type { RedisClient as Redis } from "../stores/redis/connection.js";
import { createRedis, waitUntilReady } from "../stores/redis/connection.js";
import { RedisAccountStore } from "./accounts.js";
import { AccountError } from "./manage.js";
import { RedisSessionStore } from "./sessions.js";

export interface CliStores {
  config: Config;
  accounts: RedisAccountStore;
  sessions: RedisSessionStore;
  redis: Redis;
}

/** The account stores of the Redis in REDIS_URL (the console's accounts live there). */
export async function openStores(): Promise<CliStores> {
  const config = createConfig(process.env);
  if (!config.redis)
    throw new AccountError(
      "No Redis is set (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): accounts live in the service's Redis. (The local demo makes its own demo account.)",
    );
  if (!config.dataKeys)
    throw new AccountError(
      "DATA_KEY is not set: accounts are stored encrypted under the service's DATA_KEY; run this with the service's settings.",
    );
  const { codec } = storageSecrets(config, (line) => process.stderr.write(`${line}\n`));
  const redis = createRedis(config.redis.connection, { role: "commands" });
  await waitUntilReady(redis, 5000);
  const prefix = config.redis.keyPrefix;
  return {
    config,
    redis,
    accounts: new RedisAccountStore(redis, prefix, codec),
    sessions: new RedisSessionStore(
      redis,
      prefix,
      { idleMs: config.console.idleMs, absoluteMs: config.console.absoluteMs },
      codec,
    ),
  };
}

/** The password: the first line of standard input (typed without echo on a terminal). */
export async function readPassword(prompt = "Password: "): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(chunk as Buffer);
    return (Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "").trimEnd();
  }
  process.stderr.write(prompt);
  const rl = createInterface({ input, terminal: true });
  // Typed characters are not echoed.
  (rl as unknown as { _writeToOutput: () => void })._writeToOutput = () => undefined;
  const line = await new Promise<string>((resolve) => rl.once("line", resolve));
  rl.close();
  process.stderr.write("\n");
  return line;
}

/** Run a script: its mistakes print plainly and exit 1; anything else exits 2. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    const known = err instanceof AccountError || (err as Error).name === "ConfigError";
    process.stderr.write(`${known ? (err as Error).message : (err as Error).stack}\n`);
    process.exitCode = known ? 1 : 2;
  }
}
