/**
 * Whatever arrives, the engine answers and never throws; sessions stay small.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../src/engine/session.js";
import { step } from "../../src/engine/step.js";
import type { Bundle, Inbound } from "../../src/engine/types.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.constantFrom(
    "",
    " ",
    "1",
    "2",
    "3",
    "9",
    "0",
    "tolong",
    "menu",
    "hapus",
    "ya",
    "tidak",
    "stop",
    "Poipet",
    "😭",
    "\u0000",
    "ยินดี",
    "你好",
    "مرحبا",
  ),
  fc.string({ minLength: 5000, maxLength: 10_000 }),
);

function inboundArb(stepRefs: string[]): fc.Arbitrary<Inbound> {
  return fc.oneof(
    { weight: 6, arbitrary: anyText.map((text) => ({ kind: "text" as const, text })) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("choice" as const),
        stepRef: fc.constantFrom(...stepRefs, "nope.nope"),
        option: fc.constantFrom(
          "danger",
          "safe",
          "help",
          "family",
          "yes",
          "no",
          "_skip",
          "_unknown",
          "_sos",
          "id",
          "en",
          "zzz",
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("location" as const),
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "media" as const, media: "sticker" }) },
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 30 }).map((phone) => ({ kind: "contact" as const, phone })),
    },
    {
      weight: 1,
      arbitrary: fc
        .option(fc.string({ maxLength: 20 }))
        .map((p) =>
          p === null ? { kind: "start" as const } : { kind: "start" as const, payload: p },
        ),
    },
  );
}

describe("the engine under random input", () => {
  it("never throws and always replies to a person talking to the bot", () => {
    const refs = [...bundle.flows.steps.keys()];
    fc.assert(
      fc.property(
        fc.array(inboundArb(refs), { minLength: 1, maxLength: 25 }),
        fc.constantFrom(undefined, "id", "en", "xx"),
        (inbounds, hint) => {
          let session: Session | undefined;
          let n = 0;
          for (const [i, inbound] of inbounds.entries()) {
            const result = step(bundle, session, hint ? { ...inbound, langHint: hint } : inbound, {
              now: 1_700_000_000_000 + i * 1000,
              ids: () => `C${++n}`,
            });
            session = result.session;
            expect(result.effects.some((e) => e.type === "reply")).toBe(true);
            expect(result.effects.some((e) => e.type === "error")).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("session size", () => {
  const long = (n: number) => "x".repeat(n);

  it.each([
    [
      "help",
      ["help", "danger"],
      [
        "Sihanoukville",
        "sometimes",
        long(500),
        "40",
        "hurt",
        long(500),
        "held",
        "yes",
        long(500),
        "kopi susu",
      ],
    ],
    [
      "family",
      ["family", "parent"],
      [
        long(500),
        "30",
        "+855 96 123 4567, +855 12 000 111",
        long(500),
        "Bavet",
        long(500),
        "agent",
        "yes",
        "+62 812 1111 2222",
      ],
    ],
    ["gotout", ["gotout", "yes", "street"], ["Phnom Penh", "held", "both", "yes"]],
  ])(
    "stays under 2 KB through the %s flow, even with the longest answers",
    (_flow, taps, answers) => {
      const chat = new Chat(bundle, "id");
      chat.say("halo");
      for (const t of taps) chat.tap(t);
      let largest = 0;
      for (const a of answers) {
        const q = chat.question();
        const isButton = q?.expects === "choice" && q.buttons?.some((b) => b.id === a);
        if (isButton) chat.tap(a);
        else chat.say(a);
        largest = Math.max(largest, Buffer.byteLength(JSON.stringify(chat.session)));
      }
      expect(chat.at).toBeUndefined();
      expect(largest).toBeLessThan(2048);
    },
  );
});
