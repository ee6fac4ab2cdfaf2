/**
 * The one place tests learn which Redis to use: the URL the global setup
 * (`test/setup/redis.ts`) found answering, or the private `redis-server` it started.
 */
import { inject } from "vitest";
import { DEFAULT_REDIS_URL } from "../setup/redis.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Redis every test file uses (each under a key prefix of its own). */
    redisUrl: string;
  }
}

/** The Redis for tests: as provided by the global setup (REDIS_URL, the default, or its own). */
export const REDIS_URL: string =
  (inject("redisUrl") as string | undefined) ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
