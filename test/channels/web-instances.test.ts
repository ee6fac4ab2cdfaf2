/**
 * The web chat on several instances sharing one Redis (decision 0041): a tab's page
 * listens on one instance while its messages are taken by another; the bubbles reach the
 * page all the same, are stored encrypted, and a quick exit on one clears the page on the
 * other.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAT_HEADER } from "../../src/channels/web/routes.js";
import { rawValues } from "../helpers/redis.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

const prefix = `test:${randomBytes(4).toString("hex")}:`;
/** What every instance of one helpline shares: Redis, its prefix and the data key. */
const env = { DATA_KEY: randomBytes(32).toString("base64") };
let a: Service;
let b: Service;

beforeAll(async () => {
  a = await startService({ fake: null, prefix, env });
  b = await startService({ fake: null, prefix, env });
});
afterAll(async () => {
  await a.stop();
  await b.stop();
  await dropPrefix(prefix);
});

/** A tab whose page and event stream are on `page`; its posts go to whichever `to` says. */
async function openTab(page: Service) {
  const html = await (await fetch(`${page.base}/`)).text();
  const chat = /data-chat="([^"]+)"/.exec(html)?.[1] as string;
  const stream = new AbortController();
  const res = await fetch(`${page.base}/chat/events?c=${chat}`, { signal: stream.signal });
  let seen = "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      seen += decoder.decode(value);
    }
  })();
  let n = 0;
  return {
    seen: () => seen,
    async send(to: Service, form: Record<string, string>): Promise<number> {
      n += 1;
      const r = await fetch(`${to.base}/chat/send`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", [CHAT_HEADER]: chat },
        body: new URLSearchParams({ mid: `pinst${String(n).padStart(6, "0")}`, ...form }),
      });
      return r.status;
    },
    async until(what: string, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!seen.includes(what)) {
        if (Date.now() > deadline) throw new Error(`the page never showed ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => stream.abort(),
  };
}

describe("the web chat across instances", () => {
  it("shows a tab the bubbles of messages another instance took, stored encrypted", async () => {
    const tab = await openTab(a);
    expect(await tab.send(b, { text: "tolong sy dipukul bos, gak bisa keluar" })).toBe(204);
    await tab.until("gak bisa keluar");
    await tab.until("Tim kami sudah langsung kami kabari");
    await tab.until("Kamu ada di mana sekarang?");
    // Each bubble once, though both instances were told.
    expect(tab.seen().split("Kamu ada di mana sekarang?")).toHaveLength(2);

    const redis = new Redis(REDIS_URL);
    try {
      const stored = (await rawValues(redis, prefix)).join("\n");
      expect(stored).not.toContain("dipukul");
      expect(stored).not.toContain("Kamu ada di mana");
    } finally {
      await redis.quit();
    }

    expect(await tab.send(b, { stepRef: "exit", option: "_exit" })).toBe(204);
    await tab.until('<ol id="log" hx-swap-oob="innerHTML"></ol>');
    tab.close();
  });
});
