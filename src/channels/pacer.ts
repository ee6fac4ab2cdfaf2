/**
 * Outbound pacing within a platform's limits, most urgent first.
 *
 * Written here rather than taken from @grammyjs/transformer-throttler (Bottleneck): that
 * plugin paces calls but cannot order them by the person's priority, and in a surge a
 * person in danger must not wait behind hundreds of routine replies. Each chat's messages
 * still leave in the order they were queued.
 */

import type { BudgetWindow, SendBudget } from "./send-budget.js";

/** A platform's sending limits. */
export interface PaceLimits {
  /** Messages per second across all chats. */
  globalPerSecond: number;
  /** Least time between two messages to one private chat, in ms. */
  perChatGapMs: number;
  /** Messages per minute to one group (operators' group). */
  groupPerMinute: number;
}

/** Telegram's documented limits: 30/s overall, about 1/s per chat, 20/min per group. */
export const TELEGRAM_LIMITS: PaceLimits = {
  globalPerSecond: 30,
  perChatGapMs: 1000,
  groupPerMinute: 20,
};

/**
 * Sliding windows a little longer than the platform's second and minute: sends are timed
 * here when dispatched but counted there when they arrive, a few ms later or earlier.
 */
const GLOBAL_WINDOW_MS = 1050;
const GROUP_WINDOW_MS = 61_000;

/**
 * How long a place leased in the shared window (with the last send's settlement) stays
 * usable: long enough for a person's next update to arrive and be saved, short enough that
 * an unused place holds little of the window once sends stop.
 */
const LEASE_MS = 250;

/** Where a message goes, and how urgent its conversation is (1 = P1, most urgent). */
export interface PaceTarget {
  chat: string;
  group: boolean;
  priority: number;
}

interface Job {
  target: PaceTarget;
  seq: number;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface ChatState {
  queue: Job[];
  /** Send times within the last minute (groups) or the last one (private chats). */
  sent: number[];
  busy: boolean;
}

export interface PacerOptions {
  limits: PaceLimits;
  /**
   * The limits shared with every other instance (Redis): `name` tells platforms apart
   * (`telegram`, `whatsapp`). Without it, this instance alone keeps to the limits.
   */
  shared?: { budget: SendBudget; name: string; onError?: (err: unknown) => void };
  now?: () => number;
  /** Waits `ms` (a test clock can resolve it when it advances). */
  sleep?: (ms: number) => Promise<void>;
}

/** Queues sends per chat and lets them go as fast as the limits allow, P1 first. */
export class Pacer {
  readonly #limits: PaceLimits;
  readonly #shared: PacerOptions["shared"];
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #chats = new Map<string, ChatState>();
  /**
   * Chats with something to send, by the priority of their next message; each set keeps
   * the order chats joined it, so equal priorities are served first come, first served.
   */
  readonly #pending = new Map<number, Set<string>>();
  /** When answers to recent sends came back (the overall window). */
  readonly #globalSent: number[] = [];
  /** Sends dispatched and not yet answered. */
  #inFlight = 0;
  /** A place in the shared overall window, taken ahead for the next private-chat send. */
  #lease: { ticket: string; until: number } | undefined;
  #leasing = false;
  #seq = 0;
  #pumping = false;
  #wake: (() => void) | undefined;

