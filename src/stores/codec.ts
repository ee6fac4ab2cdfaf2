/**
 * How stored values become text and back. Every value a store writes (sessions and outbox
 * entries alike) goes through one codec, so a later change can encrypt the whole blob
 * (AES-256-GCM) in one place without touching the stores.
 */

/** Turns a value into the text a store writes, and back. */
export interface Codec {
  /** @throws when the value cannot be represented */
  encode(value: unknown): string;
  /** @throws when the text was not produced by `encode` (or was tampered with) */
  decode(text: string): unknown;
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
