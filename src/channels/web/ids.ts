/**
 * A browser tab's conversation id: opaque, random and issued by this service. 16 random
 * bytes and a tag (HMAC under a secret made at start-up), so an id nobody was given is
 * refused rather than becoming a conversation: nobody can pick someone else's id, or a
 * made-up one. The id lives in the tab (sessionStorage), so closing the tab forgets it.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const RANDOM_BYTES = 16;
const TAG_BYTES = 12;
/** base64url of 16 + 12 bytes. */
const ID_PATTERN = /^[A-Za-z0-9_-]{38}$/;

/** Issues and checks conversation ids under one secret. */
export class ConversationIds {
  readonly #secret: Buffer;

  /** @param secret the key of the tags; a random one unless a test passes its own */
  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  /** A new id, for a new tab. */
  issue(): string {
    const random = randomBytes(RANDOM_BYTES);
    return Buffer.concat([random, this.#tag(random)]).toString("base64url");
  }

  /** Whether `id` was issued here (compared in constant time). */
  valid(id: unknown): id is string {
    if (typeof id !== "string" || !ID_PATTERN.test(id)) return false;
    const bytes = Buffer.from(id, "base64url");
    const random = bytes.subarray(0, RANDOM_BYTES);
    const tag = bytes.subarray(RANDOM_BYTES);
    return tag.length === TAG_BYTES && timingSafeEqual(tag, this.#tag(random));
  }

  #tag(random: Buffer): Buffer {
    return createHmac("sha256", this.#secret).update(random).digest().subarray(0, TAG_BYTES);
  }
}

/** The conversation key of a tab: `web:<id>`. */
export function webKey(id: string): string {
  return `web:${id}`;
}