  constructor(o: PacerOptions) {
    this.#limits = o.limits;
    this.#shared = o.shared;
    this.#now = o.now ?? Date.now;
    this.#sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Messages waiting to go, across all chats. */
  get waiting(): number {
    let n = 0;
    for (const c of this.#chats.values()) n += c.queue.length;
    return n;
  }

  /** Chats whose sending state is held (for tests: idle chats are forgotten). */
  get trackedChats(): number {
    return this.#chats.size;
  }

  /**
   * Queue `run` (one API call) for `target`. Resolves with its result once sent. The
   * queueing itself is synchronous, so calls for one chat keep the order they were made.
   */
  send<T>(target: PaceTarget, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const state = this.#chats.get(target.chat) ?? { queue: [], sent: [], busy: false };
      this.#chats.set(target.chat, state);
      state.queue.push({
        target,
        seq: this.#seq++,
        run,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (state.queue.length === 1 && !state.busy) this.#enlist(target.chat, target.priority);
      this.#wake?.();
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const { job, waitMs } = this.#next();
        if (job) {
          this.#dispatch(job);
          continue;
        }
        if (waitMs === undefined) return;
        await Promise.race([this.#sleep(waitMs), new Promise<void>((r) => (this.#wake = r))]);
        this.#wake = undefined;
      }
    } finally {
      this.#pumping = false;
    }
  }

  #enlist(chat: string, priority: number): void {
    const set = this.#pending.get(priority) ?? new Set<string>();
    this.#pending.set(priority, set);
    set.add(chat);
  }

  /** The most urgent job allowed now, or how long until one may be. */
  #next(): { job?: Job; waitMs?: number } {
    const now = this.#now();
    const globalWait = this.#globalWait(now);
    if (globalWait > 0) return this.#pending.size > 0 ? { waitMs: globalWait } : {};
    let soonest: number | undefined;
    for (const priority of [...this.#pending.keys()].sort((a, b) => a - b)) {
      const chats = this.#pending.get(priority) as Set<string>;
      for (const chat of chats) {
        const state = this.#chats.get(chat) as ChatState;
        const head = state.queue[0] as Job;
        const wait = this.#chatWait(state, head.target, now);
        if (wait === 0) {
          chats.delete(chat);
          if (chats.size === 0) this.#pending.delete(priority);
          return { job: head };
        }
        soonest = soonest === undefined ? wait : Math.min(soonest, wait);
      }
    }
    return soonest === undefined ? {} : { waitMs: soonest };
  }

  #chatWait(state: ChatState, target: PaceTarget, now: number): number {
    if (target.group)
      return windowWait(state.sent, now, GROUP_WINDOW_MS, this.#limits.groupPerMinute);
    const last = state.sent[state.sent.length - 1];
    return last === undefined ? 0 : Math.max(0, last + this.#limits.perChatGapMs - now);
  }

  /** Drop an idle chat's state once its sending window has passed, so memory stays flat. */
  #forgetLater(chat: string, state: ChatState, group: boolean): void {
    const until = group
      ? (state.sent[0] ?? 0) + GROUP_WINDOW_MS
      : (state.sent[state.sent.length - 1] ?? 0) + this.#limits.perChatGapMs;
    const idleFor = Math.max(0, until - this.#now());
    const forget = () => {
      if (state.queue.length === 0 && !state.busy && this.#chats.get(chat) === state)
        this.#chats.delete(chat);
    };
    if (idleFor === 0) forget();
    else void this.#sleep(idleFor).then(forget);
  }

  /**
   * How long until one more send fits the overall limit. Sends count from when their answer
   * came back, and sends still waiting for one count too: however late a request reaches
   * the platform, it reached it before its answer left, so no second there holds more.
   */
  #globalWait(now: number): number {
    const max = this.#limits.globalPerSecond;
    trim(this.#globalSent, now, GLOBAL_WINDOW_MS);
    const room = max - this.#inFlight;
    if (room <= 0) return GLOBAL_WINDOW_MS; // an answer coming back wakes the pump sooner
    const over = this.#globalSent.length - room;
    if (over < 0) return 0;
    return (this.#globalSent[over] as number) + GLOBAL_WINDOW_MS - now;
  }

  #dispatch(job: Job): void {
    const state = this.#chats.get(job.target.chat) as ChatState;
    state.queue.shift();
    state.busy = true;
    this.#inFlight += 1;
    const send = this.#shared ? this.#sendShared(job) : job.run();
    send.then(job.resolve, job.reject).finally(() => {
      // A chat's clock starts when its last message was answered, not sent: the next one
      // can then never reach the platform within the gap, however the network jitters.
      const done = this.#now();
      this.#inFlight -= 1;
      this.#globalSent.push(done);
      trim(this.#globalSent, done, GLOBAL_WINDOW_MS);
      state.sent.push(done);
      trim(state.sent, done, job.target.group ? GROUP_WINDOW_MS : this.#limits.perChatGapMs);
      state.busy = false;
      const head = state.queue[0];
      if (head) this.#enlist(job.target.chat, head.target.priority);
      else this.#forgetLater(job.target.chat, state, job.target.group);
      this.#wake?.();
      void this.#pump();
    });
  }

  /**
   * Wait for a place in the windows every instance shares. The job counts as in flight
   * meanwhile, so this instance sends no faster than its own limits either. If Redis cannot
   * be asked, the send goes on this instance's limits alone: a person's reply must not wait
   * on the pacing store (the update path fails without Redis anyway, so this is brief).
   */
  async #sendShared(job: Job): Promise<unknown> {
    const shared = this.#shared as NonNullable<PacerOptions["shared"]>;
    const windows = this.#sharedWindows(shared.name, job.target);
    const failed = (err: unknown) => {
      shared.onError?.(err);
      return undefined;
    };
    let ticket = job.target.group ? undefined : this.#useLease();
    while (!ticket) {
      const taken = await shared.budget.take(windows).catch(failed);
      if (!taken) break;
      if ("ticket" in taken) ticket = taken.ticket;
      else await this.#sleep(taken.waitMs);
    }
    try {
      return await job.run();
    } finally {
      // Not awaited: the answer is back, and the person's next message need not wait on it.
      if (ticket) void this.#settle(shared, windows, ticket, job.target.group).catch(failed);
    }
  }

  /** The leased place, if it is still valid; it is used once. */
  #useLease(): string | undefined {
    const lease = this.#lease;
    this.#lease = undefined;
    return lease && this.#now() < lease.until ? lease.ticket : undefined;
  }

  /** Settle a send; with no lease held or asked for, lease a place for the next one. */
  async #settle(
    shared: NonNullable<PacerOptions["shared"]>,
    windows: BudgetWindow[],
    ticket: string,
    group: boolean,
  ): Promise<void> {
    if (group || this.#leasing || this.#lease) return shared.budget.settle(windows, ticket);
    this.#leasing = true;
    // Counted from before the request: the lease ends here no later than in Redis.
    const until = this.#now() + LEASE_MS;
    try {
      const leased = await shared.budget.settleAndLease(windows, ticket, LEASE_MS);
      if (leased) this.#lease = { ticket: leased, until };
    } finally {
      this.#leasing = false;
    }
  }

  #sharedWindows(name: string, target: PaceTarget): BudgetWindow[] {
    const global = {
      scope: `${name}:global`,
      max: this.#limits.globalPerSecond,
      windowMs: GLOBAL_WINDOW_MS,
    };
    if (!target.group) return [global];
    const group = {
      scope: `${name}:group:${target.chat}`,
      max: this.#limits.groupPerMinute,
      windowMs: GROUP_WINDOW_MS,
    };
    return [global, group];
  }
}

/** How long until a sliding window of `spanMs` holds fewer than `max` sends. */
function windowWait(sent: number[], now: number, spanMs: number, max: number): number {
  trim(sent, now, spanMs);
  if (sent.length < max) return 0;
  return (sent[sent.length - max] as number) + spanMs - now;
}

function trim(sent: number[], now: number, spanMs: number): void {
  while (sent.length > 0 && (sent[0] as number) <= now - spanMs) sent.shift();
}
