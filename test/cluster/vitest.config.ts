import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:cluster`: the stores' contract suites and fault tests on a real Redis
 * Cluster (three primaries, three replicas) and a Sentinel set, started from
 * `redis-server` on loopback ports by the global setup, plus failovers under load.
 */
export default defineConfig({
  root: join(import.meta.dirname, "../.."),
  test: {
    include: ["test/cluster/**/*.test.ts"],
    // Failover tests kill nodes of the shared cluster: one file at a time.
    fileParallelism: false,
    globalSetup: ["test/cluster/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
