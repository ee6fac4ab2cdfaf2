/**
 * Data keys from the environment: parsing, the production requirement, rotation lists, and
 * messages that say how to make a key without ever repeating one.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, createConfig } from "../../src/config.js";
import {
  EPHEMERAL_KEY_ID,
  EPHEMERAL_WARNING,
  generateEphemeralKeys,
  KeyFormatError,
  keyProblem,
  parseDataKeys,
  parsePreviousKeys,
} from "../../src/crypto/keys.js";

const key = () => randomBytes(32).toString("base64");
const REDIS = "redis://127.0.0.1:6379";

function configError(env: Record<string, string>): string {
  try {
    createConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("createConfig did not throw");
}

describe("keys", () => {
  it("accepts 32 bytes of base64 as openssl prints them, and base64url", () => {
    const bytes = randomBytes(32);
    expect(keyProblem(bytes.toString("base64"))).toBeUndefined();
    expect(keyProblem(` ${bytes.toString("base64")}\n`)).toBeUndefined();
    expect(keyProblem(bytes.toString("base64url"))).toBeUndefined();
    expect(parseDataKeys({ key: bytes.toString("base64url"), id: "k1" }).current.key).toEqual(
      bytes,
    );
  });

  it.each([
    ["too short", randomBytes(16).toString("base64"), /16 bytes/],
    ["too long", randomBytes(48).toString("base64"), /48 bytes/],
    ["not base64", "this is not a key!", /not base64/],
    ["all one byte", Buffer.alloc(32).toString("base64"), /random/],
    ["empty", " ", /empty/],
  ])("refuses a key that is %s, saying how to make one", (_, text, why) => {
    const problem = keyProblem(text);
    expect(problem).toMatch(why);
    expect(problem).toContain("openssl rand -base64 32");
  });

  it("parses previous keys and names bad entries by position and id, never by key", () => {
    const [a, b] = [key(), key()];
    const parsed = parsePreviousKeys(` k0:${a} , 2025-12:${b} `);
    expect(parsed.map((p) => p.id)).toEqual(["k0", "2025-12"]);
    expect(parsed[0]?.key).toEqual(Buffer.from(a, "base64"));
    const short = randomBytes(8).toString("base64");
    try {
      parsePreviousKeys(`k0:${a},${b},k.1:${a},k0:${short}`);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KeyFormatError);
      const m = (err as Error).message;
      expect(m).toMatch(/entry 2: must be id:base64key/);
      expect(m).toMatch(/entry 3: the id must be/);
      expect(m).toMatch(/entry 4: the id k0 appears twice/);
      expect(m).toMatch(/entry 4 \(k0\): the key is 8 bytes/);
      for (const k of [a, b, short]) expect(m).not.toContain(k);
    }
  });

  it("refuses the current id among the previous ones", () => {
    expect(() => parseDataKeys({ key: key(), id: "k1", previous: `k1:${key()}` })).toThrow(
      /new id/,
    );
  });

  it("makes a throwaway key for the demo, and says data will not survive a restart", () => {
    const said: string[] = [];
    const keys = generateEphemeralKeys((line) => said.push(line));
    expect(keys.current.id).toBe(EPHEMERAL_KEY_ID);
    expect(keys.current.key).toHaveLength(32);
    expect(keys.previous).toEqual([]);
    expect(said).toEqual([EPHEMERAL_WARNING]);
    expect(said[0]).toMatch(/will not survive a restart/);
    expect(generateEphemeralKeys(() => {}).current.key).not.toEqual(keys.current.key);
  });
});

describe("createConfig: data keys", () => {
  it("has no keys when DATA_KEY is unset outside production", () => {
    expect(createConfig({}).dataKeys).toBeUndefined();
    expect(createConfig({ REDIS_URL: REDIS }).dataKeys).toBeUndefined();
    expect(createConfig({ NODE_ENV: "production" }).dataKeys).toBeUndefined();
  });

  it("requires a never-rotated PSEUDONYM_KEY in production with Redis", () => {
    const m = configError({ NODE_ENV: "production", REDIS_URL: REDIS, DATA_KEY: key() });
    expect(m).toMatch(/PSEUDONYM_KEY: required when NODE_ENV=production and Redis is set/);
    expect(m).toContain("never rotated");
  });

  it("requires DATA_KEY in production with Redis, and says how to make one", () => {
    const m = configError({ NODE_ENV: "production", REDIS_URL: REDIS });
    expect(m).toMatch(/DATA_KEY: required when NODE_ENV=production and Redis is set/);
    expect(m).toContain("openssl rand -base64 32");
  });

  it("reads the current key, its id (k1 by default) and previous keys", () => {
    const [cur, old] = [key(), key()];
    const c = createConfig({
      NODE_ENV: "production",
      REDIS_URL: REDIS,
      DATA_KEY: cur,
      DATA_KEY_ID: "k2",
      DATA_KEYS_PREVIOUS: `k1:${old}`,
      PSEUDONYM_KEY: key(),
    });
    expect(c.dataKeys?.current).toEqual({ id: "k2", key: Buffer.from(cur, "base64") });
    expect(c.dataKeys?.previous).toEqual([{ id: "k1", key: Buffer.from(old, "base64") }]);
    expect(createConfig({ DATA_KEY: cur }).dataKeys?.current.id).toBe("k1");
    expect(createConfig({ DATA_KEY: cur, DATA_KEYS_PREVIOUS: "" }).dataKeys?.previous).toEqual([]);
  });

  it.each([
    ["a short key", { DATA_KEY: "short" }, /DATA_KEY: .*bytes.*openssl rand -base64 32/],
    ["a bad id", { DATA_KEY: key(), DATA_KEY_ID: "key.one" }, /DATA_KEY_ID: 1-16 characters/],
    ["a bad list", { DATA_KEY: key(), DATA_KEYS_PREVIOUS: "k0" }, /DATA_KEYS_PREVIOUS: entry 1/],
    ["no current key", { DATA_KEYS_PREVIOUS: `k0:${key()}` }, /DATA_KEYS_PREVIOUS: set DATA_KEY/],
    [
      "the current id reused",
      { DATA_KEY: key(), DATA_KEYS_PREVIOUS: `k1:${key()}` },
      /DATA_KEYS_PREVIOUS: the id k1/,
    ],
  ])("names the wrong variable: %s", (_, env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it("never repeats a key in an error", () => {
    const bad = randomBytes(31).toString("base64");
    const old = randomBytes(30).toString("base64");
    const m = configError({ DATA_KEY: bad, DATA_KEYS_PREVIOUS: `k0:${old}`, PORT: "x" });
    expect(m).toMatch(/PORT[\s\S]*DATA_KEY[\s\S]*DATA_KEYS_PREVIOUS/);
    expect(m).not.toContain(bad);
    expect(m).not.toContain(old);
  });
});
