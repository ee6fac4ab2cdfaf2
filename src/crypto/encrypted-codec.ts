/**
 * Encryption at rest: a {@link Codec} that encrypts the whole encoded value with AES-256-GCM,
 * so every store that writes through a codec (sessions, outbox, cases, schedules) keeps only
 * ciphertext in Redis. See docs/decisions/0006-encryption-at-rest.md.
 *
 * Stored form (one line of ASCII, `.`-separated, base64url without padding):
 *
 *     e1.<key id>.<iv: 12 bytes>.<tag: 16 bytes>.<ciphertext>
 *
 * - `e1` is the format version; `e1.<key id>` is bound as additional authenticated data, so
 *   a value cannot be relabelled to another key id without failing authentication.
 * - A fresh random 12-byte IV per value: two encryptions of the same value differ.
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
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { type Codec, CodecError, jsonCodec } from "../stores/codec.js";
import { type DataKeys, KEY_BYTES, KEY_ID_PATTERN } from "./keys.js";

/** Every encrypted value starts with this; nothing JSON writes does. */
export const ENCRYPTED_PREFIX = "e1.";

const VERSION = "e1";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
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
   * codec (the bytes stay exactly as they were). Plaintext is accepted only with
   * `allowPlaintextRead`, and only when the inner codec can decode it.
   * @throws DecryptError or CodecError as {@link Codec.decode} would
   */
  reencrypt(text: string): string;
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
  const currentAad = header(currentId);
  const known = [...byId.keys()].join(", ");

  function encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(currentAad);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${VERSION}.${currentId}.${iv.toString("base64url")}.${tag.toString("base64url")}.${body.toString("base64url")}`;
  }

  /** The inner codec's text inside an encrypted value. */
  function decrypt(text: string): { plain: string; keyId: string } {
    const parts = text.split(".");
    const id = parts[1] !== undefined && KEY_ID_PATTERN.test(parts[1]) ? parts[1] : undefined;
    const malformed = (what: string) =>
      new DecryptError(
        "malformed",
        id,
        `stored value ${id ? `under key ${id} ` : ""}is malformed: ${what}`,
      );
    if (parts.length !== 5 || parts[0] !== VERSION) throw malformed("wrong number of parts");
    if (id === undefined) throw malformed("the key id is not a valid id");
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
      decipher.setAAD(header(id));
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      return { plain, keyId: id };
    } catch {
      throw new DecryptError(
        "tampered",
        id,
        `stored value under key ${id} failed authentication: it was changed, or the key configured as ${id} is not the key it was written with`,
      );
    }
  }

  /** The inner codec's text: decrypted, or (when allowed) the plaintext as it is. */
  function open(text: string): { plain: string; keyId: string | undefined } {
    if (text.startsWith(ENCRYPTED_PREFIX)) return decrypt(text);
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
    encode(value: unknown): string {
      return encrypt(inner.encode(value));
    },
    decode(text: string): unknown {
      const { plain, keyId } = open(text);
      return innerDecode(plain, keyId);
    },
    keyIdOf(text: string): string | undefined {
      if (!text.startsWith(ENCRYPTED_PREFIX)) return undefined;
      const end = text.indexOf(".", ENCRYPTED_PREFIX.length);
      const id = end < 0 ? "" : text.slice(ENCRYPTED_PREFIX.length, end);
      return KEY_ID_PATTERN.test(id) ? id : undefined;
    },
    reencrypt(text: string): string {
      const { plain, keyId } = open(text);
      if (keyId === undefined) innerDecode(plain, keyId); // plaintext: only if it is a value
      return encrypt(plain);
    },
  };
}

/** Whether `text` is in the encrypted format (by its prefix; not whether it is authentic). */
export function isEncrypted(text: string): boolean {
  return text.startsWith(ENCRYPTED_PREFIX);
}

/** The additional authenticated data: the format version and the key id. */
function header(keyId: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}`, "utf8");
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
