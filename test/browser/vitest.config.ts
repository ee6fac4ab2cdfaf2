import { defineConfig } from "vitest/config";

/**
 * The browser suite (`npm run test:browser`): Debian's Chromium, driven by playwright-core,
 * against the real service started as a process. Apart from `npm test`, which never needs a
 * browser. Files one after another: each starts a service and a browser, and the machine
 * has two cores.
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
