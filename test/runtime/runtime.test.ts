/**
 * The runtime's promises: nothing is said before it is saved, a message is handled
 * once, concurrent writers do not lose each other's work, bad stored data never locks a
 * person out, and effects saved before a crash are still delivered.
 */
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle, Effect } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { EffectRouter } from "../../src/runtime/effects.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import type { ConversationStore, EffectSink, RunReport } from "../../src/runtime/ports.js";
import { type HandleOutcome, Runtime } from "../../src/runtime/runtime.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

class RecordingSink implements EffectSink {
  readonly runs: { key: string; effects: readonly Effect[] }[] = [];
  fail = false;
  async run(key: string, effects: readonly Effect[]): Promise<RunReport> {
    await Promise.resolve();
    if (this.fail) throw new Error("channel down");
    this.runs.push({ key, effects });
    return {};
  }
  get replies(): string[] {
    return this.runs.flatMap((r) => r.effects.flatMap((e) => (e.type === "reply" ? [e.text] : [])));
  }
}

/** The store, with some methods replaced. */
function wrap(
  store: MemoryConversationStore,
  overrides: Partial<ConversationStore>,
): ConversationStore {
  return {
    load: (k) => store.load(k),
    commit: (...a) => store.commit(...a),
    pendingOutbox: (k, q) => store.pendingOutbox(k, q),
    ackOutbox: (k, id, o) => store.ackOutbox(k, id, o),
    markDone: (k, id, done, o) => store.markDone(k, id, done, o),
    staleOutboxes: (...a) => store.staleOutboxes(...a),
    claimTurn: (...a) => store.claimTurn(...a),
    renewTurn: (...a) => store.renewTurn(...a),
    releaseTurn: (...a) => store.releaseTurn(...a),
    isPending: (...a) => store.isPending(...a),
    remove: (k) => store.remove(k),
    ...overrides,
  };
}

/** What became of a handled message's effects (a refused one has none). */
async function delivered(outcome: HandleOutcome | Promise<HandleOutcome>) {
  const o = await outcome;
  return o.status === "refused" ? o.why : o.delivered;
}

function runtimeDeps(store: ConversationStore, sink: EffectSink) {
  return { bundle, store, sink, log: createLogger("silent"), ids: () => "R" };
}

