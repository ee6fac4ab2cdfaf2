/**
 * The PersonLink over the runtime: operator events and an operator's words are inbounds of
 * the person's conversation, saved under the operator update's id; a refusal by the write
 * rule comes back as it is, and the channel's re-engagement is used only where it exists.
 */
import { describe, expect, it } from "vitest";
import type { Inbound } from "../../src/engine/types.js";
import { RuntimePersonLink } from "../../src/operators/runtime-person-link.js";
import type { PersonChannel } from "../../src/runtime/effects.js";
import type { HandleOutcome } from "../../src/runtime/runtime.js";

function setup(outcome: HandleOutcome, channels: Record<string, PersonChannel> = {}) {
  const handled: { key: string; inbound: Inbound; dedupeId?: string }[] = [];
  const link = new RuntimePersonLink({
    runtime: {
      handle: async (key: string, inbound: Inbound, dedupeId?: string) => {
        handled.push({ key, inbound, ...(dedupeId ? { dedupeId } : {}) });
        return outcome;
      },
    },
    channels,
  });
  return { link, handled };
}

const delivered = Promise.resolve("done" as const);

describe("RuntimePersonLink", () => {
  it("tells the engine what operators did", async () => {
    const { link, handled } = setup({ status: "handled", effects: [], delivered });
    expect((await link.event("tg:5", "joined")).status).toBe("saved");
    expect(handled).toEqual([{ key: "tg:5", inbound: { kind: "operator", event: "joined" } }]);
  });

  it("hands an operator's words to the engine under the operator update's id", async () => {
    const { link, handled } = setup({ status: "duplicate", delivered });
    const said = await link.say("tg:5", "Halo <b>", "op:77");
    expect(said).toEqual({ status: "duplicate", delivered });
    expect(handled).toEqual([
      {
        key: "tg:5",
        inbound: { kind: "operator", event: "message", text: "Halo <b>" },
        dedupeId: "op:77",
      },
    ]);
  });

  it("passes the write rule's refusal on", async () => {
    const { link } = setup({ status: "refused", why: "unreachable" });
    expect(await link.say("tg:5", "x")).toEqual({ status: "refused", why: "unreachable" });
  });

  it("reaches out only through a channel that can, and never when the window is open", async () => {
    const base: PersonChannel = {
      deliver: async () => ({ ids: [] }),
      deleteMessages: async () => undefined,
    };
    let status = "template_sent";
    const wa = { ...base, reachOut: async () => ({ status }) };
    const { link } = setup({ status: "refused", why: "window_closed" }, { tg: base, wa });
    expect(await link.reachOut("tg:5", "P1")).toBe("window_closed");
    expect(await link.reachOut("wa:+62811", "P1")).toBe("template_sent");
    status = "open";
    expect(await link.reachOut("wa:+62811", "P1")).toBe("failed");
  });
});
