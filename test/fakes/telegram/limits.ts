/**
 * Telegram's flood limits for bots (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * - in one chat, avoid more than one message per second (short bursts are tolerated);
 * - no more than about 30 messages per second overall;
 * - no more than 20 messages per minute to one group.
 *
 * Measured over sliding windows on the times the fake received successful send calls.
 */

/** Methods that post a new message (edits, chat actions and callback answers are not counted). */
export const SEND_METHODS: ReadonlySet<string> = new Set([
  "sendMessage",
  "sendLocation",
  "sendVenue",
  "sendContact",
  "sendPhoto",
  "sendDocument",
  "sendAudio",
  "sendVideo",
  "sendVoice",
  "sendAnimation",
  "sendVideoNote",
  "sendSticker",
  "sendPoll",
  "sendDice",
  "sendMediaGroup",
  "copyMessage",
  "copyMessages",
  "forwardMessage",
  "forwardMessages",
]);

export interface LimitOptions {
  /** Messages allowed to one private chat within any 1 s window. Default 1 (strict). */
  perChatBurst: number;
  /** Messages allowed overall within any 1 s window. Default 30. */
  globalPerSecond: number;
  /** Messages allowed to one group/supergroup (negative chat id) within any 60 s window. Default 20. */
  groupPerMinute: number;
}

export const DEFAULT_LIMITS: LimitOptions = {
  perChatBurst: 1,
  globalPerSecond: 30,
  groupPerMinute: 20,
};

export type LimitKind = "per-chat" | "global" | "group";

export interface LimitViolation {
  kind: LimitKind;
  /** The chat for per-chat and group violations. */
  chatId?: number | string;
  /** Sends observed inside the window, counting the offending one. */
  count: number;
  limit: number;
  windowMs: number;
  /** Time (ms) of the first send in the window and of the offending send. */
  from: number;
  at: number;
  /** Index of the offending call in the recorded calls. */
  callIndex: number;
  message: string;
}

/** What the checker needs of a recorded call. */
export interface SendLike {
  method: string;
  at: number;
  chatId?: number | string;
  ok: boolean;
}

export function isSend(call: SendLike): boolean {
  return call.ok && SEND_METHODS.has(call.method) && call.chatId !== undefined;
}

function isGroupChat(chatId: number | string): boolean {
  return typeof chatId === "number" ? chatId < 0 : chatId.startsWith("@") || chatId.startsWith("-");
}

interface Rule {
  kind: LimitKind;
  limit: number;
  windowMs: number;
  /** The bucket a send falls in under this rule, or undefined if the rule ignores it. */
  key: (chatId: number | string) => string | undefined;
}

function rules(opts: LimitOptions): Rule[] {
  return [
    {
      kind: "per-chat",
      limit: opts.perChatBurst,
      windowMs: 1000,
      key: (c) => (isGroupChat(c) ? undefined : String(c)),
    },
    { kind: "global", limit: opts.globalPerSecond, windowMs: 1000, key: () => "*" },
    {
      kind: "group",
      limit: opts.groupPerMinute,
      windowMs: 60_000,
      key: (c) => (isGroupChat(c) ? String(c) : undefined),
    },
  ];
}

/**
 * Every successful send that went over a limit: one violation per offending call (the call that
 * made a window hold more than the limit). Sends exactly `windowMs` apart do not share a window.
 */
export function findLimitViolations(
  calls: readonly SendLike[],
  opts: LimitOptions = DEFAULT_LIMITS,
): LimitViolation[] {
  const sends = calls
    .map((call, index) => ({ call, index }))
    .filter(({ call }) => isSend(call))
    .sort((a, b) => a.call.at - b.call.at || a.index - b.index);
  const out: LimitViolation[] = [];
  for (const rule of rules(opts)) {
    const buckets = new Map<string, { at: number; index: number }[]>();
    for (const { call, index } of sends) {
      const chatId = call.chatId as number | string;
      const key = rule.key(chatId);
      if (key === undefined) continue;
      let window = buckets.get(key);
      if (!window) {
        window = [];
        buckets.set(key, window);
      }
      window.push({ at: call.at, index });
      while (window.length > 0 && (window[0]?.at ?? 0) <= call.at - rule.windowMs) window.shift();
      if (window.length > rule.limit) {
        const from = window[0]?.at ?? call.at;
        out.push({
          kind: rule.kind,
          ...(rule.kind === "global" ? {} : { chatId }),
          count: window.length,
          limit: rule.limit,
          windowMs: rule.windowMs,
          from,
          at: call.at,
          callIndex: index,
          message: `${rule.kind}: ${window.length} ${call.method}-class sends${
            rule.kind === "global" ? "" : ` to ${chatId}`
          } within ${call.at - from} ms (limit ${rule.limit} per ${rule.windowMs} ms)`,
        });
      }
    }
  }
  return out.sort((a, b) => a.callIndex - b.callIndex);
}

/**
 * If one more send to `chatId` at `now` would go over a limit, the seconds Telegram would ask
 * the bot to wait (retry_after, at least 1); otherwise undefined.
 */
export function retryAfterFor(
  calls: readonly SendLike[],
  chatId: number | string,
  now: number,
  opts: LimitOptions = DEFAULT_LIMITS,
): number | undefined {
  let waitMs: number | undefined;
  for (const rule of rules(opts)) {
    const key = rule.key(chatId);
    if (key === undefined) continue;
    const inWindow = calls
      .filter(
        (c) =>
          isSend(c) &&
          rule.key(c.chatId as number | string) === key &&
          c.at > now - rule.windowMs &&
          c.at <= now,
      )
      .map((c) => c.at)
      .sort((a, b) => a - b);
    if (inWindow.length + 1 <= rule.limit) continue;
    // The window must lose inWindow.length - limit + 1 sends before this one fits.
    const mustExpire = inWindow[inWindow.length - rule.limit];
    if (mustExpire === undefined) continue;
    const wait = mustExpire + rule.windowMs - now;
    waitMs = Math.max(waitMs ?? 0, wait);
  }
  return waitMs === undefined ? undefined : Math.max(1, Math.ceil(waitMs / 1000));
}