function setup(store: ConversationStore = new MemoryConversationStore()) {
  const sink = new RecordingSink();
  const logged: string[] = [];
  const log = createLogger(
    "debug",
    new Writable({
      write: (chunk, _encoding, done) => {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  let n = 0;
  const runtime = new Runtime({ bundle, store, sink, log, ids: () => `R${++n}`, now: () => 1_000 });
  return { runtime, sink, store, logged };
}

describe("Runtime", () => {
  it("replies only after the step is saved", async () => {
    const store = new MemoryConversationStore();
    const failing = wrap(store, {
      commit: async () => {
        throw new Error("redis down");
      },
    });
    const { runtime, sink } = setup(failing);
    await expect(runtime.handle("sim:1", { kind: "text", text: "halo" })).rejects.toThrow(
      "redis down",
    );
    expect(sink.runs).toHaveLength(0);
  });

  it("handles a redelivered message once", async () => {
    const { runtime, sink } = setup();
    await runtime.handle("sim:1", { kind: "text", text: "halo" }, "u1");
    const again = await runtime.handle("sim:1", { kind: "text", text: "halo" }, "u1");
    expect(again.status).toBe("duplicate");
    expect(sink.runs).toHaveLength(1);
  });

  it("re-runs the step on a concurrent save, keeping the other writer's work", async () => {
    const store = new MemoryConversationStore();
    const { runtime } = setup(store);
    await runtime.handle("sim:1", { kind: "text", text: "halo", langHint: "id" });
    let raced = false;
    const racing = wrap(store, {
      commit: async (...args) => {
        if (!raced) {
          raced = true;
          await runtime.handle("sim:1", { kind: "text", text: "halo lagi" });
        }
        return store.commit(...args);
      },
    });
    const second = setup(racing);
    await second.runtime.handle("sim:1", { kind: "text", text: "tolong" });
    const { session } = await store.load("sim:1");
    expect((session as { turns: number }).turns).toBe(3);
    expect((session as { reasons: string[] }).reasons).toContain("emergency_word");
  });

  it("starts afresh, and says so in the log, when the stored session cannot be read", async () => {
    const store = new MemoryConversationStore();
    await store.write("sim:1", { nonsense: true } as never);
    const { runtime, sink, logged } = setup(store);
    await delivered(runtime.handle("sim:1", { kind: "text", text: "halo" }));
    expect(sink.replies.join()).toContain("Pilih bahasa");
    expect(logged.join()).toContain("session unreadable");
  });

  it("delivers effects saved before a crash when the message comes again", async () => {
    const { runtime, sink } = setup();
    sink.fail = true;
    const first = await runtime.handle("sim:1", { kind: "text", text: "tolong" }, "u9");
    expect(first.status).toBe("handled");
    expect(await delivered(first)).toBe("kept");
    sink.fail = false;
    const again = await runtime.handle("sim:1", { kind: "text", text: "tolong" }, "u9");
    expect(again.status).toBe("duplicate");
    expect(await delivered(again)).toBe("done");
    expect(sink.runs.flatMap((r) => r.effects).some((e) => e.type === "escalate")).toBe(true);
  });

  it("retries only the effects that failed: the person does not get the same reply twice", async () => {
    const store = new MemoryConversationStore({ now: () => 1_000 });
    const sent: string[] = [];
    const escalated: string[] = [];
    let queueDown = true;
    const router = new EffectRouter({
      channels: {
        sim: {
          deliver: async (_key, replies) => {
            sent.push(...replies.map((r) => r.text));
            return { ids: [] };
          },
          deleteMessages: async () => undefined,
        },
      },
      cases: {
        escalate: async (_key, effect) => {
          if (queueDown) throw new Error("case store down");
          escalated.push(effect.caseRef);
          return undefined;
        },
        relay: async () => undefined,
        erase: async () => undefined,
      },
      reattach: { reattach: async () => ({ kind: "system", event: "reattach_failed" }) },
      chatLog: store,
      scheduler: new MemoryScheduler(),
      eraser: { erase: async () => undefined },
      reachability: store,
      log: createLogger("silent"),
      windowMs: 24 * 60 * 60 * 1000,
      now: () => 1_000,
    });
    const runtime = new Runtime({ ...runtimeDeps(store, router), now: () => 1_000 });
    expect(await delivered(runtime.handle("sim:1", { kind: "text", text: "tolong" }))).toBe("kept");
    const replies = sent.length;
    expect(replies).toBeGreaterThan(0);
    expect(escalated).toEqual([]);

    queueDown = false;
    const later = new Runtime({ ...runtimeDeps(store, router), now: () => 121_000 });
    expect(await later.recover(60_000)).toBe(1);
    expect(escalated).toHaveLength(1);
    expect(sent).toHaveLength(replies);
    expect(await store.pendingOutbox("sim:1")).toEqual([]);
  });

  it("recovers what was saved but never delivered, once", async () => {
    const store = new MemoryConversationStore({ now: () => 1_000 });
    const { runtime, sink } = setup(store);
    sink.fail = true;
    await delivered(runtime.handle("sim:1", { kind: "text", text: "halo" }));
    sink.fail = false;
    const later = new Runtime({ ...runtimeDeps(store, sink), now: () => 1_000 + 120_000 });
    expect(await later.recover(60_000)).toBe(1);
    expect(sink.replies.join()).toContain("Pilih bahasa");
    expect(await later.recover(60_000)).toBe(0);
  });

  it("gives each conversation's deliveries in order, and drains before shutdown", async () => {
    const { runtime, sink } = setup();
    await runtime.handle("sim:1", { kind: "text", text: "halo", langHint: "en" });
    await runtime.handle("sim:1", { kind: "text", text: "1" });
    await runtime.drain();
    expect(sink.replies[0]).toContain("Hello 👋 This is Pulang");
    expect(sink.replies.at(-1)).toContain("How are you doing right now?");
  });

  it("never logs what a person wrote", async () => {
    const { runtime, logged } = setup();
    await runtime.handle("sim:1", { kind: "text", text: "nama saya Rahasia Sekali" });
    expect(logged.join()).not.toContain("Rahasia");
  });
});

describe("Runtime: damaged data and a Redis blip never crash it", () => {
  it("quarantines a damaged outbox entry, reports it, and still delivers the others", async () => {
    // A codec that cannot read back one entry stands for one damaged in storage.
    const codec = {
      encode: (v: unknown) => JSON.stringify(v),
      decode: (t: string) => {
        if (t.includes("DAMAGED")) throw new Error("unreadable");
        return JSON.parse(t);
      },
    };
    const store = new MemoryConversationStore({ codec, now: () => 1_000 });
    await store.commit("sim:1", 0, { v: 2 } as never, {
      outbox: [{ type: "reply", text: "x DAMAGED" }],
    });
    await store.commit("sim:1", 1, { v: 2 } as never, {
      outbox: [{ type: "reply", text: "fine" }],
    });
    const { sink, logged } = setup(store);
    const quarantined: number[] = [];
    const later = new Runtime({
      ...runtimeDeps(store, sink),
      log: createLogger(
        "debug",
        new Writable({ write: (c, _e, done) => done(void logged.push(String(c))) }),
      ),
      now: () => 200_000,
      onQuarantined: (count) => quarantined.push(count),
    });
    expect(await later.recover(60_000)).toBe(1);
    expect(sink.replies).toEqual(["fine"]);
    expect(quarantined).toEqual([1]);
    expect(logged.join()).toContain("quarantined");
    expect(logged.join()).not.toContain("DAMAGED");
    // The next start finds nothing to trip over.
    expect(await later.recover(60_000)).toBe(0);
    expect(quarantined).toEqual([1]);
  });

  it("survives Redis going away during recovery: nothing rejects unhandled", async () => {
    const store = new MemoryConversationStore({ now: () => 1_000 });
    const { runtime, sink } = setup(store);
    sink.fail = true;
    await delivered(runtime.handle("sim:1", { kind: "text", text: "halo" }));
    await delivered(runtime.handle("sim:2", { kind: "text", text: "halo" }));
    const blip = wrap(store, {
      pendingOutbox: async (key, q) => {
        if (key === "sim:1") throw new Error("connection lost");
        return store.pendingOutbox(key, q);
      },
    });
    sink.fail = false;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const later = new Runtime({ ...runtimeDeps(blip, sink), now: () => 200_000 });
      // sim:1 could not be read now; sim:2 is delivered all the same.
      expect(await later.recover(60_000)).toBe(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("Runtime: a redelivery while Redis is away", () => {
  it("says its effects are kept for later rather than rejecting", async () => {
    const store = new MemoryConversationStore();
    const { runtime } = setup(store);
    await delivered(runtime.handle("sim:1", { kind: "text", text: "halo" }, "u1"));
    const blip = wrap(store, {
      pendingOutbox: async () => {
        throw new Error("connection lost");
      },
    });
    const again = await setup(blip).runtime.handle("sim:1", { kind: "text", text: "halo" }, "u1");
    expect(again.status).toBe("duplicate");
    expect(await delivered(again)).toBe("kept");
  });
});

describe("Runtime: only the person's own messages open the window", () => {
  const HOUR = 60 * 60 * 1000;

  it("a missed check-in's escalation does not let an operator write 26 hours later", async () => {
    let now = 1_000_000;
    const store = new MemoryConversationStore({ now: () => now });
    const sent: string[] = [];
    const router = new EffectRouter({
      channels: {
        sim: {
          deliver: async (_key, replies) => {
            sent.push(...replies.map((r) => r.text));
            return { ids: [] };
          },
          deleteMessages: async () => undefined,
        },
      },
      cases: {
        escalate: async () => undefined,
        relay: async () => undefined,
        erase: async () => undefined,
      },
      reattach: { reattach: async () => ({ kind: "system", event: "reattach_failed" }) },
      chatLog: store,
      scheduler: new MemoryScheduler(),
      eraser: { erase: async () => undefined },
      reachability: store,
      log: createLogger("silent"),
      windowMs: 24 * HOUR,
      now: () => now,
    });
    const runtime = new Runtime({ ...runtimeDeps(store, router), now: () => now });
    const start = now;
    await delivered(runtime.handle("sim:1", { kind: "text", text: "tolong" }, "p1"));
    // The check-in timers fire (the person does not answer): the system escalates.
    now = start + 24 * HOUR;
    await delivered(runtime.handle("sim:1", { kind: "system", event: "checkin_due" }));
    now = start + 25 * HOUR;
    await delivered(runtime.handle("sim:1", { kind: "system", event: "checkin_missed" }));
    now = start + 26 * HOUR;
    const words = { kind: "operator", event: "message", text: "Halo, kami di sini." } as const;
    const refused = await runtime.handle("sim:1", words, "op:1");
    expect(refused).toEqual({ status: "refused", why: "window_closed" });
    expect(sent).not.toContain("Halo, kami di sini.");
    // The person writes: the window opens again, and the operator's words go out.
    await delivered(runtime.handle("sim:1", { kind: "text", text: "halo" }, "p2"));
    expect(await delivered(runtime.handle("sim:1", words, "op:2"))).toBe("done");
    expect(sent).toContain("Halo, kami di sini.");
  });

  it("on WhatsApp, only the person's own message moves the time the platform's window runs from", async () => {
    let now = 1_000_000;
    const store = new MemoryConversationStore({ now: () => now });
    const { runtime } = setup(store);
    await runtime.handle("wa:+62811", { kind: "text", text: "halo" }, "w1", now - 1_000);
    now += 25 * HOUR;
    await runtime.handle("wa:+62811", { kind: "system", event: "checkin_missed" });
    await runtime.handle("wa:+62811", { kind: "operator", event: "joined" });
    expect((await store.load("wa:+62811")).lastInbound).toBe(1_000_000 - 1_000);
  });
});

describe("Runtime: with replicas to wait for (Sentinel, Cluster)", () => {
  it("acknowledges an update, and its delivery, only after the replicas hold them", async () => {
    const memory = new MemoryConversationStore();
    const order: string[] = [];
    const store = wrap(memory, {
      commit: async (...a) => {
        order.push("commit");
        return memory.commit(...a);
      },
      ackOutbox: async (k, id, o) => {
        order.push("ack");
        return memory.ackOutbox(k, id, o);
      },
    });
    const sink: EffectSink = {
      run: async () => {
        order.push("delivered");
        return {};
      },
    };
    const runtime = new Runtime({
      ...runtimeDeps(store, sink),
      replicated: async () => {
        order.push("replicated");
      },
    });
    const outcome = await runtime.handle("sim:1", { kind: "text", text: "halo" }, "u1");
    order.push("handled");
    await delivered(outcome);
    // Saved, then on a replica, before the webhook may answer; delivered, then on a replica,
    // before the outbox entry stops being pending.
    expect(order.indexOf("replicated")).toBe(order.indexOf("commit") + 1);
    expect(order.indexOf("replicated")).toBeLessThan(order.indexOf("handled"));
    // The acknowledgement waits for replicas too: one lost in a failover would send again.
    const afterSending = order.filter((step) => step !== "handled");
    expect(afterSending.slice(afterSending.indexOf("delivered"))).toEqual([
      "delivered",
      "replicated",
      "ack",
      "replicated",
    ]);
  });

  it("when replicas cannot be asked after sending, runs the effects again later but not the replies", async () => {
    const store = new MemoryConversationStore({ now: () => 1_000 });
    const ran: string[][] = [];
    const sink: EffectSink = {
      run: async (_key, effects, _meta, done) => {
        const now = effects.flatMap((_, i) => (done?.has(i) ? [] : [i]));
        ran.push(now.map((i) => effects[i]?.type ?? ""));
        return { done: now };
      },
    };
    // The replicas cannot be asked once the next send has gone out.
    let failAfterRuns = Number.POSITIVE_INFINITY;
    const runtime = new Runtime({
      ...runtimeDeps(store, sink),
      now: () => 1_000,
      replicated: async () => {
        if (ran.length >= failAfterRuns) throw new Error("failover");
      },
    });
    const first = await runtime.handle("sim:1", { kind: "text", text: "halo" });
    await delivered(first);
    failAfterRuns = ran.length + 1;
    const danger = runtime.handle("sim:1", { kind: "text", text: "tolong saya dipukul" });
    expect(await delivered(danger)).toBe("kept");
    const sentFirst = ran.at(-1) ?? [];
    expect(sentFirst).toContain("reply");
    expect(sentFirst).toContain("escalate");
    failAfterRuns = Number.POSITIVE_INFINITY;
    const later = new Runtime({ ...runtimeDeps(store, sink), now: () => 200_000 });
    expect(await later.recover(60_000)).toBe(1);
    expect(ran.at(-1)).toContain("escalate");
    expect(ran.at(-1)).not.toContain("reply");
  });

  it("does not acknowledge an update whose replicas could not be asked", async () => {
    const store = new MemoryConversationStore();
    const runtime = new Runtime({
      ...runtimeDeps(store, new RecordingSink()),
      replicated: async () => {
        throw new Error("Connection is closed.");
      },
    });
    await expect(runtime.handle("sim:1", { kind: "text", text: "halo" }, "u1")).rejects.toThrow(
      "Connection is closed.",
    );
  });
});
