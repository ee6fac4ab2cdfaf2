/**
 * Telegram's refusals are classified once, by type, code and parameters: what the
 * channel, the operators' board and the log each do with a failure follows from it.
 */
import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { errorSummary } from "../../src/channels/errors.js";
import { isUnreachableError } from "../../src/channels/telegram/channel.js";
import { telegramFailure } from "../../src/channels/telegram/errors.js";
import { isTopicGone } from "../../src/operators/telegram/board.js";

function refused(
  error_code: number,
  description: string,
  parameters: { retry_after?: number; migrate_to_chat_id?: number } = {},
): GrammyError {
  return new GrammyError(
    `Call to 'sendMessage' failed! (${error_code}: ${description})`,
    { ok: false, error_code, description, parameters },
    "sendMessage",
    {},
  );
}

describe("Telegram failures", () => {
  it.each([
    [refused(403, "Forbidden: bot was blocked by the user"), { kind: "unreachable", code: 403 }],
    [refused(403, "Forbidden: user is deactivated"), { kind: "unreachable", code: 403 }],
    [refused(400, "Bad Request: chat not found"), { kind: "unreachable", code: 400 }],
    [
      refused(429, "Too Many Requests: retry after 7", { retry_after: 7 }),
      { kind: "rate_limited", code: 429, retryAfterSeconds: 7 },
    ],
    [
      refused(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: -1001234567890,
      }),
      { kind: "migrated", code: 400, toChatId: -1001234567890 },
    ],
    [refused(400, "Bad Request: message thread not found"), { kind: "topic_gone", code: 400 }],
    [refused(400, "Bad Request: TOPIC_ID_INVALID"), { kind: "topic_gone", code: 400 }],
    [
      refused(400, "Bad Request: message is not modified: specified new message content..."),
      { kind: "not_modified", code: 400 },
    ],
    [refused(400, "Bad Request: message to edit not found"), { kind: "message_gone", code: 400 }],
    [refused(400, "Bad Request: can't parse entities"), { kind: "bad_request", code: 400 }],
    [refused(502, "Bad Gateway"), { kind: "telegram", code: 502 }],
    [new HttpError("Network request failed", new Error("ECONNRESET")), { kind: "network" }],
    [new Error("boom"), { kind: "other" }],
  ])("%s", (err, expected) => {
    expect(telegramFailure(err)).toEqual(expected);
  });

  it("reads a description that mentions a reason only in passing as a plain bad request", () => {
    // A 400 about something else whose wording happens to quote "chat not found" later on.
    const err = refused(400, "Bad Request: can't parse entities near 'chat not found'");
    expect(isUnreachableError(err)).toBe(false);
    expect(isTopicGone(refused(400, "Bad Request: wrong text, thread not found?"))).toBe(false);
  });

  it("decides the channel's and the board's answers from the one classifier", () => {
    expect(isUnreachableError(refused(403, "Forbidden: bot was kicked"))).toBe(true);
    expect(isUnreachableError(refused(429, "Too Many Requests", { retry_after: 1 }))).toBe(false);
    expect(isTopicGone(refused(400, "Bad Request: TOPIC_DELETED"))).toBe(true);
    expect(isTopicGone(refused(403, "Forbidden: TOPIC_DELETED"))).toBe(false);
  });

  it("summarises errors for the log by kind and code, never by their words", () => {
    const err = refused(403, "Forbidden: bot was blocked by the user +6281234567890");
    const summary = errorSummary(err);
    expect(summary).toEqual({ type: "GrammyError", kind: "unreachable", code: 403 });
    expect(JSON.stringify(summary)).not.toContain("628");
    const system = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1"), {
      code: "ECONNREFUSED",
    });
    expect(errorSummary(system)).toEqual({ type: "Error", code: "ECONNREFUSED" });
  });
});
