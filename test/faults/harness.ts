/**
 * What the fault tests share: the real service in processes of its own (`src/main.ts`, which
 * `npm start` runs compiled), the faithful fake Bot API, and a Telegram that delivers people's
 * updates to the webhook and delivers again whatever was not answered 2xx, as Telegram
 * does. Fault tests assert correctness only (nothing lost, nothing twice, no crash); no
 * timing decides a pass.
 */
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { Redis } from "ioredis";
import { BENCH_NODE_ENV, BotProcess } from "../../bench/lib/bots.js";
import { type Person, UpdateMaker } from "../../bench/lib/people.js";
import { dropKeys } from "../../bench/lib/redis.js";
import { createApp } from "../../src/app.js";
import { createConfig } from "../../src/config.js";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { parseDataKeys } from "../../src/crypto/keys.js";
import { hashedNames } from "../../src/crypto/pseudonym.js";
import type { Session } from "../../src/engine/session.js";
import { createLogger } from "../../src/log.js";
import type { RedisClient } from "../../src/stores/redis/connection.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { FAKE_TOKEN, FakeTelegramApi } from "../fakes/telegram-api.js";
import { REDIS_URL } from "../helpers/redis-url.js";

export const SECRET = "faults-secret-0123456789abcdef";

/** Everything a service process is configured with; shared by processes of one test. */
export interface ServiceSetup {
  redisUrl: string;
  /** Where Redis is instead of `redisUrl` (a Cluster's `REDIS_CLUSTER_NODES`, a barrier). */
  redisEnv?: Record<string, string>;
  prefix: string;
  dataKey: string;
  pseudonymKey: string;
  apiRoot: string;
}

export function newSetup(redisUrl: string, apiRoot: string): ServiceSetup {
  return {
    redisUrl,
    apiRoot,
    prefix: `faults:${randomBytes(4).toString("hex")}:`,
    dataKey: randomBytes(32).toString("base64"),
    pseudonymKey: randomBytes(32).toString("base64"),
  };
}

function envOf(s: ServiceSetup): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    // As the benchmarks run it (cases go to the log: no operators' group).
    NODE_ENV: BENCH_NODE_ENV,
    LOG_LEVEL: "info",
    ...(s.redisEnv ?? { REDIS_URL: s.redisUrl }),
    REDIS_KEY_PREFIX: s.prefix,
    DATA_KEY: s.dataKey,
    PSEUDONYM_KEY: s.pseudonymKey,
    TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: s.apiRoot,
    // These tests are about correctness: replies need not wait for Telegram's quota.
    TELEGRAM_MESSAGES_PER_SECOND: "100000",
    TELEGRAM_CHAT_GAP_MS: "1",
  };
}

/**
 * A service process; every line it logs is kept (to look for crashes and escalations).
 * `env`: settings beyond the shared ones (an operators' group).
 */
export async function startService(
  setup: ServiceSetup,
  lines: string[] = [],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<{ bot: BotProcess; lines: string[] }> {
  const bot = await BotProcess.start({
    kind: "pulang",
    env: { ...envOf(setup), ...env },
    nodeArgs,
    onLine: (line) => lines.push(line),
  });
  return { bot, lines };
}

/** POST one update to a service's webhook as Telegram would; resolves with the status. */
export async function postUpdate(port: number, update: unknown): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Lines that would mean the process met an error it did not handle. */
export function crashLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) =>
      /unhandledRejection|uncaughtException|UnhandledPromiseRejection|FATAL|Error: /.test(l),
    );
}

/**
 * The same service built in this process (not started), to run the recovery sweep at once:
 * the service's own sweep runs every 30 s for deliveries older than 2 minutes, to leave
 * deliveries in flight to the instance doing them; a test that waited for it would take
 * minutes. Call it once the service is idle.
 */
export async function recoverNow(setup: ServiceSetup): Promise<number> {
  const config = createConfig({ ...envOf(setup), LOG_LEVEL: "silent" });
  const app = createApp(config, createLogger("silent"));
  try {
    let total = 0;
    const until = Date.now() + 10_000;
    for (;;) {
      let n: number;
      try {
        n = await app.runtime.recover(0, 1000);
      } catch (err) {
        // The connection is still being made (commands fail fast until it is).
        if (Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      total += n;
      if (n === 0) return total;
    }
  } finally {
    await app.stop().catch(() => undefined);
  }
}

/** Read (and write) conversations as the service stores them (same keys); `now`: its clock. */
export function storeOf(
  setup: ServiceSetup,
  redis: RedisClient,
  now?: () => number,
): RedisConversationStore {
  return new RedisConversationStore(redis, {
    prefix: setup.prefix,
    codec: createEncryptedCodec(parseDataKeys({ key: setup.dataKey, id: "k1" })),
    names: namesOf(setup),
    ...(now ? { now } : {}),
  });
}

/** How the service names conversations in Redis keys. */
export function namesOf(setup: ServiceSetup): (key: string) => string {
  return hashedNames(Buffer.from(setup.pseudonymKey, "base64"));
}

export async function sessionOf(
  store: RedisConversationStore,
  chatId: number,
): Promise<{ session: Session | undefined; version: number; pending: number }> {
  const record = await store.load(`tg:${chatId}`);
  const pending = (await store.pendingOutbox(`tg:${chatId}`)).length;
  return { session: record.session as Session | undefined, version: record.version, pending };
}

/**
 * Cases that reached the operators' queue: the case store's open queue when the service
 * has one, else the distinct case ids of "case raised" log lines.
 */
export async function escalationsReached(
  redis: RedisClient,
  prefix: string,
  lines: string[],
): Promise<{ count: number; source: string }> {
  const queued = await redis.zcard(`${prefix}cases:open`);
  if (queued > 0) return { count: queued, source: "case store" };
  const ids = new Set<string>();
  for (const l of lines) {
    if (!l.includes('"case raised"')) continue;
    const id = /"case":"([^"]+)"/.exec(l)?.[1];
    if (id) ids.add(id);
  }
  return { count: ids.size, source: "logs" };
}

