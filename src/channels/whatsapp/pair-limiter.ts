/**
 * WhatsApp's "pair rate": about one message every 6 seconds from our number to one person,
 * with bursts allowed that borrow from the time after them (Meta documents bursts of up to
 * 45 messages; beyond, error 131056 until the borrowed time has passed).
 *
 * Why not the shared Pacer's per-chat gap: that gap is strict, between every two messages.
 * A 6-second gap would make a person wait 6 s for the second message of every step (a
 * location request and its "I don't know" button) and for every line an operator sends
 * after a bot reply. What the limit asks for is an average: so each person has a budget
 * (a generic cell rate algorithm, GCRA): up to `burst` messages go at once, after which
 * messages leave one every `intervalMs` until the person's budget has refilled (one message
 * per interval of quiet). A step sends one or two messages, so a person going through a flow
 * never waits; a flood (a bot loop, an operator pasting many lines) is spread out instead
 * of being refused by Meta. The Pacer still keeps the number-wide rate (80/s) and each
 * person's messages in order.
 */

export interface PairLimiterOptions {
  /** Average spacing of one person's messages (WhatsApp: 6 s). */
  intervalMs?: number;
  /** Messages that may go at once before spacing starts (well under Meta's 45). */
  burst?: number;
  now?: () => number;
}

/** Default burst: a fast flow plus an operator's few lines, with ample room under 45. */
export const PAIR_BURST = 20;
/** WhatsApp's pair rate: one message per 6 seconds on average. */
export const PAIR_INTERVAL_MS = 6000;
/** Budgets remembered at most; idle ones (fully refilled) are dropped first. */
const MAX_TRACKED = 50_000;

/** See the file comment. */
export class PairLimiter {
  readonly #interval: number;
  readonly #tolerance: number;
  readonly #now: () => number;
  /** Per person: the theoretical arrival time of their next message (GCRA's TAT). */
  readonly #tat = new Map<string, number>();

  constructor(o: PairLimiterOptions = {}) {
    this.#interval = o.intervalMs ?? PAIR_INTERVAL_MS;
    this.#tolerance = this.#interval * ((o.burst ?? PAIR_BURST) - 1);
    this.#now = o.now ?? Date.now;
  }

  /**
   * Reserve the next message to `person`: returns the time (ms since the epoch) it may be
   * sent, `now` or later. Reservations are synchronous, so one person's messages get
   * non-decreasing times in the order they were reserved.
   */
  reserve(person: string): number {
    const now = this.#now();
    const tat = Math.max(this.#tat.get(person) ?? now, now);
    const at = Math.max(now, tat - this.#tolerance);
    this.#tat.delete(person);
    this.#tat.set(person, Math.max(tat, at) + this.#interval);
    this.#forgetIdle(now);
    return at;
  }

  /** People whose budget is being tracked (for tests: refilled ones are forgotten). */
  get tracked(): number {
    return this.#tat.size;
  }

  /** Drop refilled budgets (oldest first) once the map grows, so memory stays flat. */
  #forgetIdle(now: number): void {
    if (this.#tat.size <= MAX_TRACKED) return;
    for (const [person, tat] of this.#tat) {
      if (this.#tat.size <= MAX_TRACKED / 2) break;
      if (tat <= now) this.#tat.delete(person);
    }
  }
}
