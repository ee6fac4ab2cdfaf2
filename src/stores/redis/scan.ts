/**
 * Finding keys by pattern wherever Redis is. SCAN on a Cluster client asks one node at
 * random, so it sees about a third of the keys of a 3-primary Cluster; every primary must be
 * asked in turn.
 */
import { Cluster } from "ioredis";
import type { RedisClient } from "./connection.js";

/** Every key matching `pattern` (a SCAN MATCH glob), on every primary, each once. */
export async function scanEveryPrimary(client: RedisClient, pattern: string): Promise<string[]> {
  const nodes = client instanceof Cluster ? client.nodes("master") : [client];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 500);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== "0");
  }
  return [...found];
}
