/**
 * An error as the log may show it: its kind and code, never its message (which may quote
 * what a person wrote, or a phone number). Telegram's failures are read through the one
 * classifier in `telegram/errors.ts`; anything else gives its own `code` when it has one
 * (WhatsApp's `GraphError`, Node's system errors, Redis).
 */
import { telegramFailure } from "./telegram/errors.js";

export interface ErrorSummary {
  /** The error's class (`GrammyError`, `ReplyError`). Not `name`: the log redacts any
   * field called name, as it may be a person's, so the class would never show. */
  type: string;
  code?: string | number;
  /** What a Telegram failure means (`unreachable`, `rate_limited`...). */
  kind?: string;
}

export function errorSummary(err: unknown): ErrorSummary {
  const e = err as { name?: unknown; code?: unknown } | null | undefined;
  const type = typeof e?.name === "string" ? e.name : typeof err;
  const failure = telegramFailure(err);
  if (failure.kind !== "other") {
    return { type, kind: failure.kind, ...("code" in failure ? { code: failure.code } : {}) };
  }
  const code = e?.code;
  return typeof code === "string" || typeof code === "number" ? { type, code } : { type };
}
