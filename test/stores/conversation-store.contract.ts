/**
 * The behaviour every ConversationStore must have, run against the memory twin and Redis.
 * Each test works on its own fresh conversation key, so stores may share state.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { newSession, type Session } from "../../src/engine/session.js";
import type { Effect } from "../../src/engine/types.js";
import { type ChatLog, TIDY_SLOT_MS, tidyJobId } from "../../src/runtime/chat-log.js";
import type { ConversationStore, ConversationStoreOptions } from "../../src/runtime/ports.js";
import type { Reachability } from "../../src/runtime/reachability.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import type { Scheduler } from "../../src/schedule/scheduler.js";
import type { Codec } from "../../src/stores/codec.js";
import type { SessionStore, StorageAdapter } from "../../src/stores/session-adapters.js";

/**
 * A conversation store that also keeps the conversation's reachability and chat log, and
 * speaks grammY's and Telegraf's session shapes.
 */
export type ContractStore = ConversationStore &
  Reachability &
  ChatLog &
  StorageAdapter<Session> &
  SessionStore<Session>;

/**
 * Builds a store with the given options. Each test uses one store, so stores built by
 * separate calls may or may not share data.
 */
export type MakeStore = (opts?: ConversationStoreOptions) => ContractStore;

const T0 = Date.UTC(2026, 0, 20, 8, 0, 0);

/** A fresh conversation key nobody else uses. */
export function freshKey(): string {
  return `sim:${randomUUID()}`;
}

/** A session that has seen `turns` messages. */
export function sessionAt(turns: number, lang = "id"): Session {
  return { ...newSession(T0 + turns, lang), turns };
}

/** A reply effect, to fill outboxes. */
export function reply(text: string): Effect {
  return { type: "reply", text };
}

