/**
 * Waiting for replicas before saying "saved". Redis replicates asynchronously: a primary
 * killed a millisecond after answering a write can take that write with it when its
 * replica takes over. Where an update is acknowledged (the webhook's 200, an outbox entry
 * marked sent), the runtime first passes this barrier: a `WAIT` on every primary's
 * connection, which returns once the replicas have every write that connection sent
 * before it. All primaries are asked at once, so it costs one round trip, whatever the
 * number of conversations it covers.
 */
import { Cluster } from "ioredis";
import type { RedisClient } from "./connection.js";

export interface ReplicaBarrierOptions {
  /** Replicas that must hold a write (0: no barrier, the single-Redis default). */
  replicas: number;
  /** Longest wait; past it the write stands on the primary alone, and `onShort` is told. */
  timeoutMs: number;
  /** Fewer replicas than asked answered in time (a replica down, far behind, or promoted). */
  onShort?: (acked: number) => void;
  now?: () => number;
}

/**
 * After a short answer, a primary is not waited on for this long: a primary whose replica
 * was just promoted away has none, and every update waiting out the timeout on it would
 * slow the whole helpline to one update per timeout. It is asked again afterwards.
 */
export const SHORT_BACKOFF_MS = 5_000;

type Primary = Exclude<RedisClient, Cluster>;

/** The barrier as a function the runtime calls; a no-op when no replica is asked for. */
export function replicaBarrier(client: RedisClient, o: ReplicaBarrierOptions): () => Promise<void> {
  if (o.replicas <= 0) return async () => {};
  const now = o.now ?? Date.now;
  // By address: a Cluster client may replace a node's connection object as slots move.
  const shortUntil = new Map<string, number>();
  const waitOn = async (primary: Primary): Promise<void> => {
    const address = `${primary.options.host}:${primary.options.port}`;
    if ((shortUntil.get(address) ?? 0) > now()) return;
    const acked = await primary.wait(o.replicas, o.timeoutMs);
    if (acked >= o.replicas) return;
    // Availability over durability: with no replica to hold it, the write stands on the
    // primary and people are still answered; the metric and log say a replica is missing.
    shortUntil.set(address, now() + SHORT_BACKOFF_MS);
    o.onShort?.(acked);
  };
  return async () => {
    const primaries = client instanceof Cluster ? client.nodes("master") : [client];
    await Promise.all(primaries.map(waitOn));
  };
}
