/**
 * `npm run keys:rotate [-- --dry-run]`
 *
 * Re-encrypts every stored value under the current data key (DATA_KEY / DATA_KEY_ID), reading
 * old ones with DATA_KEYS_PREVIOUS, and encrypts plaintext left from before DATA_KEY was set.
 * Prints `re-encrypted N values in M keys; K already current`. With --dry-run, only counts.
 *
 * What it looks at, under REDIS_KEY_PREFIX:
 * - the values that may predate encryption (plain JSON), where the stores keep them
 *   ({@link PLAINTEXT_LOCATIONS}): sessions, outbox entries, cases, scheduled jobs;
 * - any other hash field or string value in the encrypted format (`e1.`, `e2.`), so stores
 *   added later are covered without changing this script.
 *
 * Each value keeps its form: one bound to its place in storage (`e2`) is re-encrypted bound
 * to the same place (the key after the prefix and the field, as every store names it:
 * `placeOf`); one that was not bound (`e1`, written before places were bound) stays unbound,
 * so whoever reads it still can. The service binds those as it rewrites them (decision 0014).
 *
 * Safe while the service runs: each value is replaced by a one-field compare-and-set script
 * (only if it is still the value that was read), which keeps the key's TTL. A value that
 * changed in between is read again; the service writes under the current key, so it is
 * usually already current by then.
 *
 * Rotating keys, step by step (also in .env.example and docs/decisions/0006):
 * 1. Make a key: `openssl rand -base64 32`. Add it to DATA_KEYS_PREVIOUS everywhere and
 *    restart (every instance can now read it).
 * 2. Make it current (DATA_KEY, a new DATA_KEY_ID), with the old key in DATA_KEYS_PREVIOUS;
 *    restart.
 * 3. `npm run keys:rotate`; when it reports nothing left under the old key, remove the old
 *    key from DATA_KEYS_PREVIOUS and restart.
 *
 * Exit code 0 when every value is under the current key (or would be, with --dry-run); 1 when
 * some could not be read (a key is missing) or kept changing (run it again); 2 when it cannot
 * run. Output never names a Redis key (they hold conversation keys, e.g. phone numbers) or
 * any value: counts, reasons and key ids only.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Cluster, Redis } from "ioredis";
import { createConfig } from "../config.js";
import {
  createEncryptedCodec,
  DecryptError,
  type EncryptedCodec,
  isEncrypted,
} from "../crypto/encrypted-codec.js";
import type { DataKeys } from "../crypto/keys.js";
import { CodecError, placeOf } from "../stores/codec.js";
import { createRedis, waitUntilReady } from "../stores/redis/connection.js";
import { scanBatches } from "../stores/redis/scan.js";

export interface RotateOptions {
  redis: Redis | Cluster;
  /** REDIS_KEY_PREFIX: only keys starting with it are touched. */
  prefix: string;
  keys: DataKeys;
  /** Count only; write nothing. */
  dryRun?: boolean;
  /** Keys asked for per SCAN round trip. */
  scanCount?: number;
}

export interface RotateReport {
  dryRun: boolean;
  /** Keys under the prefix that were looked at. */
  keysScanned: number;
  /** Values re-encrypted under the current key (with --dry-run: that would be). */
  reencrypted: number;
  /** How many Redis keys held them. */
  keysChanged: number;
  /** Values already under the current key. */
  alreadyCurrent: number;
  /** Values no configured key could read, by reason and key id (`unknown-key k0`); left as they are. */
  unreadable: Record<string, number>;
  /** Values that changed on every try while being rotated; left for the next run. */
  raced: number;
}

/** A field of a hash, or a string value (field undefined). */
interface Slot {
  key: string;
  field: string | undefined;
  value: string;
  /** Where the value is, as the stores bind it: {@link placeOf} the key after the prefix. */
  place: string;
}

