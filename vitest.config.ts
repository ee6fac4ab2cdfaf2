import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Fault tests (kill -9, Redis restarts, fuzz) run on their own: npm run test:faults.
    exclude: [...configDefaults.exclude, "test/faults/**"],
    // Redis-backed suites share one server; files run in parallel with their own prefixes.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
