/**
 * Encryption at rest: a {@link Codec} that encrypts the whole encoded value with AES-256-GCM,
 * so every store that writes through a codec (sessions, outbox, cases, schedules) keeps only
 * ciphertext in Redis. See docs/decisions/0006-encryption-at-rest.md and 0014.
 *
 * Stored form (one line of ASCII, `.`-separated, base64url without padding):
 *
 *     e2.<key id>.<iv: 12 bytes>.<tag: 16 bytes>.<ciphertext>   bound to its place
 *     e1.<key id>.<iv: 12 bytes>.<tag: 16 bytes>.<ciphertext>   not bound (older values)
 *
 * - The version and the key id are bound as additional authenticated data, so a value cannot
 *   be relabelled to another key id without failing authentication. `e2` values also bind
 *   their place in storage (`placeOf(key, field)`, given by the store): a value copied to
 *   another person's key, or another field, fails authentication like any other tampering.
 *   Values written without a place (before places were bound, or by in-memory stores) are
 *   `e1`, and are still read wherever they are: that is the migration path (decision 0014).
 * - A fresh random 12-byte IV per value (from a pooled buffer, `iv-pool.ts`): two encryptions
 *   of the same value differ.
 * - Values are read with whichever configured key (current or previous) their id names, so
 *   keys rotate without downtime; `npm run keys:rotate` then re-encrypts old values.
 *
 * Plaintext (values written before encryption was turned on) is refused by default: a store
 * that silently accepts plaintext would also accept a value someone planted in Redis.
 * `allowPlaintextRead` accepts it; `keys:rotate` uses it to encrypt old plaintext in place.
 *
 * Errors never contain any part of a value: a JSON parser's message quotes the text it
 * choked on, so decode failures are re-thrown without it (and without a `cause`).
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";
import { type Codec, CodecError, jsonCodec } from "../stores/codec.js";
import { IV_BYTES, nextIv } from "./iv-pool.js";
import { type DataKeys, KEY_BYTES, KEY_ID_PATTERN } from "./keys.js";

/** Encrypted values not bound to a place start with this; nothing JSON writes does. */
export const ENCRYPTED_PREFIX = "e1.";
/** Encrypted values bound to their place in storage start with this. */
export const BOUND_PREFIX = "e2.";

/** The format versions: `e1` not bound to a place, `e2` bound. */
type Version = "e1" | "e2";
const UNBOUND: Version = "e1";
const BOUND: Version = "e2";
const ALGORITHM = "aes-256-gcm";
const TAG_BYTES = 16;

/** Why a stored value could not be decrypted. */
export type DecryptFailure =
  /** The value names a key id that is not configured (current or previous). */
  | "unknown-key"
  /** Authentication failed: the value was changed, or the key under that id is another key. */
  | "tampered"
  /** It starts like an encrypted value but is not one. */
  | "malformed"
  /** Not encrypted at all, and plaintext reads are off. */
  | "plaintext";

