import { join } from "node:path";
import { defineConfig } from "vitest/config";

/** `npm run test:faults`: the fault tests, one file at a time (each loads the machine). */
export default defineConfig({
  root: join(import.meta.dirname, "../.."),
  test: {
    include: ["test/faults/**/*.test.ts"],
    fileParallelism: false,
    // A Redis that answers for what is not restarted (REDIS_URL, 127.0.0.1:6379, or a private
    // redis-server); the restart test starts one of its own as well.
    globalSetup: ["test/setup/redis.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
