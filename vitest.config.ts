import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fault tests (kill -9, Redis restarts, fuzz) run on their own: npm run test:faults.
    // Browser tests (Chromium) too: npm run test:browser.
    exclude: [...configDefaults.exclude, "test/faults/**", "test/browser/**"],
    // A Redis that answers (REDIS_URL, 127.0.0.1:6379, or a private redis-server it starts).
    globalSetup: ["test/setup/redis.ts"],
    // Redis-backed suites share one server; files run in parallel with their own prefixes.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