/**
 * Where the stores keep codec output that may be plaintext from before DATA_KEY was set:
 * a key pattern (after the prefix) and its fields. Elsewhere only encrypted values are touched,
 * because a plain value there may be anything (versions, statuses, ids).
 */
export const PLAINTEXT_LOCATIONS: readonly { key: RegExp; fields: "all" | readonly string[] }[] = [
  { key: /^c:\{[^{}]+\}$/, fields: ["s"] }, // sessions (stores/redis/conversation-store.ts)
  { key: /^c:\{[^{}]+\}:out$/, fields: "all" }, // outbox entries (same)
  { key: /^case:\{[^{}]+\}$/, fields: ["d"] }, // cases (cases/redis-case-store.ts)
  { key: /^\{sched\}:jobs$/, fields: "all" }, // scheduled jobs (schedule/redis-scheduler.ts)
];

/** Tries per value before it counts as raced. */
const MAX_TRIES = 5;

/** KEYS: hash. ARGV: field, expected, replacement. HSET keeps the key's TTL. */
const SWAP_FIELD = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
`;

/** KEYS: string key. ARGV: expected, replacement. */
const SWAP_STRING = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
`;

interface SwapCommands {
  pulangRotateField(key: string, field: string, expected: string, next: string): Promise<number>;
  pulangRotateString(key: string, expected: string, next: string): Promise<number>;
}

/**
 * Re-encrypt every value under `prefix` that is not under the current key. Never throws for
 * a value it cannot read: it counts it in `unreadable` and leaves it.
 */
export async function rotateKeys(opts: RotateOptions): Promise<RotateReport> {
  const redis = defineSwaps(opts.redis);
  const codec = createEncryptedCodec(opts.keys, undefined, { allowPlaintextRead: true });
  const report: RotateReport = {
    dryRun: opts.dryRun ?? false,
    keysScanned: 0,
    reencrypted: 0,
    keysChanged: 0,
    alreadyCurrent: 0,
    unreadable: {},
    raced: 0,
  };

  for await (const batch of scanBatches(
    opts.redis,
    `${escapeGlob(opts.prefix)}*`,
    opts.scanCount,
  )) {
    report.keysScanned += batch.length;
    const types = await Promise.all(batch.map((k) => redis.type(k)));
    const slots = (
      await Promise.all(batch.map((key, i) => readSlots(redis, key, types[i], opts.prefix)))
    ).flat();
    const changed = await Promise.all(slots.map((s) => rotateSlot(redis, codec, s, report)));
    const keys = new Set(slots.filter((_, i) => changed[i]).map((s) => s.key));
    report.keysChanged += keys.size;
  }
  return report;
}

/** `re-encrypted N values in M keys; K already current`, and what was left, if anything. */
export function formatReport(r: RotateReport): string {
  const verb = r.dryRun ? "would re-encrypt" : "re-encrypted";
  const lines = [
    `${verb} ${r.reencrypted} values in ${r.keysChanged} keys; ${r.alreadyCurrent} already current (${r.keysScanned} keys scanned)`,
  ];
  for (const [why, n] of Object.entries(r.unreadable)) {
    lines.push(`could not read ${n} values (${why}); left as they are`);
  }
  if (r.raced > 0) lines.push(`${r.raced} values kept changing; run it again`);
  return lines.join("\n");
}

/** The values of `key` that hold codec output. */
async function readSlots(
  redis: Redis | Cluster,
  key: string,
  type: string | undefined,
  prefix: string,
): Promise<Slot[]> {
  const relative = key.slice(prefix.length);
  if (type === "string") {
    const value = await redis.get(key);
    return value && isEncrypted(value)
      ? [{ key, field: undefined, value, place: placeOf(relative) }]
      : [];
  }
  if (type !== "hash") return []; // dedupe sets and indexes hold ids, not values
  const plain = PLAINTEXT_LOCATIONS.find((l) => l.key.test(relative))?.fields ?? [];
  const fields = await redis.hgetall(key);
  return Object.entries(fields)
    .filter(([field, value]) => plain === "all" || plain.includes(field) || isEncrypted(value))
    .map(([field, value]) => ({ key, field, value, place: placeOf(relative, field) }));
}

