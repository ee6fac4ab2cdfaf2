/**
 * The operators' group's message budget, shared by priority. The Pacer keeps each chat's
 * messages in the order they were queued (right for a person's replies), so in the group a
 * burst of routine lines would hold back a new P1 case's card. Here messages for the group
 * wait their turn by rank (cards and P1 first, then P2, then P3; the same rank first come,
 * first served), and only one at a time is handed to the Pacer, which still keeps the
 * group within its limit.
 */

interface Waiting {
  rank: number;
  seq: number;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class GroupQueue {
  readonly #waiting: Waiting[] = [];
  #seq = 0;
  #busy = false;

  /** `send` hands one message (and its rank) to the Pacer, one message at a time. */
  constructor(readonly send: <T>(run: () => Promise<T>, rank: number) => Promise<T>) {}

  /** Messages waiting for their turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Queue `run` at `rank` (1 most urgent); resolves with its result once sent. */
  push<T>(rank: number, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({
        rank,
        seq: this.#seq++,
        run,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let next = this.#take(); next; next = this.#take()) {
        try {
          next.resolve(await this.send(next.run, next.rank));
        } catch (err) {
          next.reject(err);
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  /** The most urgent waiting message, the oldest of its rank. */
  #take(): Waiting | undefined {
    let best = -1;
    for (const [i, w] of this.#waiting.entries()) {
      const b = this.#waiting[best];
      if (!b || w.rank < b.rank || (w.rank === b.rank && w.seq < b.seq)) best = i;
    }
    return best < 0 ? undefined : this.#waiting.splice(best, 1)[0];
  }
}
