/**
 * Finding keys by pattern wherever Redis is. SCAN on a Cluster client asks one node at
 * random, so it sees about a third of the keys of a 3-primary Cluster; every primary must be
 * asked in turn.
 */
import { Cluster } from "ioredis";
import type { RedisClient } from "./connection.js";

/**
 * Keys matching `pattern` (a SCAN MATCH glob), batch by batch, from every primary. SCAN may
 * return a key twice; a batch holds each of its keys once.
 */
export async function* scanBatches(
  client: RedisClient,
  pattern: string,
  count = 500,
): AsyncGenerator<string[]> {
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      cursor = next;
      if (keys.length > 0) yield [...new Set(keys)];
    } while (cursor !== "0");
  }
}

/** Every key matching `pattern` (a SCAN MATCH glob), on every primary, each once. */
export async function scanEveryPrimary(client: RedisClient, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  for await (const batch of scanBatches(client, pattern)) for (const key of batch) found.add(key);
  return [...found];
}
