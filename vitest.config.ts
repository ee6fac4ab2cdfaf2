import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fault tests (kill -9, Redis restarts, fuzz) run on their own: npm run test:faults.
    // Browser tests (Chromium) too: npm run test:browser; and the Redis Cluster and Sentinel
    // suites, which start their own: npm run test:cluster.
    exclude: [...configDefaults.exclude, "test/faults/**", "test/browser/**", "test/cluster/**"],
    // A Redis that answers (REDIS_URL, 127.0.0.1:6379, or a private redis-server it starts).
    globalSetup: ["test/setup/redis.ts"],
    // Redis-backed suites share one server; files run in parallel with their own prefixes.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
