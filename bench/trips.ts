/**
 * Redis round trips per update, counted in the service itself: Pulang wired in this
 * process exactly as `src/main.ts` wires it (`createApp`: Redis, encryption, discreet mode),
 * its webhook driven by the help flow one update at a time, so each update's Redis work is
 * counted alone. A round trip is counted when the service sends a command while none of
 * its commands is waiting for an answer: commands written together share one. Timing plays
 * no part; the count is the same on a busy machine.
 */
import { randomBytes } from "node:crypto";
import { type Command, Redis } from "ioredis";
import { wireApp } from "../src/app.js";
import { createConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { createPorts } from "../src/ports.js";
import { BENCH_TOKEN, LeanTelegramApi } from "./lib/fake-api.js";
import { helpPeople, UpdateMaker } from "./lib/people.js";
import { dropKeys } from "./lib/redis.js";

const SECRET = "bench-trips-secret-0123456789";

export interface TripsResult {
  updates: number;
  /** Mean round trips per update (the scheduler's and recovery's own polls excluded). */
  tripsPerUpdate: number;
  /** The most any one update took. */
  maxTrips: number;
  /** Commands the service sent per update (a script counts once). */
  commandsPerUpdate: number;
}

/** Commands the service runs on its own clock, not for an update: left out of the count. */
const BACKGROUND = /^(ping|info|client)$/i;

/** Round trips on `client`, from the moment of the last reset. */
function tripCounter(client: Redis) {
  const c = { trips: 0, commands: 0, waiting: 0 };
  const send = client.sendCommand.bind(client) as (command: Command, ...rest: unknown[]) => unknown;
  (client as unknown as { sendCommand: typeof send }).sendCommand = (command, ...rest) => {
    if (!BACKGROUND.test(command.name)) {
      if (c.waiting === 0) c.trips += 1;
      c.commands += 1;
    }
    c.waiting += 1;
    const settle = () => {
      c.waiting -= 1;
    };
    command.promise.then(settle, settle);
    return send(command, ...rest);
  };
  return c;
}

/** Drive `people` through the help flow, one update at a time, and count. */
export async function benchTrips(redisUrl: string, people: number): Promise<TripsResult> {
  const fake = await LeanTelegramApi.start();
  const prefix = `bench:${randomBytes(3).toString("hex")}:trips:`;
  const config = createConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "development",
    LOG_LEVEL: "silent",
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DATA_KEY: randomBytes(32).toString("base64"),
    PSEUDONYM_KEY: randomBytes(32).toString("base64"),
    TELEGRAM_BOT_TOKEN: BENCH_TOKEN,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MESSAGES_PER_SECOND: "100000",
    TELEGRAM_CHAT_GAP_MS: "1",
  });
  const log = createLogger("silent");
  const ports = createPorts(config, log);
  if (!(ports.redis instanceof Redis)) throw new Error("the round-trip count needs one Redis");
  const counter = tripCounter(ports.redis);
  const app = wireApp(config, ports, log);
  const { port } = await app.start();
  // The scheduler's worker polls on its own clock; stop it so only updates are counted.
  await app.worker.stop();
  const maker = new UpdateMaker();
  const perUpdate: number[] = [];
  let commands = 0;
  let answered = 0;
  fake.onCall = (call) => {
    if (call.method === "sendMessage") answered += 1;
  };
  try {
    for (const person of helpPeople(people + 1, 4_000_000_000)) {
      for (const move of person.moves) {
        const before = answered;
        counter.trips = 0;
        counter.commands = 0;
        const { update } = maker.make(person.chatId, move);
        const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": SECRET,
          },
          body: JSON.stringify(update),
        });
        await res.arrayBuffer();
        // Answered, and every command it made has had its answer.
        while (answered === before || counter.waiting > 0) await pause(1);
        await pause(5);
        while (counter.waiting > 0) await pause(1);
        // The first person loads the scripts into this Redis: not an update's cost.
        if (person.chatId === 4_000_000_000) continue;
        perUpdate.push(counter.trips);
        commands += counter.commands;
      }
    }
  } finally {
    await app.stop();
    await fake.close();
    const { Redis } = await import("ioredis");
    const cleaner = new Redis(redisUrl);
    await dropKeys(cleaner, prefix);
    await cleaner.quit();
  }
  const total = perUpdate.reduce((a, b) => a + b, 0);
  return {
    updates: perUpdate.length,
    tripsPerUpdate: total / perUpdate.length,
    maxTrips: Math.max(...perUpdate),
    commandsPerUpdate: commands / perUpdate.length,
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
