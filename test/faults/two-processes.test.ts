import { afterAll, describe, expect, it } from "vitest";
import { UpdateMaker } from "../../bench/lib/people.js";
import {
  crashLines,
  openEnvironment,
  SECRET,
  sessionOf,
  startService,
  storeOf,
} from "./harness.js";

const CONVERSATIONS = 120;
const UPDATES = 20;
/** Updates of one conversation in flight at once, split between the two processes. */
const AT_ONCE = 4;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe("two processes on one Redis, same conversations", () => {
  it("lose no session write", async () => {
    const { setup, redis } = await openEnvironment(cleanups);
    const lines: string[] = [];
    const [a, b] = await Promise.all([startService(setup, lines), startService(setup, lines)]);
    cleanups.push(
      () => a.bot.stop(),
      () => b.bot.stop(),
    );
    const ports = [a.bot.port, b.bot.port];
    const maker = new UpdateMaker();
    const statuses = new Map<number, number>();

    /** Deliver until acknowledged, to process `which` (a refused commit is retried). */
    const post = async (body: string, which: number) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const res = await fetch(
          `http://127.0.0.1:${ports[(which + attempt) % 2]}/telegram/webhook`,
          {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-telegram-bot-api-secret-token": SECRET,
            },
            body,
          },
        );
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.ok) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error("update never acknowledged");
    };

    const chats = Array.from({ length: CONVERSATIONS }, (_, i) => 4_400_000_000 + i);
    let next = 0;
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        while (next < chats.length) {
          const chat = chats[next++] as number;
          for (let i = 0; i < UPDATES; i += AT_ONCE) {
            await Promise.all(
              Array.from({ length: AT_ONCE }, (_, k) => {
                const body = JSON.stringify(
                  maker.make(chat, { kind: "text", text: `pesan ${i + k}` }).update,
                );
                return post(body, k % 2);
              }),
            );
          }
        }
      }),
    );
    console.info(`webhook answers: ${JSON.stringify(Object.fromEntries(statuses))}`);

    const store = storeOf(setup, redis);
    for (const chat of chats) {
      const { session, version } = await sessionOf(store, chat);
      expect(session?.turns, `turns of ${chat}`).toBe(UPDATES);
      expect(version, `version of ${chat}`).toBe(UPDATES);
    }
    expect(a.bot.alive && b.bot.alive).toBe(true);
    expect(crashLines(lines.join("\n") + a.bot.stderr.join("") + b.bot.stderr.join(""))).toEqual(
      [],
    );
  });
});