/** Bring one value under the current key; whether it was (or would be) rewritten. */
async function rotateSlot(
  redis: (Redis | Cluster) & SwapCommands,
  codec: EncryptedCodec,
  slot: Slot,
  report: RotateReport,
): Promise<boolean> {
  let value: string | null = slot.value;
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    if (value === null) return false; // deleted meanwhile (erased, expired): nothing to do
    if (codec.keyIdOf(value) === codec.currentKeyId) {
      report.alreadyCurrent += 1;
      return false;
    }
    let next: string;
    try {
      next = codec.reencrypt(value, slot.place);
    } catch (err) {
      if (!(err instanceof DecryptError || err instanceof CodecError)) throw err;
      const why =
        err instanceof DecryptError
          ? `${err.reason}${err.keyId ? ` ${err.keyId}` : ""}`
          : "not decodable";
      report.unreadable[why] = (report.unreadable[why] ?? 0) + 1;
      return false;
    }
    if (report.dryRun) {
      report.reencrypted += 1;
      return true;
    }
    const swapped =
      slot.field === undefined
        ? await redis.pulangRotateString(slot.key, value, next)
        : await redis.pulangRotateField(slot.key, slot.field, value, next);
    if (swapped === 1) {
      report.reencrypted += 1;
      return true;
    }
    // Someone wrote in between: look again.
    value =
      slot.field === undefined ? await redis.get(slot.key) : await redis.hget(slot.key, slot.field);
  }
  report.raced += 1;
  return false;
}

function defineSwaps(redis: Redis | Cluster): (Redis | Cluster) & SwapCommands {
  if (!("pulangRotateField" in redis)) {
    redis.defineCommand("pulangRotateField", { numberOfKeys: 1, lua: SWAP_FIELD });
    redis.defineCommand("pulangRotateString", { numberOfKeys: 1, lua: SWAP_STRING });
  }
  return redis as (Redis | Cluster) & SwapCommands;
}

/** Make `s` match itself in a SCAN MATCH pattern. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}

function readOptions(argv: string[]): { dryRun: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { "dry-run": { type: "boolean", default: false } },
  });
  return { dryRun: values["dry-run"] ?? false };
}

async function main(): Promise<number> {
  let dryRun: boolean;
  let config: ReturnType<typeof createConfig>;
  try {
    ({ dryRun } = readOptions(process.argv.slice(2)));
    config = createConfig(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (!config.redis) {
    process.stderr.write(
      "No Redis is set (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): there is no stored data to rotate.\n",
    );
    return 2;
  }
  if (!config.dataKeys) {
    process.stderr.write(
      "DATA_KEY is not set: set the key to encrypt with (make one with: openssl rand -base64 32), its DATA_KEY_ID, and older keys in DATA_KEYS_PREVIOUS.\n",
    );
    return 2;
  }
  let reported = false;
  const redis = createRedis(config.redis.connection, {
    role: "commands",
    onError: (p) => {
      if (!reported) process.stderr.write(`redis: ${p.message}\n`);
      reported = true;
    },
  });
  try {
    await waitUntilReady(redis);
    const report = await rotateKeys({
      redis,
      prefix: config.redis.keyPrefix,
      keys: config.dataKeys,
      dryRun,
    });
    process.stdout.write(`${formatReport(report)}\n`);
    return Object.keys(report.unreadable).length > 0 || report.raced > 0 ? 1 : 0;
  } catch (err) {
    // The message only: a stack adds nothing for an operator, and values never reach it.
    process.stderr.write(`keys:rotate stopped: ${(err as Error).message}\n`);
    return 2;
  } finally {
    redis.disconnect();
  }
}

/** Run only as a script, not when a test imports {@link rotateKeys}. */
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = await main();
