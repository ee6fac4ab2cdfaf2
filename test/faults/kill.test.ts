import { afterAll, describe, expect, it } from "vitest";
import type { BotProcess } from "../../bench/lib/bots.js";
import { helpPeople } from "../../bench/lib/people.js";
import {
  crashLines,
  deliver,
  escalationsReached,
  eventually,
  openEnvironment,
  recoverNow,
  sentByChat,
  sessionOf,
  startService,
  storeOf,
} from "./harness.js";

const PEOPLE = 240;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe("kill -9 during a surge", () => {
  it("resumes every conversation at its step; nothing lost, nothing handled twice", async () => {
    const { fake, setup, redis } = await openEnvironment(cleanups);
    const lines: string[] = [];
    let current: BotProcess | undefined = (await startService(setup, lines)).bot;
    const first = current;
    cleanups.push(() => first.kill());

    const people = helpPeople(PEOPLE, 4_100_000_000);
    const total = PEOPLE * 10;
    let killed = false;
    let restarted: BotProcess | undefined;
    const log = await deliver({
      people,
      concurrency: 40,
      port: () => current?.port,
      onAck: async (acked) => {
        if (killed || acked < total * 0.4) return;
        killed = true;
        // Mid-surge: 40 updates in flight, replies queued, escalations being written.
        await first.kill();
        current = undefined;
        // Telegram keeps delivering (and failing) while the service is down; then it is back.
        setTimeout(async () => {
          restarted = (await startService(setup, lines)).bot;
          cleanups.push(() => (restarted as BotProcess).stop());
          current = restarted;
        }, 300);
      },
    });
    expect(killed).toBe(true);
    expect(log.failed + (log.statuses.get(503) ?? 0)).toBeGreaterThan(0);

    // Replies saved before the crash but not sent wait in the outbox: sweep them now.
    await new Promise((r) => setTimeout(r, 1000));
    const recovered = await recoverNow(setup);
    console.info(
      `kill -9 after ${Math.round(total * 0.4)} of ${total} updates; ${log.attempts} deliveries; ${recovered} conversations' replies recovered from the outbox`,
    );

    const store = storeOf(setup, redis);
    // A reply the restarted service was still sending at the first sweep settles soon after.
    await eventually(async () => {
      for (const p of people) {
        if ((await sessionOf(store, p.chatId)).pending === 0) continue;
        await recoverNow(setup);
        return false;
      }
      return true;
    }, "every reply saved before or after the kill delivered");
    for (const p of people) {
      const { session, pending } = await sessionOf(store, p.chatId);
      // Each of the person's 10 updates handled exactly once, and the flow finished.
      expect(session?.turns, `turns of ${p.chatId}`).toBe(10);
      expect(session?.at).toBeUndefined();
      expect(session?.caseRef).toBeDefined();
      expect(session?.waiting).toBe(true);
      expect(session?.flow).toBe("help");
      expect(pending, `outbox of ${p.chatId}`).toBe(0);
    }
    // Every update was answered (a reply sent just before the kill may go out twice).
    const sent = sentByChat(fake);
    for (const p of people) expect(sent.get(p.chatId) ?? 0).toBeGreaterThanOrEqual(10);
    await eventually(
      async () => (await escalationsReached(redis, setup.prefix, lines)).count >= PEOPLE,
      "every person's case in the queue",
    );
    expect((await escalationsReached(redis, setup.prefix, lines)).count).toBe(PEOPLE);
    expect(restarted?.alive).toBe(true);
    expect(crashLines(lines.join("\n") + (restarted?.stderr.join("") ?? ""))).toEqual([]);
  });
});
