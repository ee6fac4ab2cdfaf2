/**
 * How stored values become text and back. Every value a store writes (sessions and outbox
 * entries alike) goes through one codec, so a later change can encrypt the whole blob
 * (AES-256-GCM) in one place without touching the stores.
 */

/** Turns a value into the text a store writes, and back. */
export interface Codec {
  /**
   * `place`: where the text is stored ({@link placeOf}). An encrypting codec binds the value
   * to it, so the same text copied to another place does not decode. Plain codecs ignore it.
   * @throws when the value cannot be represented
   */
  encode(value: unknown, place?: string): string;
  /**
   * `place`: where the text was read from; the same as it was written with.
   * @throws when the text was not produced by `encode` (or was tampered with, or moved)
   */
  decode(text: string, place?: string): unknown;
}

/**
 * The place of a stored value, for binding it there: the Redis key without the deployment's
 * prefix (so a changed `REDIS_KEY_PREFIX` or a copy to another prefix keeps values readable),
 * and the hash field. Every Redis store names its values this way, and `keys:rotate` derives
 * the same name from what it scans.
 *
 * @example placeOf("c:{tg:42}", "s") === "c:{tg:42}#s"
 */
export function placeOf(key: string, field?: string): string {
  return field === undefined ? key : `${key}#${field}`;
}

/** Why a value could not be encoded. */
export class CodecError extends Error {
  override readonly name = "CodecError";
}

/** Plain JSON: the default, and what the encrypting codec will wrap. */
export const jsonCodec: Codec = {
  encode(value: unknown): string {
    const text = JSON.stringify(value);
    // JSON.stringify(undefined) is undefined, not a string: refuse rather than store "undefined".
    if (text === undefined) throw new CodecError("value has no JSON form");
    return text;
  },
  decode(text: string): unknown {
    return JSON.parse(text);
  },
};
