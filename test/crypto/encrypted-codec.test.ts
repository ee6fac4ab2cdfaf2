/**
 * The encrypting codec: round trips, fresh IVs, tamper detection, key rotation, plaintext
 * refusal, and errors that name the key id but never the content.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createEncryptedCodec,
  DecryptError,
  ENCRYPTED_PREFIX,
  isEncrypted,
} from "../../src/crypto/encrypted-codec.js";
import type { DataKey, DataKeys } from "../../src/crypto/keys.js";
import { CodecError, jsonCodec } from "../../src/stores/codec.js";

const k1: DataKey = { id: "k1", key: randomBytes(32) };
const k2: DataKey = { id: "k2", key: randomBytes(32) };
const only = (current: DataKey, ...previous: DataKey[]): DataKeys => ({ current, previous });

const SECRET = "Siti Rahmawati";
const session = {
  v: 1,
  lang: "id",
  answers: { name: SECRET, phone: "+62 812 3456 7890", passport: "X1234567" },
  place: { lat: 13.6543, lon: 102.5632 },
  reasons: ["not_safe"],
};

const FORMAT = /^e1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

/** `text` with one byte of its `part`-th dot-separated part (0-based) flipped. */
function flipByte(text: string, part: number, index = 0): string {
  const parts = text.split(".");
  const bytes = Buffer.from(parts[part] ?? "", "base64url");
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

function decodeError(codec: { decode(t: string): unknown }, text: string): DecryptError {
  try {
    codec.decode(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptError);
    return err as DecryptError;
  }
  throw new Error("decode did not throw");
}

describe("createEncryptedCodec", () => {
  const codec = createEncryptedCodec(only(k1));

  it.each([
    ["a session", session],
    ["a list of effects", [{ type: "reply", text: "Halo 👋, apa kabar?" }, { type: "end" }]],
    ["a string", "plain"],
    ["a number", 42],
    ["null", null],
    ["an empty object", {}],
  ])("round-trips %s", (_, value) => {
    expect(codec.decode(codec.encode(value))).toEqual(value);
  });

  it("writes the compact format, with the key id in clear and nothing else readable", () => {
    const text = codec.encode(session);
    const m = FORMAT.exec(text);
    expect(m, text).not.toBeNull();
    expect(m?.[1]).toBe("k1");
    expect(isEncrypted(text)).toBe(true);
    expect(text.startsWith(ENCRYPTED_PREFIX)).toBe(true);
    expect(codec.keyIdOf(text)).toBe("k1");
    for (const s of [SECRET, "Siti", "X1234567", "13.6543", "answers"])
      expect(text).not.toContain(s);
    // base64 of the plaintext would be a disguise, not encryption
    expect(text).not.toContain(
      Buffer.from(JSON.stringify(session)).toString("base64url").slice(0, 12),
    );
  });

  it("encrypts the same value differently every time (fresh IV)", () => {
    const a = codec.encode(session);
    const b = codec.encode(session);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
    expect(codec.decode(a)).toEqual(codec.decode(b));
  });

  it.each([
    ["the iv", 2],
    ["the tag", 3],
    ["the ciphertext", 4],
  ])("detects a flipped byte in %s", (_, part) => {
    const text = codec.encode(session);
    for (const index of [0, 5, 11]) {
      const err = decodeError(codec, flipByte(text, part, index));
      expect(err.reason).toBe("tampered");
      expect(err.keyId).toBe("k1");
    }
  });

  it("detects a value relabelled to another configured key id (the id is authenticated)", () => {
    const both = createEncryptedCodec(only(k1, { id: "k2", key: k1.key }));
    // Same key bytes under another id: only the additional authenticated data differs.
    const relabelled = both.encode(session).replace(/^e1\.k1\./, "e1.k2.");
    const err = decodeError(both, relabelled);
    expect(err.reason).toBe("tampered");
    expect(err.keyId).toBe("k2");
  });

  it("refuses a value under a key id that is not configured, naming that id", () => {
    const text = codec.encode(session).replace(/^e1\.k1\./, "e1.k9.");
    const err = decodeError(codec, text);
    expect(err.reason).toBe("unknown-key");
    expect(err.keyId).toBe("k9");
    expect(err.message).toContain("k9");
  });

  it.each([
    ["too few parts", (t: string) => t.split(".").slice(0, 4).join(".")],
    ["too many parts", (t: string) => `${t}.x`],
    ["a short iv", (t: string) => t.replace(/^(e1\.k1\.)[^.]{2}/, "$1")],
    ["a non-canonical tag", (t: string) => t.replace(/^(e1\.k1\.[^.]+\.[^.]{21})./, "$1_")],
    ["characters outside base64url", (t: string) => `${t.slice(0, -2)}+/`],
    ["a truncated ciphertext", (t: string) => t.slice(0, -8)],
  ])("refuses a malformed value: %s", (_, change) => {
    const err = decodeError(codec, change(codec.encode(session)));
    expect(["malformed", "tampered"]).toContain(err.reason);
  });

  it("never puts content into an error message", () => {
    const text = codec.encode(session);
    const attempts = [
      flipByte(text, 4),
      text.replace(/^e1\.k1\./, "e1.k9."),
      `e1.${SECRET}.aaaa.bbbb.cccc`,
      `e1.k1.${SECRET}`,
      JSON.stringify(session),
    ];
    for (const bad of attempts) {
      const err = decodeError(codec, bad);
      expect(err.message).not.toContain("Siti");
      expect(err.message).not.toContain("X1234567");
      expect(JSON.stringify(err)).not.toContain("Siti");
    }
  });

  it("does not leak content when a decrypted value fails to decode (JSON.parse quotes it)", () => {
    const raw: typeof jsonCodec = { encode: (v) => String(v), decode: jsonCodec.decode };
    const c = createEncryptedCodec(only(k1), raw);
    const text = c.encode(`${SECRET} is not JSON`);
    expect(() => c.decode(text)).toThrow(CodecError);
    try {
      c.decode(text);
    } catch (err) {
      expect((err as Error).message).toContain("k1");
      expect((err as Error).message).not.toContain("Siti");
      expect((err as Error).cause).toBeUndefined();
    }
  });

  describe("plaintext written before encryption", () => {
    const plain = jsonCodec.encode(session);

    it("is refused by default", () => {
      const err = decodeError(codec, plain);
      expect(err.reason).toBe("plaintext");
      expect(err.keyId).toBeUndefined();
      expect(err.message).toContain("keys:rotate");
    });

    it("is read with allowPlaintextRead, and re-encrypted as it is", () => {
      const migrating = createEncryptedCodec(only(k1), jsonCodec, { allowPlaintextRead: true });
      expect(migrating.decode(plain)).toEqual(session);
      const encrypted = migrating.reencrypt(plain);
      expect(migrating.keyIdOf(encrypted)).toBe("k1");
      expect(codec.decode(encrypted)).toEqual(session);
    });

    it("is not re-encrypted when it is not a value the inner codec can read", () => {
      const migrating = createEncryptedCodec(only(k1), jsonCodec, { allowPlaintextRead: true });
      expect(() => migrating.reencrypt(`${SECRET}`)).toThrow(CodecError);
    });
  });

  describe("rotation", () => {
    const old = createEncryptedCodec(only(k1));
    const rotated = createEncryptedCodec(only(k2, k1));
    const withoutK1 = createEncryptedCodec(only(k2));

    it("reads values written under a previous key, and writes under the current one", () => {
      const written = old.encode(session);
      expect(rotated.decode(written)).toEqual(session);
      expect(rotated.keyIdOf(rotated.encode(session))).toBe("k2");
      expect(rotated.currentKeyId).toBe("k2");
    });

    it("re-encrypts under the current key; the old key is then no longer needed", () => {
      const written = old.encode(session);
      const again = rotated.reencrypt(written);
      expect(rotated.keyIdOf(again)).toBe("k2");
      expect(withoutK1.decode(again)).toEqual(session);
      expect(decodeError(withoutK1, written).reason).toBe("unknown-key");
    });

    it("detects a key configured under the right id but with the wrong bytes", () => {
      const wrong = createEncryptedCodec(only({ id: "k1", key: randomBytes(32) }));
      expect(decodeError(wrong, old.encode(session)).reason).toBe("tampered");
    });
  });

  it("refuses bad keys when it is built", () => {
    expect(() => createEncryptedCodec(only({ id: "k1", key: randomBytes(16) }))).toThrow(
      /32 bytes/,
    );
    expect(() => createEncryptedCodec(only({ id: "k.1", key: randomBytes(32) }))).toThrow(/id/);
    expect(() => createEncryptedCodec(only(k1, { id: "k1", key: randomBytes(32) }))).toThrow(
      /twice/,
    );
  });
});