/** A settable clock. */
export function fakeClock(start = T0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * A codec that marks what it writes (`X` prefix) and counts its calls; it refuses to decode
 * anything unmarked, so a value that skipped the codec cannot be read back.
 */
export function markingCodec(): Codec & { encoded: number; decoded: number } {
  const codec = {
    encoded: 0,
    decoded: 0,
    encode(value: unknown): string {
      codec.encoded += 1;
      return `X${JSON.stringify(value)}`;
    },
    decode(text: string): unknown {
      codec.decoded += 1;
      if (!text.startsWith("X")) throw new Error("not encoded by this codec");
      return JSON.parse(text.slice(1));
    },
  };
  return codec;
}

/**
 * A codec like JSON that cannot read back anything holding the word DAMAGED: an outbox
 * entry written with it stands for one damaged in storage.
 */
function damagingCodec(): Codec {
  return {
    encode: (v) => JSON.stringify(v),
    decode: (t) => {
      if (t.includes("DAMAGED")) throw new Error("unreadable");
      return JSON.parse(t);
    },
  };
}

/** Register the contract suite for one implementation. */
export function conversationStoreContract(
  name: string,
  makeStore: MakeStore,
  cleanup: () => Promise<void>,
  makeTimers: () => Scheduler = () => new MemoryScheduler(),
): void {
  describe(`ConversationStore contract: ${name}`, () => {
    afterAll(cleanup);

    describe("sessions and versions", () => {
      it("loads a new conversation as version 0 with no session", async () => {
        const store = makeStore();
        expect(await store.load(freshKey())).toEqual({ session: undefined, version: 0 });
      });

      it("bumps the version on every successful commit and returns the session", async () => {
        const store = makeStore();
        const key = freshKey();
        expect(await store.commit(key, 0, sessionAt(1))).toBe("ok");
        expect(await store.load(key)).toEqual({ session: sessionAt(1), version: 1 });
        expect(await store.commit(key, 1, sessionAt(2))).toBe("ok");
        expect(await store.load(key)).toEqual({ session: sessionAt(2), version: 2 });
      });

      it("refuses a commit at a stale version and changes nothing", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1));
        const result = await store.commit(key, 0, sessionAt(9), {
          dedupeId: "m9",
          outbox: [reply("lost")],
        });
        expect(result).toBe("conflict");
        expect(await store.load(key)).toEqual({ session: sessionAt(1), version: 1 });
        expect(await store.pendingOutbox(key)).toEqual([]);
        // The dedupe id of the refused commit was not remembered either.
        expect(await store.commit(key, 1, sessionAt(2), { dedupeId: "m9" })).toBe("ok");
      });

      it("keeps conversations apart", async () => {
        const store = makeStore();
        const [a, b] = [freshKey(), freshKey()];
        await store.commit(a, 0, sessionAt(1, "id"));
        await store.commit(b, 0, sessionAt(5, "en"));
        expect((await store.load(a)).session).toEqual(sessionAt(1, "id"));
        expect((await store.load(b)).session).toEqual(sessionAt(5, "en"));
      });
    });

    describe("dedupe", () => {
      it("reports the same message id twice as duplicate and writes nothing", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { dedupeId: "m1", outbox: [reply("a")] });
        const again = await store.commit(key, 1, sessionAt(2), {
          dedupeId: "m1",
          outbox: [reply("b")],
        });
        expect(again).toBe("duplicate");
        expect(await store.load(key)).toEqual({ session: sessionAt(1), version: 1 });
        expect(await store.pendingOutbox(key)).toEqual([{ id: 1, effects: [reply("a")] }]);
      });

      it("checks duplicates before versions (a redelivery after a crash is not a conflict)", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { dedupeId: "m1" });
        await store.commit(key, 1, sessionAt(2), { dedupeId: "m2" });
        expect(await store.commit(key, 0, sessionAt(1), { dedupeId: "m1" })).toBe("duplicate");
        expect(await store.commit(key, 2, sessionAt(3), { dedupeId: "m3" })).toBe("ok");
      });

      it("forgets message ids after the window", async () => {
        const clock = fakeClock();
        const store = makeStore({ now: clock.now, dedupeWindowMs: 60_000 });
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { dedupeId: "m1" });
        clock.advance(59_000);
        expect(await store.commit(key, 1, sessionAt(2), { dedupeId: "m1" })).toBe("duplicate");
        clock.advance(2_000);
        expect(await store.commit(key, 1, sessionAt(2), { dedupeId: "m1" })).toBe("ok");
      });

      it("remembers at most dedupeMax ids, dropping the oldest", async () => {
        const clock = fakeClock();
        const store = makeStore({ now: clock.now, dedupeMax: 3 });
        const key = freshKey();
        for (let i = 1; i <= 4; i++) {
          clock.advance(10);
          expect(await store.commit(key, i - 1, sessionAt(i), { dedupeId: `m${i}` })).toBe("ok");
        }
        expect(await store.commit(key, 4, sessionAt(4), { dedupeId: "m4" })).toBe("duplicate");
        expect(await store.commit(key, 4, sessionAt(5), { dedupeId: "m1" })).toBe("ok");
      });
    });

    describe("outbox", () => {
      it("keeps effects pending, oldest first, until each entry is acked", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
        await store.commit(key, 1, sessionAt(2), { outbox: [] });
        await store.commit(key, 2, sessionAt(3), { outbox: [reply("b"), { type: "end" }] });
        expect(await store.pendingOutbox(key)).toEqual([
          { id: 1, effects: [reply("a")] },
          { id: 3, effects: [reply("b"), { type: "end" }] },
        ]);
        await store.ackOutbox(key, 1);
        expect(await store.pendingOutbox(key)).toEqual([
          { id: 3, effects: [reply("b"), { type: "end" }] },
        ]);
        await store.ackOutbox(key, 3);
        await store.ackOutbox(key, 42); // unknown ids are ignored
        expect(await store.pendingOutbox(key)).toEqual([]);
      });

      it("remembers which effects of an entry were carried out, until the entry is acked", async () => {
        const store = makeStore();
        const key = freshKey();
        const effects = [reply("a"), { type: "end" } as Effect];
        await store.commit(key, 0, sessionAt(1), { outbox: effects });
        await store.markDone(key, 1, [0]);
        expect(await store.pendingOutbox(key)).toEqual([{ id: 1, effects, done: [0] }]);
        await store.markDone(key, 1, [0, 1]);
        expect((await store.pendingOutbox(key))[0]?.done).toEqual([0, 1]);
        await store.ackOutbox(key, 1);
        expect(await store.pendingOutbox(key)).toEqual([]);
        // A mark for an entry already acked (by another process) is not kept.
        await store.markDone(key, 1, [0]);
        expect(await store.pendingOutbox(key)).toEqual([]);
        expect(await store.staleOutboxes(0, Date.now() + 1, 100)).not.toContain(key);
      });

      it("orders entries numerically past version 9", async () => {
        const store = makeStore();
        const key = freshKey();
        for (let v = 0; v < 11; v++) {
          await store.commit(key, v, sessionAt(v + 1), { outbox: [reply(`r${v + 1}`)] });
        }
        const ids = (await store.pendingOutbox(key)).map((e) => e.id);
        expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      });

      it("finds conversations whose entries were never acked, oldest first", async () => {
        const clock = fakeClock(Date.now());
        const store = makeStore({ now: clock.now });
        const [crashed, later, acked] = [freshKey(), freshKey(), freshKey()];
        await store.commit(crashed, 0, sessionAt(1), { outbox: [reply("lost?")] });
        clock.advance(100);
        await store.commit(later, 0, sessionAt(1), { outbox: [reply("lost too")] });
        await store.commit(acked, 0, sessionAt(1), { outbox: [reply("sent")] });
        await store.ackOutbox(acked, 1);

        const soon = await store.staleOutboxes(60_000, clock.now() + 5_000, 1000);
        expect(soon).not.toContain(crashed);

        const stale = await store.staleOutboxes(1_000, clock.now() + 5_000, 1000);
        expect(stale).toContain(crashed);
        expect(stale).toContain(later);
        expect(stale).not.toContain(acked);
        expect(stale.indexOf(crashed)).toBeLessThan(stale.indexOf(later));

        await store.ackOutbox(crashed, 1);
        const after = await store.staleOutboxes(1_000, clock.now() + 5_000, 1000);
        expect(after).not.toContain(crashed);
        expect(after).toContain(later);
      });

      it("respects the limit of staleOutboxes", async () => {
        const store = makeStore();
        for (let i = 0; i < 3; i++) {
          await store.commit(freshKey(), 0, sessionAt(1), { outbox: [reply("x")] });
        }
        expect(await store.staleOutboxes(0, Date.now() + 1_000, 2)).toHaveLength(2);
      });

      it("does not report a conversation whose commit conflicted", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1));
        expect(await store.commit(key, 0, sessionAt(1), { outbox: [reply("x")] })).toBe("conflict");
        expect(await store.staleOutboxes(0, Date.now() + 1_000, 10_000)).not.toContain(key);
      });
    });

    describe("one deliverer at a time carries out a conversation's outbox", () => {
      const A = { id: "deliverer-a", turnMs: 60_000 };
      const B = { id: "deliverer-b", turnMs: 60_000 };

      it("gives the turn to the first with something to send, and queues the others' entries behind it", async () => {
        const store = makeStore();
        const key = freshKey();
        expect(await store.commit(key, 0, sessionAt(1), { outbox: [], deliverer: B })).toBe("ok");
        expect(
          await store.commit(key, 1, sessionAt(2), { outbox: [reply("a")], deliverer: A }),
        ).toBe("ok");
        expect(
          await store.commit(key, 2, sessionAt(3), { outbox: [reply("b")], deliverer: B }),
        ).toBe("queued");
        expect(
          await store.commit(key, 3, sessionAt(4), { outbox: [reply("c")], deliverer: A }),
        ).toBe("held");
        expect(await store.claimTurn(key, B)).toBe(false);
        expect(await store.ackOutbox(key, 2, { deliverer: A })).toBe("more");
        expect(await store.isPending(key, 2)).toBe(false);
        expect(await store.isPending(key, 3)).toBe(true);
        expect(await store.ackOutbox(key, 3, { deliverer: A })).toBe("more");
        expect(await store.isPending(key, 3)).toBe(false);
        expect(await store.ackOutbox(key, 4, { deliverer: A })).toBe("none");
        // Nothing pending: the turn was given back with the last acknowledgement.
        expect(
          await store.commit(key, 4, sessionAt(5), { outbox: [reply("d")], deliverer: B }),
        ).toBe("ok");
      });

      it("lets the next deliverer take over a turn whose holder stopped renewing it", async () => {
        const clock = fakeClock();
        const store = makeStore({ now: clock.now });
        const key = freshKey();
        const shortA = { id: A.id, turnMs: 100 };
        expect(
          await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")], deliverer: shortA }),
        ).toBe("ok");
        clock.advance(1_000);
        await new Promise((r) => setTimeout(r, 150));
        // A's entry is still pending: B must send it first.
        expect(
          await store.commit(key, 1, sessionAt(2), { outbox: [reply("b")], deliverer: B }),
        ).toBe("behind");
        expect(await store.ackOutbox(key, 1, { deliverer: shortA })).toBe("taken");
        expect(await store.ackOutbox(key, 2, { deliverer: B })).toBe("none");
      });

      it("claims a free turn, renews one's own, and gives it back only if it is one's own", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
        expect(await store.claimTurn(key, A)).toBe(true);
        expect(await store.claimTurn(key, A)).toBe(true);
        expect(await store.claimTurn(key, B)).toBe(false);
        await store.releaseTurn(key, B);
        expect(await store.claimTurn(key, B)).toBe(false);
        await store.releaseTurn(key, A);
        // A renewal that comes after the turn was given back does not take it again.
        expect(await store.renewTurn(key, A)).toBe(false);
        expect(await store.claimTurn(key, B)).toBe(true);
        expect(await store.renewTurn(key, B)).toBe(true);
        expect(await store.renewTurn(key, A)).toBe(false);
      });

      it("forgets the turn with the conversation on erase", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")], deliverer: A });
        await store.remove(key);
        expect(await store.isPending(key, 1)).toBe(false);
        expect(await store.claimTurn(key, B)).toBe(true);
      });
    });

    describe("what the runtime needs besides the session, in the same load", () => {
      it("reads the unreachable mark; only the person's own message clears it", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { personWrote: {} });
        await store.markUnreachable(key);
        expect(await store.load(key)).toMatchObject({ version: 1, unreachable: true });
        expect(await store.isUnreachable(key)).toBe(true);
        // An operator's words or a timer (no personWrote) do not make them reachable.
        await store.commit(key, 1, sessionAt(2), { outbox: [reply("from an operator")] });
        expect((await store.load(key)).unreachable).toBe(true);
        await store.commit(key, 2, sessionAt(3), { personWrote: {} });
        expect((await store.load(key)).unreachable).toBeUndefined();
        expect(await store.isUnreachable(key)).toBe(false);
        await store.markUnreachable(key);
        await store.markReachable(key); // they unblocked the bot
        expect(await store.isUnreachable(key)).toBe(false);
      });

      it("keeps when the person last wrote, by their platform's time, never moving back", async () => {
        const store = makeStore();
        const key = freshKey();
        expect((await store.load(key)).lastInbound).toBeUndefined();
        await store.commit(key, 0, sessionAt(1), { personWrote: { at: T0 } });
        await store.commit(key, 1, sessionAt(2), { personWrote: { at: T0 - 5_000 } }); // older, redelivered
        await store.commit(key, 2, sessionAt(3), { outbox: [reply("an operator")] });
        expect((await store.load(key)).lastInbound).toBe(T0);
        await store.commit(key, 3, sessionAt(4), { personWrote: { at: T0 + 60_000 } });
        expect((await store.load(key)).lastInbound).toBe(T0 + 60_000);
      });

      it("marks a person unreachable even before anything was saved, and forgets it on erase", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.markUnreachable(key);
        expect(await store.load(key)).toEqual({
          session: undefined,
          version: 0,
          unreachable: true,
        });
        await store.remove(key);
        expect(await store.isUnreachable(key)).toBe(false);
      });
    });

    describe("the chat log and its deletion timer", () => {
      it("logs what an acknowledged entry put in the chat and arms one timer for the earliest", async () => {
        const timers = makeTimers();
        const store = makeStore({ timers });
        const key = freshKey();
        const at = Date.now();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
        await store.ackOutbox(key, 1, { chatLog: { ids: ["10", "11"], deleteAt: at + 60_000 } });
        await store.commit(key, 1, sessionAt(2), { outbox: [reply("b")] });
        await store.ackOutbox(key, 2, { chatLog: { ids: ["12"], deleteAt: at + 600_000 } });
        expect(await store.pendingOutbox(key)).toEqual([]);
        expect((await store.all(key, at)).sort()).toEqual(["10", "11", "12"]);
        expect(await store.due(key, at)).toEqual([]);
        expect((await store.due(key, at + 60_000)).sort()).toEqual(["10", "11"]);
        // One timer for the conversation, at the slot of its earliest deletion.
        const firstSlot = Math.ceil((at + 60_000) / TIDY_SLOT_MS) * TIDY_SLOT_MS;
        expect(await timers.claimDue(firstSlot - 1, 10, 1_000)).toEqual([]);
        const [job, ...more] = await timers.claimDue(firstSlot, 10, 1_000);
        expect(more).toEqual([]);
        expect(job?.payload).toEqual({ kind: "tidy", conversation: key });
        // Deleted: forgotten, and the timer armed again for what is left.
        await store.forget(key, ["10", "11"]);
        expect(await store.all(key, at)).toEqual(["12"]);
        const nextSlot = Math.ceil((at + 600_000) / TIDY_SLOT_MS) * TIDY_SLOT_MS;
        expect((await timers.claimDue(nextSlot, 10, 1_000)).map((j) => j.id)).toEqual([job?.id]);
      });

      it("logs the messages of a partly carried out entry too, and a quick exit clears them", async () => {
        const timers = makeTimers();
        const store = makeStore({ timers });
        const key = freshKey();
        const at = Date.now();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a"), reply("b")] });
        await store.markDone(key, 1, [0], { chatLog: { ids: ["7"], deleteAt: at + 1_000 } });
        expect(await store.all(key, at)).toEqual(["7"]);
        expect((await store.pendingOutbox(key))[0]?.done).toEqual([0]);
        await store.clear(key);
        expect(await store.all(key, at)).toEqual([]);
        expect(await timers.claimDue(at + 10 * TIDY_SLOT_MS, 10, 1_000)).toEqual([]);
      });

      it("forgets the chat log and disarms the timer when the conversation is erased", async () => {
        const timers = makeTimers();
        const store = makeStore({ timers });
        const key = freshKey();
        const at = Date.now();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
        await store.ackOutbox(key, 1, { chatLog: { ids: ["1"], deleteAt: at } });
        await store.remove(key);
        expect(await store.all(key, at)).toEqual([]);
        expect(await timers.claimDue(at + 10 * TIDY_SLOT_MS, 10, 1_000)).toEqual([]);
      });

      it("names the timer by the conversation's name, not its key", () => {
        expect(tidyJobId("abc")).toBe("conv:abc:tidy");
      });
    });

    describe("damaged outbox entries", () => {
      it("are quarantined and reported, never delivered, never in the way of the others", async () => {
        const store = makeStore({ codec: damagingCodec() });
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("first")] });
        await store.commit(key, 1, sessionAt(2), { outbox: [reply("DAMAGED")] });
        await store.commit(key, 2, sessionAt(3), { outbox: [reply("third")] });
        const reported: number[][] = [];
        const pending = await store.pendingOutbox(key, (ids) => reported.push(ids));
        expect(pending.map((e) => e.id)).toEqual([1, 3]);
        expect(reported).toEqual([[2]]);
        // Set aside: not reported again, and once the others are delivered nothing is pending.
        await store.ackOutbox(key, 1);
        await store.ackOutbox(key, 3);
        expect(await store.pendingOutbox(key, (ids) => reported.push(ids))).toEqual([]);
        expect(reported).toEqual([[2]]);
        expect(await store.staleOutboxes(0, Date.now() + 1_000, 10_000)).not.toContain(key);
      });
    });

    describe("remove", () => {
      it("forgets session, dedupe ids and outbox", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { dedupeId: "m1", outbox: [reply("a")] });
        await store.remove(key);
        expect(await store.load(key)).toEqual({ session: undefined, version: 0 });
        expect(await store.pendingOutbox(key)).toEqual([]);
        expect(await store.staleOutboxes(0, Date.now() + 1_000, 10_000)).not.toContain(key);
        expect(await store.commit(key, 0, sessionAt(1), { dedupeId: "m1" })).toBe("ok");
      });

      it("is harmless on a conversation that does not exist", async () => {
        const store = makeStore();
        await expect(store.remove(freshKey())).resolves.toBeUndefined();
      });
    });

    describe("framework adapters", () => {
      it("round-trips through grammY read/write/delete", async () => {
        const store = makeStore();
        const key = freshKey();
        expect(await store.read(key)).toBeUndefined();
        await store.write(key, sessionAt(3));
        expect(await store.read(key)).toEqual(sessionAt(3));
        await store.write(key, sessionAt(4));
        expect(await store.read(key)).toEqual(sessionAt(4));
        await store.delete(key);
        expect(await store.read(key)).toBeUndefined();
      });

      it("round-trips through Telegraf get/set/delete", async () => {
        const store = makeStore();
        const key = freshKey();
        expect(await store.get(key)).toBeUndefined();
        await store.set(key, sessionAt(7, "en"));
        expect(await store.get(key)).toEqual(sessionAt(7, "en"));
        await store.delete(key);
        expect(await store.get(key)).toBeUndefined();
      });

      it("shares keys and versions with the runtime's commits", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
        expect(await store.read(key)).toEqual(sessionAt(1));
        const loaded = await store.load(key);
        await store.write(key, sessionAt(2));
        // An unconditional write bumps the version: an optimistic writer must reload.
        expect(await store.commit(key, loaded.version, sessionAt(9))).toBe("conflict");
        expect(await store.load(key)).toEqual({ session: sessionAt(2), version: 2 });
        // delete forgets the session but keeps counting, and keeps undelivered effects.
        await store.delete(key);
        expect(await store.load(key)).toEqual({ session: undefined, version: 3 });
        expect(await store.pendingOutbox(key)).toEqual([{ id: 1, effects: [reply("a")] }]);
        expect(await store.commit(key, 3, sessionAt(4), { outbox: [reply("b")] })).toBe("ok");
        expect((await store.pendingOutbox(key)).map((e) => e.id)).toEqual([1, 4]);
      });

      it("deletes nothing when there is nothing", async () => {
        const store = makeStore();
        const key = freshKey();
        await store.delete(key);
        expect(await store.load(key)).toEqual({ session: undefined, version: 0 });
      });
    });

    describe("codec", () => {
      it("sends sessions and outbox entries through the codec", async () => {
        const codec = markingCodec();
        const store = makeStore({ codec });
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1), { outbox: [reply("a")] });
        // Session and outbox entry at least (Redis also encodes the key it keeps for recovery).
        const afterCommit = codec.encoded;
        expect(afterCommit).toBeGreaterThanOrEqual(2);
        expect((await store.load(key)).session).toEqual(sessionAt(1));
        expect(await store.pendingOutbox(key)).toEqual([{ id: 1, effects: [reply("a")] }]);
        expect(codec.decoded).toBe(2);
        await store.write(key, sessionAt(2));
        expect(await store.read(key)).toEqual(sessionAt(2));
        expect(codec.encoded).toBe(afterCommit + 1);
      });

      it("leaves the stored state untouched when encoding fails", async () => {
        let failing = false;
        const codec: Codec = {
          encode: (v) => {
            if (failing) throw new Error("no key");
            return JSON.stringify(v);
          },
          decode: (t) => JSON.parse(t),
        };
        const store = makeStore({ codec });
        const key = freshKey();
        await store.commit(key, 0, sessionAt(1));
        failing = true;
        await expect(store.commit(key, 1, sessionAt(2), { outbox: [reply("a")] })).rejects.toThrow(
          "no key",
        );
        await expect(store.write(key, sessionAt(2))).rejects.toThrow("no key");
        expect(await store.load(key)).toEqual({ session: sessionAt(1), version: 1 });
        expect(await store.pendingOutbox(key)).toEqual([]);
      });
    });
  });
}
