/**
 * Waiting for replicas before saying "saved". Redis replicates asynchronously: a primary
 * killed a millisecond after answering a write can take that write with it when its
 * replica takes over. Where an update is acknowledged (the webhook's 200, an outbox entry
 * marked sent), the runtime first passes this barrier: a `WAIT` on every primary's
 * connection, which returns once the replicas have every write that connection sent
 * before it. All primaries are asked at once, so it costs one round trip, whatever the
 * number of conversations it covers. See docs/decisions/0037 and 0042.
 */
import { Cluster } from "ioredis";
import type { RedisClient } from "./connection.js";

export interface ReplicaBarrierOptions {
  /** Replicas that must hold a write (0: no barrier, the single-Redis default). */
  replicas: number;
  /**
   * Longest wait; past it the write stands on the primary alone, and `onShort` is told.
   * Must stay `WAIT_MARGIN_MS` below the client's command timeout (see `createRedis`'s
   * `waitTimeoutMs`).
   */
  timeoutMs: number;
  /** Fewer replicas than asked answered in time (a replica down, far behind, or promoted). */
  onShort?: (acked: number) => void;
  now?: () => number;
}

/**
 * What a command queued behind a `WAIT` on the same connection still needs once the WAIT
 * returns. A WAIT holds its connection on the server: if the client gave up on it first
 * (its command timeout), every command sent behind it timed out too, and the next barrier
 * sent another WAIT, so a primary with no replica (just promoted) failed every command of
 * its slots for good.
 */
export const WAIT_MARGIN_MS = 1_000;

/**
 * After a short answer from a primary that still lists enough replicas (one far behind),
 * it is not waited on for this long: every update waiting out the timeout on it would slow
 * the helpline to one update per timeout.
 */
export const SHORT_BACKOFF_MS = 5_000;

/** A primary with too few replicas is asked again (ROLE, not WAIT) this often. */
export const ROLE_RECHECK_MS = 1_000;

type Primary = Exclude<RedisClient, Cluster>;

interface PrimaryState {
  /** Not waited on until then (its short answer was already reported). */
  skipUntil: number;
  /** Ask ROLE before the next WAIT: new connection, a short answer, or an error. */
  askRole: boolean;
}

/** The barrier as a function the runtime calls; a no-op when no replica is asked for. */
export function replicaBarrier(client: RedisClient, o: ReplicaBarrierOptions): () => Promise<void> {
  if (o.replicas <= 0) return async () => {};
  assertWaitFits(client, o.timeoutMs);
  const now = o.now ?? Date.now;
  // Per connection: a Cluster client opens a new one for a newly promoted primary, so it
  // starts with a ROLE; a Sentinel client keeps its object, and its failover shows as an error.
  const states = new WeakMap<Primary, PrimaryState>();
  const stateOf = (primary: Primary): PrimaryState => {
    let state = states.get(primary);
    if (!state) {
      state = { skipUntil: 0, askRole: true };
      states.set(primary, state);
    }
    return state;
  };
  const short = (state: PrimaryState, acked: number, forMs: number) => {
    // Availability over durability: with no replica to hold it, the write stands on the
    // primary and people are still answered; the metric and log say a replica is missing.
    state.skipUntil = now() + forMs;
    state.askRole = true;
    o.onShort?.(acked);
  };
  const waitOn = async (primary: Primary): Promise<void> => {
    const state = stateOf(primary);
    if (state.skipUntil > now()) return;
    try {
      if (state.askRole) {
        const online = replicasOnline(await primary.role());
        if (online < o.replicas) return short(state, online, ROLE_RECHECK_MS);
        state.askRole = false;
      }
      const acked = await primary.wait(o.replicas, o.timeoutMs);
      if (acked < o.replicas) short(state, acked, SHORT_BACKOFF_MS);
    } catch (err) {
      // The connection failed (a failover under way): whoever answers next may be a new
      // primary, with no replica yet.
      state.askRole = true;
      throw err;
    }
  };
  return async () => {
    const primaries = client instanceof Cluster ? client.nodes("master") : [client];
    await Promise.all(primaries.map(waitOn));
  };
}

/**
 * Replicas streaming from a primary, from its ROLE reply (`["master", offset, [[ip, port,
 * offset], ...]]`; Redis lists only replicas online). A node that is not a primary (an old
 * primary come back as a replica) has none of its own.
 */
function replicasOnline(role: unknown[]): number {
  if (role[0] !== "master" || !Array.isArray(role[2])) return 0;
  return role[2].length;
}

/** Refuse a WAIT timeout that commands queued behind it could not outlast. */
function assertWaitFits(client: RedisClient, timeoutMs: number): void {
  const options = client instanceof Cluster ? client.options.redisOptions : client.options;
  const commandTimeout = options?.commandTimeout;
  if (commandTimeout === undefined || timeoutMs + WAIT_MARGIN_MS <= commandTimeout) return;
  throw new Error(
    `replica wait of ${timeoutMs} ms needs a command timeout of at least ` +
      `${timeoutMs + WAIT_MARGIN_MS} ms (this client has ${commandTimeout} ms): ` +
      "create the client with createRedis(..., { waitTimeoutMs }) or lower REDIS_WAIT_TIMEOUT_MS",
  );
}
