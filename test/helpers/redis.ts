/**
 * Looking inside Redis from tests: everything stored under a prefix, and a way to put
 * another process's work at an exact point inside a store operation.
 */
import type { Redis } from "ioredis";

/** Every key name, field, member and value under `prefix`, in the clear as Redis has it. */
export async function rawValues(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    for (const key of keys) {
      out.push(key);
      const type = await redis.type(key);
      if (type === "string") out.push((await redis.get(key)) ?? "");
      if (type === "hash") out.push(...Object.entries(await redis.hgetall(key)).flat());
      if (type === "zset") out.push(...(await redis.zrange(key, 0, -1)));
      if (type === "set") out.push(...(await redis.smembers(key)));
      if (type === "list") out.push(...(await redis.lrange(key, 0, -1)));
    }
    cursor = next;
  } while (cursor !== "0");
  return out;
}

/**
 * `client`, except that the first call of `method` runs `before` first: a deterministic
 * way to put another process's work at an exact point inside a store operation.
 */
export function interceptOnce(
  client: Redis,
  method: string,
  before: () => Promise<unknown>,
): Redis {
  let armed = true;
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop !== method || !armed) return fn.bind(target);
      return async (...args: unknown[]) => {
        armed = false;
        await before();
        return fn.apply(target, args);
      };
    },
  });
}

/**
 * `client` as a process that dies right after calling `method`: that call goes out, every
 * command issued after it fails (never reaches Redis), as after a kill -9.
 */
export function deadAfter(client: Redis, method: string): Redis {
  let dead = false;
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const fn = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (dead) return Promise.reject(new Error("process killed"));
        if (prop === method) dead = true;
        return fn.apply(target, args);
      };
    },
  });
}
