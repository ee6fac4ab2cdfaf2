/**
 * Outbound under a burst, with Telegram's real limits (30 messages a second overall, one a
 * second per chat, 20 a minute per group): `n` new conversations arrive at once, half of
 * them P1 (they write "tolong": an emergency word, escalated at once), half P3 ("halo").
 * The faithful fake Bot API records every send and checks the limits on what it received;
 * P1 people's replies must go out before P3 people's.
 */
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import type { Redis } from "ioredis";
import { FAKE_TOKEN, FakeTelegramApi } from "../test/fakes/telegram-api.js";
import { BENCH_NODE_ENV, BotProcess } from "./lib/bots.js";
import { UpdateMaker } from "./lib/people.js";
import { dropKeys } from "./lib/redis.js";
import { type Summary, summarize } from "./lib/stats.js";
import { newKeys, SECRET } from "./surge.js";

export interface BurstResult {
  conversations: number;
  p1: number;
  seconds: number;
  sends: number;
  /** The most sends the fake received within any one second (the limit is 30). */
  busiestSecond: number;
  violations: { perChat: number; global: number; group: number; examples: string[] };
  /** 429s the fake answered (it only records; a 429 would mean the bot retried blind). */
  tooManyRequests: number;
  /** Seconds from the burst's start to each person's reply. */
  p1Reply: Summary;
  p3Reply: Summary;
  /**
   * P3 replies sent while a P1 reply waited that had been saved (acknowledged) at least
   * 100 ms before (time enough to be queued for sending): should be 0.
   */
  p3AheadOfWaitingP1: number;
  /** P3 replies sent before the last P1 reply. */
  p3BeforeLastP1: number;
  /**
   * Of those, sent after the first second: in the first, the quota is not spent yet and
   * replies go out as they are saved, first come first served; a queue, where priority
   * can act, only forms once it is.
   */
  p3BeforeLastP1AfterFirstSecond: number;
  lost: number;
}

export async function benchBurst(
  redis: Redis,
  redisUrl: string,
  n: number,
  onProgress?: (fraction: number) => void,
): Promise<BurstResult> {
  const fake = await FakeTelegramApi.start();
  const prefix = `bench:${randomBytes(3).toString("hex")}:burst:`;
  const keys = newKeys();
  const bot = await BotProcess.start({
    kind: "pulang",
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: BENCH_NODE_ENV,
      LOG_LEVEL: "info",
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      DATA_KEY: keys.data,
      PSEUDONYM_KEY: keys.pseudonym,
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.apiRoot,
      // Telegram's real limits (the defaults, said out loud).
      TELEGRAM_MESSAGES_PER_SECOND: "30",
      TELEGRAM_CHAT_GAP_MS: "1000",
      TELEGRAM_GROUP_PER_MINUTE: "20",
    },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: n });
  try {
    const maker = new UpdateMaker();
    const first = 3_000_000_000;
    const people = Array.from({ length: n }, (_, i) => ({
      chatId: first + i,
      p1: i % 2 === 0,
    }));
    const acked = new Map<number, number>();
    fake.clear();
    const start = Date.now();
    await Promise.all(
      people.map(
        (p) =>
          new Promise<void>((resolve) => {
            const { update } = maker.make(p.chatId, {
              kind: "text",
              text: p.p1 ? "tolong" : "halo",
            });
            const body = JSON.stringify(update);
            const req = request(
              {
                agent,
                host: "127.0.0.1",
                port: bot.port,
                method: "POST",
                path: "/telegram/webhook",
                headers: {
                  "content-type": "application/json",
                  "content-length": Buffer.byteLength(body),
                  "x-telegram-bot-api-secret-token": SECRET,
                },
              },
              (res) => {
                res.resume();
                res.on("end", () => {
                  if (res.statusCode === 200) acked.set(p.chatId, Date.now());
                  resolve();
                });
              },
            );
            req.on("error", () => resolve());
            req.end(body);
          }),
      ),
    );
    // Wait for every reply: n messages at 30 a second, and some slack.
    const deadline = Date.now() + (n / 30) * 1000 + 30_000;
    const sends = () => fake.calls.filter((c) => c.method === "sendMessage" && c.ok);
    while (Date.now() < deadline) {
      const got = new Set(sends().map((c) => c.chatId)).size;
      onProgress?.(got / n);
      if (got >= n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const all = sends();
    const firstReply = new Map<number, number>();
    for (const c of all) {
      const chat = c.chatId as number;
      if (!firstReply.has(chat)) firstReply.set(chat, c.at);
    }
    const isP1 = (chat: number) => (chat - first) % 2 === 0;
    const p1Times: number[] = [];
    const p3Times: number[] = [];
    for (const [chat, at] of firstReply) (isP1(chat) ? p1Times : p3Times).push((at - start) / 1000);
    // A P3 reply sent while some P1 person's update was saved (acknowledged) but unanswered.
    let ahead = 0;
    for (const c of all) {
      if (isP1(c.chatId as number)) continue;
      const waiting = people.some(
        (p) =>
          p.p1 &&
          (acked.get(p.chatId) ?? Number.POSITIVE_INFINITY) + 100 <= c.at &&
          (firstReply.get(p.chatId) ?? Number.POSITIVE_INFINITY) > c.at,
      );
      if (waiting) ahead += 1;
    }
    const lastP1 = Math.max(...all.filter((c) => isP1(c.chatId as number)).map((c) => c.at));
    const violations = fake.limitViolations();
    const count = (kind: string) => violations.filter((v) => v.kind === kind).length;
    const times = all.map((c) => c.at).sort((a, b) => a - b);
    const seconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    let busiestSecond = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[j] as number) <= (times[i] as number) - 1000) j++;
      busiestSecond = Math.max(busiestSecond, i - j + 1);
    }
    return {
      conversations: n,
      p1: people.filter((p) => p.p1).length,
      seconds,
      sends: all.length,
      busiestSecond,
      violations: {
        perChat: count("per-chat"),
        global: count("global"),
        group: count("group"),
        examples: violations.slice(0, 3).map((v) => v.message),
      },
      tooManyRequests: fake.calls.filter((c) => c.error?.error_code === 429).length,
      p1Reply: summarize(p1Times),
      p3Reply: summarize(p3Times),
      p3AheadOfWaitingP1: ahead,
      p3BeforeLastP1: all.filter((c) => !isP1(c.chatId as number) && c.at < lastP1).length,
      p3BeforeLastP1AfterFirstSecond: all.filter(
        (c) => !isP1(c.chatId as number) && c.at < lastP1 && c.at >= (times[0] ?? 0) + 1000,
      ).length,
      lost: n - firstReply.size,
    };
  } finally {
    agent.destroy();
    await bot.stop();
    await fake.close();
    await dropKeys(redis, prefix);
  }
}
