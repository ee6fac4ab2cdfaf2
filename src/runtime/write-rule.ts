/**
 * Whether we may write to a person now. One rule, for every channel and every sender (the
 * bot, an operator, a check-in the person asked for): their phone may be in someone else's
 * hands by now, and a platform may refuse or punish messages it does not allow.
 */

/** Why a message may not go to the person now. */
export type WriteRefusal =
  /** The person blocked the bot (or the platform will not deliver to them) since they last wrote. */
  | "unreachable"
  /** Too long since the person last wrote, for us or for the platform (WhatsApp's 24 hours). */
  | "window_closed";

/** What the rule looks at; each fact comes from where it is kept. */
export interface WriteFacts {
  /** When the person last wrote (the session's `heard`); undefined: never. */
  heard?: number;
  /** The person asked for this message (a check-in they set up). */
  solicited?: boolean;
  /** The platform said the person cannot be reached, and they have not written since. */
  unreachable: boolean;
  /** The platform lets us write until this time (WhatsApp); undefined: it sets no limit. */
  openUntil?: number;
}

/**
 * The refusal, or undefined when we may write. A platform's limit holds even for a
 * check-in the person asked for (the platform would refuse it); our own window does not.
 *
 * @example writeRefusal({ heard: now - 25 * HOUR, unreachable: false }, now, 24 * HOUR) === "window_closed"
 */
export function writeRefusal(
  facts: WriteFacts,
  now: number,
  windowMs: number,
): WriteRefusal | undefined {
  if (facts.unreachable) return "unreachable";
  if (facts.openUntil !== undefined && now >= facts.openUntil) return "window_closed";
  if (facts.solicited) return undefined;
  if (facts.heard === undefined || now - facts.heard > windowMs) return "window_closed";
  return undefined;
}
