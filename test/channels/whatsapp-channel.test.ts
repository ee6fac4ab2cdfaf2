/**
 * The WhatsApp person channel with a recording Graph stub and a test clock: one person's
 * messages in order (across a bot reply and an operator's lines at once), a burst goes at
 * once and a flood is spread one per 6 s, permanent refusals stop writing (and resolve),
 * passing failures reject (so the runtime keeps the replies), and sent ids are recorded.
 */
import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/channels/pacer.js";
import { WhatsAppChannel } from "../../src/channels/whatsapp/channel.js";
import {
  whatsappChannel,
  whatsappLimits,
  whatsappPorts,
} from "../../src/channels/whatsapp/create.js";
import { GraphError } from "../../src/channels/whatsapp/graph.js";
import { PairLimiter } from "../../src/channels/whatsapp/pair-limiter.js";
import type { OutboundMessage } from "../../src/channels/whatsapp/render.js";
import { MemoryWhatsAppStore } from "../../src/channels/whatsapp/store.js";
import { createConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import { realBundle } from "../helpers/content.js";

/** A clock whose timers fire only when the test runs them, in time order. */
class TestClock {
  now = 1_000_000;
  #timers: { at: number; fire: () => void }[] = [];
  sleep = (ms: number) =>
    new Promise<void>((fire) => this.#timers.push({ at: this.now + ms, fire }));
  async runUntilIdle(): Promise<void> {
    for (;;) {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      this.#timers.sort((a, b) => a.at - b.at);
      const t = this.#timers.shift();
      if (!t) return;
      this.now = Math.max(this.now, t.at);
      t.fire();
    }
  }
}

const KEY = "wa:+6281234567890";

function setup(
  o: { burst?: number; fail?: (m: OutboundMessage, n: number) => Error | undefined } = {},
) {
  const clock = new TestClock();
  const sent: { to: string; text: string; at: number }[] = [];
  let n = 0;
  const graph = {
    async send(to: string, m: OutboundMessage) {
      n += 1;
      const error = o.fail?.(m, n);
      if (error) throw error;
      sent.push({ to, text: m.type === "text" ? m.text.body : m.type, at: clock.now });
      return `wamid.${n}`;
    },
    media: async () => ({ url: "", mimeType: "" }),
    download: async () => Buffer.alloc(0),
  };
  const store = new MemoryWhatsAppStore({ now: () => clock.now });
  const reachability = new MemoryConversationStore({ now: () => clock.now });
  let wrote: number | undefined;
  const channel = new WhatsAppChannel({
    graph,
    pacer: new Pacer({ limits: whatsappLimits(80), now: () => clock.now, sleep: clock.sleep }),
    pairs: new PairLimiter({ burst: o.burst ?? 20, now: () => clock.now }),
    reachability,
    store,
    texts: realBundle().texts,
    log: createLogger("silent"),
    lastInbound: async () => wrote,
    now: () => clock.now,
    sleep: clock.sleep,
  });
  const heard = (at: number) => {
    wrote = at;
  };
  return { clock, sent, store, reachability, channel, heard };
}

const reply = (text: string) => ({ type: "reply" as const, text });

describe("WhatsAppChannel", () => {
  it("sends within the window, records what it sent, and keeps no ids for deleting", async () => {
    const { channel, clock, sent, store } = setup();
    const done = channel.deliver(KEY, [reply("Halo.")], "P2");
    await clock.runUntilIdle();
    expect(await done).toEqual({ ids: [] });
    expect(sent).toEqual([{ to: "6281234567890", text: "Halo.", at: clock.now }]);
    expect(await store.statusOf("wamid.1")).toBe("sent");
  });

  it("keeps one person's order and spreads a flood one message per 6 seconds", async () => {
    const { channel, clock, sent } = setup({ burst: 2 });
    const start = clock.now;
    // A bot reply of two messages and, at the same moment, an operator's three lines.
    const a = channel.deliver(
      KEY,
      [{ type: "reply", text: "1", stepRef: "x.q", buttons: [] }, reply("2")],
      "P1",
    );
    const lines = ["3", "4", "5"].map((t) => channel.deliver(KEY, [reply(t)], "P1"));
    await clock.runUntilIdle();
    await Promise.all([a, ...lines]);
    expect(sent.map((s) => s.text)).toEqual(["1\n\n2", "3", "4", "5"]);
    expect(sent.map((s) => s.at - start)).toEqual([0, 0, 6000, 12000]);
  });

  it("says when WhatsApp refuses someone, and resolves (the replies are dropped)", async () => {
    const { channel, clock, sent } = setup({
      fail: () => new GraphError(400, 131026, "(#131026) Message Undeliverable"),
    });
    const done = channel.deliver(KEY, [reply("a")], "P1");
    await clock.runUntilIdle();
    expect(await done).toMatchObject({ ids: [], refused: { code: 131026 } });
    expect(sent).toEqual([]);
  });

  it("rejects on a passing failure, so the runtime keeps the replies for recovery", async () => {
    const { channel, clock, sent, reachability } = setup({
      fail: (_m, n) => (n === 1 ? new GraphError(503, undefined) : undefined),
    });
    // Two messages (over 4,096 characters): the second is not sent after the first failed.
    const done = channel.deliver(KEY, [reply("a".repeat(5000))], "P1").catch((e) => e);
    await clock.runUntilIdle();
    expect(await done).toBeInstanceOf(GraphError);
    expect(sent).toEqual([]);
    expect(await reachability.isUnreachable(KEY)).toBe(false);
  });

  it("says WhatsApp's window closes 24 hours after the person's message", async () => {
    const { channel, clock, heard } = setup();
    expect(channel.windowMs).toBe(24 * 60 * 60 * 1000);
    expect(await channel.windowOpen(KEY)).toBe(false);
    heard(clock.now - 60_000);
    expect(await channel.windowOpen(KEY)).toBe(true);
    heard(clock.now - 24 * 60 * 60 * 1000);
    expect(await channel.windowOpen(KEY)).toBe(false);
  });

  it("is built from configuration: its ports, then the channel on them", () => {
    const config = createConfig({
      WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
      WHATSAPP_ACCESS_TOKEN: `EAAJB${"x".repeat(40)}`,
      WHATSAPP_APP_SECRET: "0123456789abcdef0123456789abcdef",
      WHATSAPP_VERIFY_TOKEN: "verify-token-0123456789",
    });
    const wa = config.whatsapp as NonNullable<typeof config.whatsapp>;
    const ports = whatsappPorts(wa, { now: Date.now });
    expect(ports.store).toBeInstanceOf(MemoryWhatsAppStore);
    const { channel } = whatsappChannel({
      config: wa,
      ports,
      reachability: new MemoryConversationStore(),
      texts: realBundle().texts,
      log: createLogger("silent"),
      now: Date.now,
    });
    expect(channel).toBeInstanceOf(WhatsAppChannel);
  });
});
