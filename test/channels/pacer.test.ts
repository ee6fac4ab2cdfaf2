/**
 * Pacing: never faster than the platform allows, each chat in order, most urgent first.
 */
import { describe, expect, it } from "vitest";
import { type PaceLimits, Pacer } from "../../src/channels/pacer.js";
import { findLimitViolations } from "../fakes/telegram/limits.js";

/** A clock that only moves when every queued timer before the target time has run. */
class TestClock {
  now = 0;
  #timers: { at: number; fire: () => void }[] = [];
  sleep = (ms: number) =>
    new Promise<void>((fire) => this.#timers.push({ at: this.now + ms, fire }));
  async runUntilIdle(limitMs = 600_000): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      this.#timers.sort((a, b) => a.at - b.at);
      const t = this.#timers.shift();
      if (!t || t.at > limitMs) return;
      this.now = Math.max(this.now, t.at);
      t.fire();
    }
  }
}

const LIMITS: PaceLimits = { globalPerSecond: 30, perChatGapMs: 1000, groupPerMinute: 20 };

function setup(limits = LIMITS) {
  const clock = new TestClock();
  const pacer = new Pacer({ limits, now: () => clock.now, sleep: clock.sleep });
  const sent: { chat: string; at: number; label: string }[] = [];
  const send = (chat: string, priority: number, label: string, group = false) =>
    pacer.send({ chat, priority, group }, async () => {
      sent.push({ chat, at: clock.now, label });
      return label;
    });
  return { clock, pacer, sent, send };
}

describe("Pacer", () => {
  it("keeps one chat's messages in order, one per second", async () => {
    const { clock, sent, send } = setup();
    const done = ["a", "b", "c"].map((l) => send("1", 3, l));
    await clock.runUntilIdle();
    expect(await Promise.all(done)).toEqual(["a", "b", "c"]);
    expect(sent.map((s) => [s.label, s.at])).toEqual([
      ["a", 0],
      ["b", 1000],
      ["c", 2000],
    ]);
  });

  it("never sends more than 30 a second overall", async () => {
    const { clock, sent, send } = setup();
    for (let i = 0; i < 100; i++) void send(String(i), 3, "x");
    await clock.runUntilIdle();
    expect(sent).toHaveLength(100);
    const calls = sent.map((s) => ({
      method: "sendMessage",
      at: s.at,
      chatId: Number(s.chat) + 1,
      ok: true,
    }));
    expect(
      findLimitViolations(calls as never, {
        perChatBurst: 1,
        globalPerSecond: 30,
        groupPerMinute: 20,
      }),
    ).toEqual([]);
    expect(Math.max(...sent.map((s) => s.at))).toBeGreaterThanOrEqual(3000);
  });

  it("counts sends still waiting for their answer, so slow answers cannot let a second overfill", async () => {
    const { clock, pacer } = setup();
    let inFlight = 0;
    let most = 0;
    const done = Array.from({ length: 90 }, (_, i) =>
      pacer.send({ chat: String(i), group: false, priority: 3 }, async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await clock.sleep(2500);
        inFlight -= 1;
      }),
    );
    await clock.runUntilIdle();
    await Promise.all(done);
    expect(most).toBeLessThanOrEqual(30);
  });

  it("never sends more than 20 a minute to a group", async () => {
    const { clock, sent, send } = setup();
    for (let i = 0; i < 45; i++) void send("-100", 3, `m${i}`, true);
    await clock.runUntilIdle();
    expect(sent).toHaveLength(45);
    for (const s of sent) {
      expect(sent.filter((o) => o.at > s.at - 60_000 && o.at <= s.at).length).toBeLessThanOrEqual(
        20,
      );
    }
  });

  it("sends a P1 person's message before P3 messages queued earlier", async () => {
    const { clock, sent, send } = setup({ ...LIMITS, globalPerSecond: 1 });
    for (let i = 0; i < 5; i++) void send(`p3-${i}`, 3, "routine");
    void send("p1", 1, "urgent");
    await clock.runUntilIdle();
    expect(sent.findIndex((s) => s.label === "urgent")).toBeLessThanOrEqual(1);
  });

  it("passes on a failed send and keeps going", async () => {
    const { clock, pacer, send } = setup();
    const failed = pacer.send({ chat: "1", priority: 3, group: false }, async () => {
      throw new Error("blocked");
    });
    const outcome = failed.then(
      () => "sent",
      (err: Error) => err.message,
    );
    const next = send("1", 3, "after");
    await clock.runUntilIdle();
    expect(await outcome).toBe("blocked");
    await expect(next).resolves.toBe("after");
  });

  it("forgets idle chats", async () => {
    const { clock, pacer, send } = setup();
    for (let i = 0; i < 50; i++) void send(String(i), 3, "x");
    await clock.runUntilIdle();
    expect(pacer.waiting).toBe(0);
    expect(pacer.trackedChats).toBe(0);
  });
});