/** A stored value could not be decrypted. The message names the key id, never any content. */
export class DecryptError extends Error {
  override readonly name = "DecryptError";
  constructor(
    readonly reason: DecryptFailure,
    /** The key id the value names, when it names a well-formed one. */
    readonly keyId: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface EncryptedCodecOptions {
  /**
   * Read values that are not encrypted (plain output of the inner codec) instead of refusing
   * them. For migrating old data (`keys:rotate`); leave off in the service.
   */
  allowPlaintextRead?: boolean;
}

/** The encrypting codec, plus what key rotation needs. */
export interface EncryptedCodec extends Codec {
  /** The id new values are written under. */
  readonly currentKeyId: string;
  /**
   * The key id a stored value names, or undefined when the text is not in the encrypted
   * format. Does not check the value is authentic.
   */
  keyIdOf(text: string): string | undefined;
  /**
   * The same value, encrypted under the current key, without decoding it through the inner
   * codec (the bytes stay exactly as they were), and in the same form: a value bound to its
   * place stays bound to `place` (where it is stored), one that was not stays unbound, so its
   * readers still read it. Plaintext is accepted only with `allowPlaintextRead`, and only
   * when the inner codec can decode it; it is encrypted unbound.
   * @throws DecryptError or CodecError as {@link Codec.decode} would
   */
  reencrypt(text: string, place?: string): string;
}

/**
 * A codec that encrypts whatever `inner` encodes (JSON by default) under `keys.current`,
 * and decrypts with any key in `keys`.
 *
 * @throws Error when a key is not 32 bytes or an id is malformed or repeated
 */
export function createEncryptedCodec(
  keys: DataKeys,
  inner: Codec = jsonCodec,
  opts: EncryptedCodecOptions = {},
): EncryptedCodec {
  const byId = new Map<string, KeyObject>();
  for (const k of [keys.current, ...keys.previous]) {
    if (!KEY_ID_PATTERN.test(k.id)) throw new Error(`data key id "${k.id}" is malformed`);
    if (k.key.length !== KEY_BYTES) throw new Error(`data key ${k.id} is not ${KEY_BYTES} bytes`);
    if (byId.has(k.id)) throw new Error(`data key id ${k.id} is used twice`);
    byId.set(k.id, createSecretKey(k.key));
  }
  const currentId = keys.current.id;
  const currentKey = byId.get(currentId) as KeyObject;
  const known = [...byId.keys()].join(", ");

  function encrypt(plain: string, place: string | undefined): string {
    const version = place === undefined ? UNBOUND : BOUND;
    // A view into the IV pool: used here and encoded at once, before the pool can change.
    const iv = nextIv();
    const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(header(version, currentId, place));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${version}.${currentId}.${iv.toString("base64url")}.${tag.toString("base64url")}.${body.toString("base64url")}`;
  }

  /** The inner codec's text inside an encrypted value read at `place`. */
  function decrypt(text: string, place: string | undefined): { plain: string; keyId: string } {
    const parts = text.split(".");
    const id = parts[1] !== undefined && KEY_ID_PATTERN.test(parts[1]) ? parts[1] : undefined;
    const malformed = (what: string) =>
      new DecryptError(
        "malformed",
        id,
        `stored value ${id ? `under key ${id} ` : ""}is malformed: ${what}`,
      );
    const version = parts[0];
    if (parts.length !== 5 || (version !== UNBOUND && version !== BOUND)) {
      throw malformed("wrong number of parts");
    }
    if (id === undefined) throw malformed("the key id is not a valid id");
    if (version === BOUND && place === undefined) {
      throw malformed("it is bound to its place in storage, and was read without one");
    }
    const key = byId.get(id);
    if (!key) {
      throw new DecryptError(
        "unknown-key",
        id,
        `stored value is encrypted under key ${id}, which is not configured (configured: ${known}); add it to DATA_KEYS_PREVIOUS`,
      );
    }
    const iv = decodePart(parts[2], IV_BYTES);
    const tag = decodePart(parts[3], TAG_BYTES);
    const body = decodePart(parts[4]);
    if (!iv || !tag || !body) throw malformed("an iv, tag or ciphertext that is not canonical");
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      // Unbound values were written before places were bound: they read anywhere.
      decipher.setAAD(header(version, id, version === BOUND ? place : undefined));
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      return { plain, keyId: id };
    } catch {
      throw new DecryptError(
        "tampered",
        id,
        `stored value under key ${id} failed authentication: it was changed or moved from where it was written, or the key configured as ${id} is not the key it was written with`,
      );
    }
  }

  /** The inner codec's text: decrypted, or (when allowed) the plaintext as it is. */
  function open(
    text: string,
    place: string | undefined,
  ): { plain: string; keyId: string | undefined } {
    if (isEncrypted(text)) return decrypt(text, place);
    if (!opts.allowPlaintextRead) {
      throw new DecryptError(
        "plaintext",
        undefined,
        "stored value is not encrypted; run npm run keys:rotate to encrypt values written before DATA_KEY was set",
      );
    }
    return { plain: text, keyId: undefined };
  }

  function innerDecode(plain: string, keyId: string | undefined): unknown {
    try {
      return inner.decode(plain);
    } catch {
      // No cause: JSON.parse's message quotes the text, which is what we must not leak.
      throw new CodecError(
        keyId
          ? `stored value under key ${keyId} decrypted but could not be decoded`
          : "stored plaintext value could not be decoded",
      );
    }
  }

  return {
    currentKeyId: currentId,
    encode(value: unknown, place?: string): string {
      return encrypt(inner.encode(value), place);
    },
    decode(text: string, place?: string): unknown {
      const { plain, keyId } = open(text, place);
      return innerDecode(plain, keyId);
    },
    keyIdOf(text: string): string | undefined {
      if (!isEncrypted(text)) return undefined;
      const start = text.indexOf(".") + 1; // after the version
      const end = text.indexOf(".", start);
      const id = end < 0 ? "" : text.slice(start, end);
      return KEY_ID_PATTERN.test(id) ? id : undefined;
    },
    reencrypt(text: string, place?: string): string {
      const { plain, keyId } = open(text, place);
      if (keyId === undefined) innerDecode(plain, keyId); // plaintext: only if it is a value
      return encrypt(plain, text.startsWith(BOUND_PREFIX) ? place : undefined);
    },
  };
}

/** Whether `text` is in an encrypted format (by its prefix; not whether it is authentic). */
export function isEncrypted(text: string): boolean {
  return text.startsWith(ENCRYPTED_PREFIX) || text.startsWith(BOUND_PREFIX);
}

/**
 * The additional authenticated data: the format version, the key id and, for bound values,
 * the place (last, so ids free of `.` keep the parts apart).
 */
function header(version: Version, keyId: string, place: string | undefined): Buffer {
  return Buffer.from(
    place === undefined ? `${version}.${keyId}` : `${version}.${keyId}.${place}`,
    "utf8",
  );
}

/**
 * A base64url part, or undefined unless it is canonical (re-encodes to the same text, which
 * also rules out characters outside the alphabet, which the decoder would skip) and, when
 * `bytes` is given, exactly that long: a changed character never goes unnoticed.
 */
function decodePart(part: string | undefined, bytes?: number): Buffer | undefined {
  if (part === undefined) return undefined;
  const buf = Buffer.from(part, "base64url");
  if (bytes !== undefined && buf.length !== bytes) return undefined;
  return buf.toString("base64url") === part ? buf : undefined;
}
