/**
 * One person's replies arrive in the order of their conversation even when several
 * processes share it: a person writes again before the last reply has left, and the next
 * message reaches another instance behind the load balancer. Two runtimes on one store (the
 * memory twin and Redis) stand for the two processes; both send into one chat.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Bundle, Effect } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import type { ConversationStore, EffectSink, RunReport } from "../../src/runtime/ports.js";
import { Runtime } from "../../src/runtime/runtime.js";
import { RedisConversationStore } from "../../src/stores/redis/conversation-store.js";
import { useRedis } from "../cases/redis-env.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
const env = useRedis();
beforeAll(() => {
  bundle = realBundle();
});

/** The person's chat: every reply any process sent them, in the order it arrived. */
class Chat {
  readonly lines: string[] = [];
  add(effects: readonly Effect[]): void {
    for (const e of effects) if (e.type === "reply") this.lines.push(e.text.split("\n")[0] ?? "");
  }
}

/** A process's way out to the chat; `hold` keeps its next sends waiting (a slow platform). */
class Sender implements EffectSink {
  runs = 0;
  fail = false;
  #held: Promise<void> | undefined;
  #let: (() => void) | undefined;
  constructor(readonly chat: Chat) {}
  hold(): void {
    this.#held = new Promise((r) => {
      this.#let = r;
    });
  }
  release(): void {
    this.#let?.();
    this.#held = undefined;
  }
  async run(_key: string, effects: readonly Effect[]): Promise<RunReport> {
    this.runs += 1;
    await this.#held;
    if (this.fail) throw new Error("platform down");
    this.chat.add(effects);
    return {};
  }
}

function runtime(store: ConversationStore, sink: EffectSink, name: string, turnMs?: number) {
  return new Runtime({
    bundle,
    store,
    sink,
    log: createLogger("silent"),
    ids: () => randomUUID(),
    deliverer: name,
    ...(turnMs ? { turnMs } : {}),
  });
}

const text = (t: string) => ({ kind: "text" as const, text: t, langHint: "en" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one process alone would have sent for the same messages (the flow's own order). */
async function alone(messages: string[]): Promise<string[]> {
  const chat = new Chat();
  const one = runtime(new MemoryConversationStore(), new Sender(chat), "alone");
  for (const m of messages) {
    const o = await one.handle("sim:alone", text(m));
    if (o.status === "handled") await o.delivered;
  }
  return chat.lines;
}

const stores: [string, () => ConversationStore][] = [
  ["memory", () => new MemoryConversationStore()],
  ["redis", () => new RedisConversationStore(env.redis, { prefix: env.prefix })],
];

describe.each(stores)("two processes sharing one conversation (%s)", (_name, makeStore) => {
  it("the second process's reply waits for the first's, which is still on its way", async () => {
    const store = makeStore();
    const chat = new Chat();
    const [slow, fast] = [new Sender(chat), new Sender(chat)];
    const a = runtime(store, slow, "a");
    const b = runtime(store, fast, "b");
    const key = `sim:${randomUUID()}`;
    slow.hold();
    const first = await a.handle(key, text("hello"));
    const second = await b.handle(key, text("1"));
    await sleep(100);
    expect(chat.lines).toEqual([]); // b did not overtake
    slow.release();
    expect(first.status === "handled" && (await first.delivered)).toBe("done");
    expect(second.status === "handled" && (await second.delivered)).toBe("done");
    expect(chat.lines).toEqual(await alone(["hello", "1"]));
    expect(await store.pendingOutbox(key)).toEqual([]);
    // a, which had the turn, went on with b's entry.
    expect(fast.runs).toBe(0);
  });

  it("takes over from a process that died holding the turn, oldest entry first", async () => {
    const store = makeStore();
    const chat = new Chat();
    const dying = new Sender(chat);
    // The dying process can still save, but never renews its turn nor finishes its send.
    const dead = new Proxy(store, {
      get: (target, name) =>
        name === "claimTurn" || name === "renewTurn"
          ? async () => Promise.reject(new Error("process gone"))
          : Reflect.get(target, name).bind(target),
    });
    const a = runtime(dead, dying, "a", 300);
    const b = runtime(store, new Sender(chat), "b", 300);
    const key = `sim:${randomUUID()}`;
    dying.hold();
    await a.handle(key, text("hello"));
    const second = await b.handle(key, text("1"));
    expect(second.status === "handled" && (await second.delivered)).toBe("done");
    expect(chat.lines).toEqual(await alone(["hello", "1"]));
    expect(await store.pendingOutbox(key)).toEqual([]);
  });

  it("does not let a reply that cannot go out silence the ones after it", async () => {
    const store = makeStore();
    const chat = new Chat();
    const sender = new Sender(chat);
    const a = runtime(store, sender, "a");
    const key = `sim:${randomUUID()}`;
    sender.fail = true;
    const first = await a.handle(key, text("hello"));
    expect(first.status === "handled" && (await first.delivered)).toBe("kept");
    sender.fail = false;
    const second = await a.handle(key, text("1"));
    expect(second.status === "handled" && (await second.delivered)).toBe("done");
    // The kept entry was tried first, and went out this time, before the new one.
    expect(chat.lines).toEqual(await alone(["hello", "1"]));
    expect(await store.pendingOutbox(key)).toEqual([]);
  });
});
