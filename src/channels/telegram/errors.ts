/**
 * Telegram's refusals, classified once. Every caller asks {@link telegramFailure} what
 * went wrong and branches on its `kind`, never on the wording of a description.
 *
 * The order of evidence is: the error's type (`GrammyError`: the Bot API answered no;
 * `HttpError`: the network failed), then its code (`error_code`), then its structured
 * `parameters` (`retry_after`, `migrate_to_chat_id`). Only a 400 "Bad Request" carries no
 * finer code: Telegram names the reason in the description's fixed identifier after
 * "Bad Request: " (`TOPIC_ID_INVALID`, `message thread not found`...). Those identifiers
 * are read here, in one table, by exact prefix; nowhere else (decision 0026).
 */
import { GrammyError, HttpError } from "grammy";

/** What a failed Bot API call means for the helpline. */
export type TelegramFailure =
  /** The person cannot be written to: blocked the bot, deleted the account, chat gone. */
  | { kind: "unreachable"; code: number }
  /** Too many requests: wait `retryAfterSeconds` (auto-retry already honours it). */
  | { kind: "rate_limited"; code: 429; retryAfterSeconds: number }
  /** A group became a supergroup: it lives on under `toChatId`. */
  | { kind: "migrated"; code: 400; toChatId: number }
  /** A forum topic was deleted or closed by hand. */
  | { kind: "topic_gone"; code: 400 }
  /** An edit that changes nothing (same text, same keyboard, same title). */
  | { kind: "not_modified"; code: 400 }
  /** The message to edit is gone or can no longer be edited. */
  | { kind: "message_gone"; code: 400 }
  /** Any other 400: our request was wrong. */
  | { kind: "bad_request"; code: 400 }
  /** Telegram's side failed (5xx), or answered with a code we do not know. */
  | { kind: "telegram"; code: number }
  /** The network failed before Telegram answered. */
  | { kind: "network" }
  /** Not a Bot API failure at all. */
  | { kind: "other" };

export type TelegramFailureKind = TelegramFailure["kind"];

type BadRequestKind = "unreachable" | "topic_gone" | "not_modified" | "message_gone";

/**
 * The reasons a 400 names, as Telegram spells them after "Bad Request: " (lower-cased),
 * and what each means. A description starting with one of these is that reason.
 */
const BAD_REQUEST_REASONS: readonly (readonly [string, BadRequestKind])[] = [
  ["chat not found", "unreachable"],
  ["user not found", "unreachable"],
  ["peer_id_invalid", "unreachable"],
  ["message thread not found", "topic_gone"],
  ["topic_id_invalid", "topic_gone"],
  ["topic_deleted", "topic_gone"],
  ["topic_closed", "topic_gone"],
  ["message is not modified", "not_modified"],
  ["topic_not_modified", "not_modified"],
  ["message to edit not found", "message_gone"],
  ["message_id_invalid", "message_gone"],
  ["message can't be edited", "message_gone"],
];

const BAD_REQUEST_PREFIX = "bad request: ";

/**
 * Classify what a Bot API call threw.
 *
 * @example telegramFailure(new GrammyError("", { ok: false, error_code: 403,
 *   description: "Forbidden: bot was blocked by the user" }, "sendMessage", {}))
 *   // { kind: "unreachable", code: 403 }
 */
export function telegramFailure(err: unknown): TelegramFailure {
  if (err instanceof HttpError) return { kind: "network" };
  if (!(err instanceof GrammyError)) return { kind: "other" };
  const code = err.error_code;
  // 403 is always about the recipient: blocked, kicked, deactivated, never met.
  if (code === 403) return { kind: "unreachable", code };
  if (code === 429)
    return { kind: "rate_limited", code, retryAfterSeconds: err.parameters?.retry_after ?? 1 };
  if (code !== 400) return { kind: "telegram", code };
  const migrated = err.parameters?.migrate_to_chat_id;
  if (migrated !== undefined) return { kind: "migrated", code, toChatId: migrated };
  return { kind: badRequestKind(err.description), code } as TelegramFailure;
}

function badRequestKind(description: string): BadRequestKind | "bad_request" {
  const lower = description.toLowerCase();
  const reason = lower.startsWith(BAD_REQUEST_PREFIX)
    ? lower.slice(BAD_REQUEST_PREFIX.length)
    : lower;
  for (const [known, kind] of BAD_REQUEST_REASONS) if (reason.startsWith(known)) return kind;
  return "bad_request";
}

/** Whether `err` is a Bot API refusal of the given kind(s). */
export function isTelegramFailure(err: unknown, ...kinds: TelegramFailureKind[]): boolean {
  return kinds.includes(telegramFailure(err).kind);
}
