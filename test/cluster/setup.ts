/**
 * Global setup of `npm run test:cluster`: a Redis Cluster of three primaries with a replica
 * each, and a primary with a replica under three sentinels, all private `redis-server`
 * processes on free loopback ports, stopped at the end.
 */
import type { TestProject } from "vitest/node";
import { hasRedisServer } from "../../bench/lib/redis.js";
import { PrivateCluster, PrivateSentinels } from "../../bench/lib/redis-cluster.js";
import type { HostPort } from "../../src/config.js";

declare module "vitest" {
  export interface ProvidedContext {
    clusterSeeds: HostPort[];
    sentinels: { sentinels: HostPort[]; name: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasRedisServer()) {
    throw new Error(
      "The cluster tests start Redis Cluster and Sentinel from redis-server, which is not installed.\n" +
        "Install it (Debian or Ubuntu: apt-get install redis-server; macOS: brew install redis).",
    );
  }
  const [cluster, sentinels] = await Promise.all([
    PrivateCluster.start(),
    PrivateSentinels.start(),
  ]);
  project.provide("clusterSeeds", cluster.seeds);
  project.provide("sentinels", { sentinels: sentinels.sentinels, name: sentinels.name });
  return async () => {
    await Promise.all([cluster.stop(), sentinels.stop()]);
  };
}
