/**
 * A platform's sending limits shared by every instance of the service: Telegram allows a bot
 * 30 messages a second in all and 20 a minute to one group, WhatsApp 80 a second from one
 * number, however many processes send them. Each instance's Pacer still orders its own
 * sends by priority and keeps each chat's order; before a send leaves, it takes a place in
 * the shared window here.
 *
 * Written here because the rate-limit libraries we looked at (rate-limiter-flexible,
 * Bottleneck's Redis mode) either allow bursts beyond the window (token buckets, GCRA: up to
 * twice the limit within one second after a quiet spell) or need a second, blocking Redis
 * connection per process; a sliding log of at most `max` timestamps per window, checked and
 * appended in one script, is the platform's own rule and costs one round trip.
 *
 * That round trip is saved for a send that follows another closely: the script that settles
 * one send may take a place for the next (a lease, held a moment), in the same write as the
 * conversation's acknowledgement. A leased place is scored at the end of its lease, so it
 * counts from when it was taken until a window after its last possible use: never less
 * than a place taken just before the send.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../stores/redis/connection.js";

/** One shared window: at most `max` sends in any `windowMs`. */
export interface BudgetWindow {
  /** What is limited: `telegram:global`, `telegram:group:-100...`, `whatsapp:global`. */
  scope: string;
  max: number;
  windowMs: number;
}

/** A place taken, or how long until one may be free (nothing was taken; ask again then). */
export type Taken = { ticket: string } | { waitMs: number };

export interface SendBudget {
  /** Take a place for one send in every window, or none. */
  take(windows: BudgetWindow[]): Promise<Taken>;
  /**
   * The send was answered: its place now counts from this moment. However late a request
   * reached the platform, it reached it before its answer left, so counting sends from
   * their answers (and until then from their start) never lets a second hold too many.
   */
  settle(windows: BudgetWindow[], ticket: string): Promise<void>;
  /**
   * {@link settle}, and take a place for a send to come, valid for `leaseMs` from before
   * this call: the ticket, or undefined when the windows are full.
   */
  settleAndLease(
    windows: BudgetWindow[],
    ticket: string,
    leaseMs: number,
  ): Promise<string | undefined>;
}

/**
 * Lua: `now` from ARGV[1], or Redis's own clock when empty (one clock for every instance);
 * `keepFor` lengthens a window's life, never shortens it (a lease may outlive a take).
 */
const NOW = `
local function keepFor(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * KEYS: one sorted set per window. ARGV: now, then max and window ms for each key, then a
 * unique member for this send. Returns 0 when a place was taken in every window, else the
 * ms until the fullest frees one.
 */
const TAKE = `${NOW}
local member = ARGV[#ARGV]
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[2 * i])
  local span = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  if redis.call('ZCARD', key) >= max then
    local oldest = redis.call('ZRANGE', key, -max, -max, 'WITHSCORES')
    local free = tonumber(oldest[2]) + span - now
    if free > wait then wait = free end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  keepFor(key, tonumber(ARGV[2 * i + 1]))
end
return 0
`;

/** KEYS: the windows of a taken place. ARGV: now, the member. Moves it to now, if kept. */
const SETTLE = `${NOW}
for _, key in ipairs(KEYS) do redis.call('ZADD', key, 'XX', now, ARGV[2]) end
return 0
`;

/**
 * KEYS: the windows of a taken place. ARGV: now, the member, then max and window ms for
 * each key, the lease's member, the lease ms. Settles as SETTLE, then takes a place scored
 * at the lease's end when every window has room. Returns 1 when the lease was taken.
 */
const SETTLE_AND_LEASE = `${NOW}
local lease = tonumber(ARGV[#ARGV])
local member = ARGV[#ARGV - 1]
for _, key in ipairs(KEYS) do redis.call('ZADD', key, 'XX', now, ARGV[2]) end
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(ARGV[2 * i + 2]))
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 * i + 1]) then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, member)
  keepFor(key, tonumber(ARGV[2 * i + 2]) + lease)
end
return 1
`;

export interface RedisSendBudgetOptions {
  prefix: string;
  /** Tests pass a clock; production uses Redis's, so instances' clocks need not agree. */
  now?: () => number;
}

/**
 * Windows in Redis. Every window of one call shares the hash tag `{pace}`, so the script
 * touches one Cluster slot: pacing is one small hot key set on one node, a few hundred
 * commands a second at the platforms' limits.
 */
export class RedisSendBudget implements SendBudget {
  readonly #redis: RedisClient & BudgetCommands;
  readonly #prefix: string;
  readonly #now: (() => number) | undefined;
  #seq = 0;
  /** Tells this instance's tickets from others' (members of one shared sorted set). */
  readonly #instance = randomBytes(6).toString("base64url");

  constructor(redis: RedisClient, o: RedisSendBudgetOptions) {
    if (!("pulangTakeSend" in redis)) {
      redis.defineCommand("pulangTakeSend", { lua: TAKE });
      redis.defineCommand("pulangSettleSend", { lua: SETTLE });
      redis.defineCommand("pulangSettleAndLease", { lua: SETTLE_AND_LEASE });
    }
    this.#redis = redis as RedisClient & BudgetCommands;
    this.#prefix = o.prefix;
    this.#now = o.now;
  }

  async take(windows: BudgetWindow[]): Promise<Taken> {
    const keys = this.#keys(windows);
    const ticket = this.#newTicket();
    const waitMs = Number(
      await this.#redis.pulangTakeSend(
        keys.length,
        ...keys,
        this.#clock(),
        ...limitsOf(windows),
        ticket,
      ),
    );
    return waitMs > 0 ? { waitMs } : { ticket };
  }

  async settleAndLease(
    windows: BudgetWindow[],
    ticket: string,
    leaseMs: number,
  ): Promise<string | undefined> {
    const keys = this.#keys(windows);
    const lease = this.#newTicket();
    const taken = await this.#redis.pulangSettleAndLease(
      keys.length,
      ...keys,
      this.#clock(),
      ticket,
      ...limitsOf(windows),
      lease,
      String(leaseMs),
    );
    return Number(taken) === 1 ? lease : undefined;
  }

  #newTicket(): string {
    return `${this.#instance}:${this.#seq++}`;
  }

  async settle(windows: BudgetWindow[], ticket: string): Promise<void> {
    const keys = this.#keys(windows);
    await this.#redis.pulangSettleSend(keys.length, ...keys, this.#clock(), ticket);
  }

  #keys(windows: BudgetWindow[]): string[] {
    return windows.map((w) => `${this.#prefix}{pace}:${w.scope}`);
  }

  #clock(): string {
    return this.#now ? String(this.#now()) : "";
  }
}

function limitsOf(windows: BudgetWindow[]): string[] {
  return windows.flatMap((w) => [String(w.max), String(w.windowMs)]);
}

interface BudgetCommands {
  pulangTakeSend(numKeys: number, ...args: string[]): Promise<number>;
  pulangSettleSend(numKeys: number, ...args: string[]): Promise<number>;
  pulangSettleAndLease(numKeys: number, ...args: string[]): Promise<number>;
}
