/**
 * Pseudonymous key names. Redis key names are not encrypted, and a conversation key is an
 * identifier (a Telegram user id, a WhatsApp phone number): stores name their keys by a
 * keyed hash of it instead, which cannot be turned back into the number without the
 * secret. The real key, where a store must give it back, is kept encrypted.
 */
import { createHmac } from "node:crypto";

/** Turns a conversation key into the name its Redis keys use. */
export type KeyNames = (key: string) => string;

/** Key names as they are (tests, the in-memory demo). */
export const plainNames: KeyNames = (key) => key;

/**
 * Key names under `secret`: 22 characters of base64url (132 bits), the same for the same
 * key and secret on every instance.
 */
export function hashedNames(secret: Buffer): KeyNames {
  // Every message names its conversation several times: remember recent names (bounded,
  // oldest forgotten first) rather than hashing each time.
  const recent = new Map<string, string>();
  return (key) => {
    const known = recent.get(key);
    if (known !== undefined) return known;
    const name = createHmac("sha256", secret).update(key).digest("base64url").slice(0, 22);
    if (recent.size >= MAX_REMEMBERED) recent.delete(recent.keys().next().value as string);
    recent.set(key, name);
    return name;
  };
}

/** Conversation names remembered per process (about 100 bytes each). */
const MAX_REMEMBERED = 50_000;

/** The secret for key names, derived from a data key when none is configured. */
export function namesSecretFrom(dataKey: Buffer): Buffer {
  return createHmac("sha256", dataKey).update("pulang key names v1").digest();
}
