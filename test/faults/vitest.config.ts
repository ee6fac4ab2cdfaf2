import { join } from "node:path";
import { defineConfig } from "vitest/config";

/** `npm run test:faults`: the fault tests, one file at a time (each loads the machine). */
export default defineConfig({
  root: join(import.meta.dirname, "../.."),
  test: {
    include: ["test/faults/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
