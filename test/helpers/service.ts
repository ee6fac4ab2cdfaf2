/**
 * The real service, built from configuration and wired by the app's own `wireApp`, against
 * a fake Telegram Bot API on loopback (or none) and the real Redis under a prefix of its
 * own (or memory ports).
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { type App, wireApp } from "../../src/app.js";
import { type Config, createConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { createPorts, type Ports } from "../../src/ports.js";
import { FAKE_TOKEN, FakeTelegramApi } from "../fakes/telegram-api.js";
import { REDIS_URL } from "./redis-url.js";

export const SECRET = "test-secret-0123456789abcdef";

export interface Service {
  app: App;
  /** The fake Bot API (a throwaway one when the service has no Telegram). */
  fake: FakeTelegramApi;
  config: Config;
  ports: Ports;
  base: string;
  prefix: string;
  logs: string[];
  /** POST an update to the webhook as Telegram would (with the secret unless told not to). */
  post(update: Update | unknown, secret?: string | null): Promise<Response>;
  /**
   * Telegram delivers `update` (the fake learns its chats and messages first) and the
   * service settles: saved (200), and what it set off carried out.
   */
  handle(update: Update): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  env?: Record<string, string>;
  /** The service's clock (timers, windows); real time by default. */
  now?: () => number;
  /** False: memory ports (no REDIS_URL). */
  redis?: boolean;
  prefix?: string;
  /** The fake Bot API to use; `null`: no Telegram at all (a WhatsApp-only service). */
  fake?: FakeTelegramApi | null;
  /** Change the ports built from configuration (a recording board, stores elsewhere). */
  ports?: (ports: Ports) => Ports;
}

/** Logs at debug into `lines`, for tests to read. */
export function capturedLog(lines: string[], level = "debug") {
  return createLogger(
    level,
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
}

export async function startService(o: ServiceOptions = {}): Promise<Service> {
  const fake = o.fake ?? (await FakeTelegramApi.start());
  const prefix = o.prefix ?? `test:${randomBytes(4).toString("hex")}:`;
  const logs: string[] = [];
  const config = createConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "debug",
    ...(o.fake === null
      ? {}
      : {
          TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
          TELEGRAM_MODE: "webhook",
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          TELEGRAM_API_ROOT: fake.apiRoot,
        }),
    ...(o.redis === false ? {} : { REDIS_URL, REDIS_KEY_PREFIX: prefix }),
    ...o.env,
  });
  const log = capturedLog(logs);
  const built = createPorts(config, log, o.now ? { now: o.now } : {});
  const ports = o.ports ? o.ports(built) : built;
  const app = wireApp(config, ports, log);
  const { port } = await app.start();
  const base = `http://127.0.0.1:${port}`;
  const post = (update: unknown, secret: string | null = SECRET) =>
    fetch(`${base}/telegram/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
      },
      body: typeof update === "string" ? update : JSON.stringify(update),
    });
  return {
    app,
    fake,
    config,
    ports,
    base,
    prefix,
    logs,
    post,
    async handle(update) {
      fake.remember(update);
      const res = await post(update);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await app.runtime.drain(5000);
    },
    async stop() {
      await app.stop();
      if (!o.fake) await fake.close();
    },
  };
}

/** A settable clock to start a service with (`now: clock.now`), for its timers and windows. */
export function serviceClock(start = Date.now()) {
  const clock = {
    ms: start,
    now: () => clock.ms,
    /** Let the service's timers see `minutes` pass: settle deliveries, move, run what is due. */
    async advance(svc: Service, minutes: number): Promise<void> {
      await svc.app.runtime.drain();
      clock.ms += minutes * 60_000;
      await svc.app.worker.tick();
      await svc.app.runtime.drain();
    },
  };
  return clock;
}

/** Ids of the messages the bot deleted from `chat`. */
export function deletedIn(fake: FakeTelegramApi, chat: number): number[] {
  return fake
    .callsTo("deleteMessages")
    .filter((c) => Number(c.params.chat_id) === chat)
    .flatMap((c) => c.params.message_ids as number[]);
}

/** Delete every key under `prefix` (tests clean up after themselves). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}
