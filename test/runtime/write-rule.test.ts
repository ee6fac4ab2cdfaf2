/**
 * The one rule on whether we may write to a person, as a table: whoever writes (the bot,
 * an operator, a check-in the person asked for) and whatever the channel.
 */
import { describe, expect, it } from "vitest";
import { type WriteFacts, writeRefusal } from "../../src/runtime/write-rule.js";

const HOUR = 60 * 60 * 1000;
const NOW = 1_000 * HOUR;
const WINDOW = 24 * HOUR;

describe("writeRefusal", () => {
  it.each<[string, WriteFacts, ReturnType<typeof writeRefusal>]>([
    ["wrote an hour ago", { heard: NOW - HOUR, unreachable: false }, undefined],
    ["wrote 25 hours ago", { heard: NOW - 25 * HOUR, unreachable: false }, "window_closed"],
    ["never wrote", { unreachable: false }, "window_closed"],
    ["blocked the bot", { heard: NOW - HOUR, unreachable: true }, "unreachable"],
    [
      "asked for a check-in, silent for two days",
      { heard: NOW - 48 * HOUR, solicited: true, unreachable: false },
      undefined,
    ],
    [
      "asked for a check-in, but blocked the bot",
      { heard: NOW - HOUR, solicited: true, unreachable: true },
      "unreachable",
    ],
    [
      "within our window, past the platform's (WhatsApp)",
      { heard: NOW - HOUR, unreachable: false, openUntil: NOW - 1 },
      "window_closed",
    ],
    [
      "a check-in past the platform's window (the platform would refuse it)",
      { heard: NOW - 30 * HOUR, solicited: true, unreachable: false, openUntil: NOW - 1 },
      "window_closed",
    ],
    [
      "within both windows",
      { heard: NOW - HOUR, unreachable: false, openUntil: NOW + HOUR },
      undefined,
    ],
  ])("%s", (_what, facts, expected) => {
    expect(writeRefusal(facts, NOW, WINDOW)).toBe(expected);
  });
});
