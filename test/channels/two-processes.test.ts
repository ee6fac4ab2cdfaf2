/**
 * Two service processes behind one Redis behave as one: 1,000 updates for one chat,
 * interleaved between them and sent concurrently, and the session reflects every one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createEncryptedCodec } from "../../src/crypto/encrypted-codec.js";
import { parseDataKeys } from "../../src/crypto/keys.js";
import { hashedNames, namesSecretFrom } from "../../src/crypto/pseudonym.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { FAKE_TOKEN, FakeTelegramApi, textUpdate } from "../fakes/telegram-api.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { dropPrefix, SECRET } from "../helpers/service.js";

const ROOT = join(import.meta.dirname, "../..");
const DATA_KEY = randomBytes(32).toString("base64");
const prefix = `test:${randomBytes(4).toString("hex")}:`;
const children: ChildProcess[] = [];
let fake: FakeTelegramApi | undefined;

/** Start `npm start`'s entry point as its own process; resolves with its port. */
function startProcess(apiRoot: string): Promise<number> {
  // node itself (not the tsx CLI, which would run node as a grandchild a kill cannot reach).
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/main.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      DATA_KEY,
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: apiRoot,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    child.once("exit", () => lines.close());
    lines.on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === "Pulang is running" && entry.port) resolve(entry.port);
    });
    child.once("exit", (code) => reject(new Error(`process exited early (${code})`)));
  });
}

afterAll(async () => {
  await Promise.all(
    children
      .map((c) =>
        c.exitCode === null
          ? new Promise((r) => c.once("exit", r)).then(
              () => undefined,
              () => undefined,
            )
          : undefined,
      )
      .map((p, i) => {
        children[i]?.kill("SIGKILL");
        return p;
      }),
  );
  await fake?.close();
  await dropPrefix(prefix);
});

describe("two processes on one Redis", () => {
  it("lose no session write across 1,000 interleaved updates for one chat", async () => {
    fake = await FakeTelegramApi.start();
    const ports = await Promise.all([startProcess(fake.apiRoot), startProcess(fake.apiRoot)]);
    const chat = 9_000_001;
    const total = 1000;
    const post = async (i: number) => {
      const port = ports[i % 2] as number;
      const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(textUpdate(chat, `pesan ${i}`, { updateId: 500_000 + i })),
      });
      expect(res.status).toBe(200);
    };
    // 20 at a time, alternating processes: the same conversation is written concurrently.
    for (let i = 0; i < total; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => post(i + k)));
    }
    // A redelivered update (same update_id) is handled once, on either process. Redeliveries
    // come soon after the first delivery: the last 32 messages of a conversation are known.
    await post(total - 1);
    await post(total - 8);

    const redis = new Redis(REDIS_URL);
    try {
      const codec = createEncryptedCodec(parseDataKeys({ key: DATA_KEY, id: "k1" }));
      const names = hashedNames(namesSecretFrom(Buffer.from(DATA_KEY, "base64")));
      const store = new RedisConversationStore(redis, { prefix, codec, names });
      const { session, version } = await store.load(`tg:${chat}`);
      expect((session as { turns: number }).turns).toBe(total);
      expect(version).toBe(total);
    } finally {
      await redis.quit();
    }
  }, 120_000);

  it("stops cleanly on SIGTERM, within the delivery grace period", async () => {
    const child = children[0] as ChildProcess;
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const started = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
