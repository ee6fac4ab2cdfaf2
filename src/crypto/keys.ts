/**
 * Data keys for encryption at rest: parsing and checking what the environment says, and a
 * throwaway key for the local demo. Pure apart from `generateEphemeralKeys` (randomness and
 * one warning line); nothing here reads `process.env` (config.ts does, and calls these).
 *
 * Messages never contain key material: they say what is wrong, never what was given.
 */
import { randomBytes } from "node:crypto";

/** One AES-256 key and the short id stored next to every value it encrypts. */
export interface DataKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** The key new values are written with, and older keys that can still be read. */
export interface DataKeys {
  current: DataKey;
  previous: DataKey[];
}

/** AES-256: 32-byte keys. */
export const KEY_BYTES = 32;

/** Key ids: short, and free of `.` (the separator of stored values), `:` and `,`. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;

/** {@link KEY_ID_PATTERN} in words. */
export const KEY_ID_RULE = "1-16 characters of A-Z, a-z, 0-9, _ and - (e.g. k1, 2026-01)";

/** What to tell someone who needs a key. */
export const MAKE_A_KEY = "make one with: openssl rand -base64 32";

/** The id of the demo's throwaway key. */
export const EPHEMERAL_KEY_ID = "ephemeral";

/** Said whenever a throwaway key is made. */
export const EPHEMERAL_WARNING =
  "DATA_KEY is not set: data is encrypted with a throwaway key made at start-up, so stored " +
  "data will not survive a restart (fine for the local demo, never for production).";

/** A key or key list is malformed; the message names the problem, never the key. */
export class KeyFormatError extends Error {
  override readonly name = "KeyFormatError";
}

/** base64 (standard or URL-safe alphabet, padding optional). */
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

/**
 * What is wrong with `text` as a base64 AES-256 key, or undefined when it is fine.
 * The answer never repeats the text.
 */
export function keyProblem(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 0) return `empty; 32 random bytes in base64 (${MAKE_A_KEY})`;
  if (!BASE64.test(t)) return `not base64; 32 random bytes in base64 (${MAKE_A_KEY})`;
  const bytes = Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
  if (bytes.length !== KEY_BYTES) {
    return `${bytes.length} bytes; it must be exactly ${KEY_BYTES} bytes, base64 (${MAKE_A_KEY})`;
  }
  if (bytes.every((b) => b === bytes[0])) {
    return `every byte is the same; use random bytes (${MAKE_A_KEY})`;
  }
  return undefined;
}

/** What is wrong with `id` as a key id, or undefined when it is fine. */
export function keyIdProblem(id: string): string | undefined {
  return KEY_ID_PATTERN.test(id) ? undefined : KEY_ID_RULE;
}

/**
 * Decode a base64 key.
 * @throws KeyFormatError when it is not exactly 32 bytes of base64
 */
export function decodeKey(text: string): Buffer {
  const problem = keyProblem(text);
  if (problem) throw new KeyFormatError(problem);
  const t = text.trim();
  return Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
}

/**
 * Problems in a `DATA_KEYS_PREVIOUS` list (`id:base64key,id:base64key`), one per entry,
 * naming the entry by position and id (never by key). Empty when the list is fine.
 */
export function previousKeysProblems(list: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of splitList(list).entries()) {
    const where = `entry ${i + 1}`;
    const colon = raw.indexOf(":");
    if (colon < 0) {
      problems.push(`${where}: must be id:base64key, e.g. k1:<key>`);
      continue;
    }
    const id = raw.slice(0, colon).trim();
    const idProblem = keyIdProblem(id);
    if (idProblem) {
      problems.push(`${where}: the id must be ${idProblem}`);
      continue;
    }
    if (seen.has(id)) problems.push(`${where}: the id ${id} appears twice`);
    seen.add(id);
    const keyProblemText = keyProblem(raw.slice(colon + 1));
    if (keyProblemText) problems.push(`${where} (${id}): the key is ${keyProblemText}`);
  }
  return problems;
}

/**
 * Parse a `DATA_KEYS_PREVIOUS` list.
 * @throws KeyFormatError listing every problem
 */
export function parsePreviousKeys(list: string): DataKey[] {
  const problems = previousKeysProblems(list);
  if (problems.length > 0) throw new KeyFormatError(problems.join("; "));
  return splitList(list).map((raw) => {
    const colon = raw.indexOf(":");
    return { id: raw.slice(0, colon).trim(), key: decodeKey(raw.slice(colon + 1)) };
  });
}

/**
 * The keys from their three settings: the current key (base64), its id, and previous keys.
 * @throws KeyFormatError when anything is malformed, or an id is used twice
 */
export function parseDataKeys(input: { key: string; id: string; previous?: string }): DataKeys {
  const idProblem = keyIdProblem(input.id);
  if (idProblem) throw new KeyFormatError(`the key id must be ${idProblem}`);
  const current = { id: input.id, key: decodeKey(input.key) };
  const previous = input.previous ? parsePreviousKeys(input.previous) : [];
  if (previous.some((p) => p.id === current.id)) {
    throw new KeyFormatError(
      `the id ${current.id} is both the current key's and a previous key's; give the new key a new id`,
    );
  }
  return { current, previous };
}

/**
 * A random key with the id `ephemeral`, for the local demo on in-memory stores. Says, once,
 * through `warn` (stderr by default), that nothing stored will survive a restart.
 */
export function generateEphemeralKeys(
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): DataKeys {
  warn(EPHEMERAL_WARNING);
  return { current: { id: EPHEMERAL_KEY_ID, key: randomBytes(KEY_BYTES) }, previous: [] };
}

function splitList(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
