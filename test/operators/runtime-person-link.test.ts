/**
 * The PersonLink over the runtime and channels: events go through the engine, words go to
 * the person's channel and into the chat log (so a quick exit deletes them), and a person
 * who blocked the bot is reported as unreachable rather than retried.
 */
import { describe, expect, it } from "vitest";
import type { Effect, Inbound, Priority } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { RuntimePersonLink } from "../../src/operators/runtime-person-link.js";
import { MemoryChatLog } from "../../src/runtime/chat-log.js";
import type { PersonChannel } from "../../src/runtime/effects.js";
import { MemoryReachability } from "../../src/runtime/reachability.js";

type Reply = Extract<Effect, { type: "reply" }>;

function setup(deliver: PersonChannel["deliver"]) {
  const handled: { key: string; inbound: Inbound }[] = [];
  const reachability = new MemoryReachability();
  const chatLog = new MemoryChatLog();
  const channel: PersonChannel = { deliver, deleteMessages: async () => undefined };
  const link = new RuntimePersonLink({
    runtime: () => ({
      handle: async (key: string, inbound: Inbound) => {
        handled.push({ key, inbound });
        return { status: "duplicate", delivered: Promise.resolve(true) };
      },
    }),
    channels: { tg: channel },
    reachability,
    chatLog,
    log: createLogger("silent"),
    now: () => 1000,
  });
  return { link, handled, reachability, chatLog };
}

describe("RuntimePersonLink", () => {
  it("tells the engine what operators did", async () => {
    const { link, handled } = setup(async () => []);
    await link.event("tg:5", "joined");
    expect(handled).toEqual([{ key: "tg:5", inbound: { kind: "operator", event: "joined" } }]);
  });

  it("sends an operator's words as a reply and logs the message for the quick exit", async () => {
    const sent: { key: string; replies: readonly Reply[]; priority: Priority }[] = [];
    const { link, chatLog } = setup(async (key, replies, priority) => {
      sent.push({ key, replies, priority });
      return ["71"];
    });
    expect(await link.say("tg:5", "Halo <b>", "P1")).toBe("sent");
    expect(sent).toEqual([
      { key: "tg:5", replies: [{ type: "reply", text: "Halo <b>" }], priority: "P1" },
    ]);
    expect(await chatLog.all("tg:5", 1000)).toEqual(["71"]);
  });

  it("says unreachable for a person who blocked the bot, before or while sending", async () => {
    const before = setup(async () => ["1"]);
    await before.reachability.markUnreachable("tg:5");
    expect(await before.link.say("tg:5", "x", "P2")).toBe("unreachable");
    const during = setup(async (key) => {
      await during.reachability.markUnreachable(key);
      return [];
    });
    expect(await during.link.say("tg:5", "x", "P2")).toBe("unreachable");
  });

  it("says failed when the channel fails or does not exist", async () => {
    const { link } = setup(async () => {
      throw new Error("telegram down");
    });
    expect(await link.say("tg:5", "x", "P3")).toBe("failed");
    expect(await link.say("wa:+62", "x", "P3")).toBe("failed");
  });
});
