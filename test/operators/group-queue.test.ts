/**
 * The group's budget by priority: with messages waiting, a new case's card and P1 lines go
 * before routine ones, whatever order they came in; the same rank keeps its order.
 */
import { describe, expect, it } from "vitest";
import { GroupQueue } from "../../src/operators/telegram/group-queue.js";

describe("the operators' group queue", () => {
  it("sends the most urgent waiting message next, first come first served within a rank", async () => {
    const sent: string[] = [];
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // The group is busy with a first message while the others arrive.
    const queue = new GroupQueue(async (run) => {
      if (sent.length === 0) await gate;
      return run();
    });
    const say = (rank: number, what: string) =>
      queue.push(rank, async () => {
        sent.push(what);
      });
    const all = [
      say(3, "busy: P3 line"),
      say(3, "P3 announcement"),
      say(2, "P2 line"),
      say(3, "P3 person's words"),
      say(1, "P1 card"),
      say(1, "P1 person's words"),
    ];
    expect(queue.waiting).toBe(5);
    release?.();
    await Promise.all(all);
    expect(sent).toEqual([
      "busy: P3 line",
      "P1 card",
      "P1 person's words",
      "P2 line",
      "P3 announcement",
      "P3 person's words",
    ]);
  });

  it("a failed send fails only its own message", async () => {
    const queue = new GroupQueue(async (run) => run());
    const failed = queue.push(1, async () => {
      throw new Error("group away");
    });
    const ok = queue.push(2, async () => "sent");
    await expect(failed).rejects.toThrow("group away");
    await expect(ok).resolves.toBe("sent");
  });
});
