/**
 * The web chat on several instances sharing one Redis (decision 0041): a tab's page
 * listens on one instance while its messages are taken by another; the bubbles reach the
 * page all the same, are stored encrypted, and a quick exit on one clears the page on the
 * other.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawValues } from "../helpers/redis.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";
import { openTab } from "../helpers/web-tab.js";

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

describe("the web chat across instances", () => {
  it("shows a tab the bubbles of messages another instance took, stored encrypted", async () => {
    const tab = await openTab(a.base);
    expect(await tab.send({ text: "tolong sy dipukul bos, gak bisa keluar" }, b.base)).toBe(204);
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

    expect(await tab.send({ stepRef: "exit", option: "_exit" }, b.base)).toBe(204);
    await tab.until('<ol id="log" hx-swap-oob="innerHTML"></ol>');
    tab.close();
  });
});