/** Statuses the webhook answered, over the whole run. */
export interface DeliveryLog {
  statuses: Map<number, number>;
  /** Requests that got no answer (connection refused or cut). */
  failed: number;
  /** Deliveries, counting repeats. */
  attempts: number;
}

export interface TelegramOptions {
  /** Where to deliver the `n`th delivery attempt (a restarted process has a new port). */
  port: (attempt: number) => number | undefined;
  people: Person[];
  concurrency: number;
  /** Called after each update is acknowledged; `acked` counts distinct updates. */
  onAck?: (acked: number) => void | Promise<void>;
  /** Deliver this update a second time: "after" its first ack, or "together" with it. */
  duplicate?: (chatId: number, move: number) => "after" | "together" | undefined;
  /** Give up on a run after this long (a hung service must not hang the test). */
  deadlineMs?: number;
}

/**
 * Telegram, as far as these tests need it: each person's updates in order, the next once
 * the last was acknowledged (saved); anything else than 2xx, or no answer, is delivered
 * again after a pause, forever (until the deadline).
 */
export async function deliver(o: TelegramOptions): Promise<DeliveryLog> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency * 2 });
  const log: DeliveryLog = { statuses: new Map(), failed: 0, attempts: 0 };
  const maker = new UpdateMaker();
  const deadline = Date.now() + (o.deadlineMs ?? 120_000);
  let acked = 0;
  let nextPerson = 0;

  const once = (body: string): Promise<number | undefined> => {
    const port = o.port(log.attempts++);
    if (port === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const req = request(
        {
          agent,
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/telegram/webhook",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-telegram-bot-api-secret-token": SECRET,
          },
          timeout: 15_000,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            log.statuses.set(status, (log.statuses.get(status) ?? 0) + 1);
            resolve(status);
          });
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => {
        log.failed += 1;
        resolve(undefined);
      });
      req.end(body);
    });
  };

  /** Deliver until acknowledged. */
  const untilAcked = async (body: string): Promise<void> => {
    for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
      const status = await once(body);
      if (status !== undefined && status >= 200 && status < 300) return;
      if (Date.now() > deadline) throw new Error("updates still not acknowledged at the deadline");
      await new Promise((r) => setTimeout(r, pause));
    }
  };

  const runPerson = async (person: Person) => {
    for (const [i, move] of person.moves.entries()) {
      const body = JSON.stringify(maker.make(person.chatId, move).update);
      const twice = o.duplicate?.(person.chatId, i);
      if (twice === "together") await Promise.all([untilAcked(body), untilAcked(body)]);
      else await untilAcked(body);
      if (twice === "after") await untilAcked(body);
      acked += 1;
      await o.onAck?.(acked);
    }
  };

  try {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (nextPerson < o.people.length) await runPerson(o.people[nextPerson++] as Person);
      }),
    );
  } finally {
    agent.destroy();
  }
  return log;
}

/** Wait until `check` holds, polling; throws with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends (sendMessage) the fake answered with success, by chat. */
export function sentByChat(fake: FakeTelegramApi): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of fake.calls) {
    if (c.method !== "sendMessage" || !c.ok || typeof c.chatId !== "number") continue;
    out.set(c.chatId, (out.get(c.chatId) ?? 0) + 1);
  }
  return out;
}

export function redisClient(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: 3 });
  r.on("error", () => undefined);
  return r;
}

/** Things to undo after a test file, last first. */
export type Cleanups = (() => Promise<unknown>)[];

/**
 * What every fault test starts from: a fake Bot API, a fresh key prefix, and a Redis
 * client; all undone (keys dropped, servers closed) through `cleanups`.
 */
export async function openEnvironment(
  cleanups: Cleanups,
): Promise<{ fake: FakeTelegramApi; setup: ServiceSetup; redis: Redis }> {
  const fake = await FakeTelegramApi.start();
  cleanups.push(() => fake.close());
  const setup = newSetup(REDIS_URL, fake.apiRoot);
  const redis = new Redis(REDIS_URL);
  cleanups.push(async () => {
    await dropKeys(redis, setup.prefix);
    await redis.quit();
  });
  return { fake, setup, redis };
}
