/**
 * What an operator's button carries back: `o|<action>|<case id>[|<arg>]`. The case id is
 * in the data (not looked up from the message), so a tap on an old card still names its
 * case, and the desk decides whether the action still makes sense.
 */

import { type Outcome, outcomeSchema } from "../../cases/model.js";
import { MAX_CALLBACK_BYTES } from "../../channels/telegram/callback-data.js";

/**
 * The card's buttons; `cancel` puts the card's own buttons back after "Close"; `relink` and
 * `norelink` confirm or refuse a request from another account (decision 0028).
 */
export const ACTIONS = [
  "claim",
  "release",
  "close",
  "steps",
  "handback",
  "cancel",
  "relink",
  "norelink",
] as const;
export type CardAction = (typeof ACTIONS)[number];

/** A decoded tap. `outcome` only on `close` once the operator chose how it ended. */
export interface OperatorTap {
  action: CardAction;
  caseId: string;
  outcome?: Outcome;
}

/**
 * `o|close|7QX9M-2PAKD|safe`
 *
 * @throws Error when the data would not fit Telegram's 64 bytes (a case id far longer than
 *   the engine makes): better to fail loudly at render time than send a dead button.
 */
export function encodeTap(action: CardAction, caseId: string, outcome?: Outcome): string {
  const data = outcome ? `o|${action}|${caseId}|${outcome}` : `o|${action}|${caseId}`;
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES)
    throw new Error(`callback data for case ${caseId} is over ${MAX_CALLBACK_BYTES} bytes`);
  return data;
}

const TAP = /^o\|([a-z]+)\|([A-Za-z0-9_-]{1,40})(?:\|([a-z_]+))?$/;

/** The tap, or undefined for data we did not make (or an outcome that no longer exists). */
export function decodeTap(data: string | undefined): OperatorTap | undefined {
  const m = TAP.exec(data ?? "");
  if (!m) return undefined;
  const action = ACTIONS.find((a) => a === m[1]);
  if (!action) return undefined;
  const tap: OperatorTap = { action, caseId: m[2] as string };
  if (m[3] === undefined) return tap;
  const outcome = outcomeSchema.safeParse(m[3]);
  return outcome.success && action === "close" ? { ...tap, outcome: outcome.data } : undefined;
}
