/**
 * What encryption at rest costs per stored value: a 2 KB session encoded and decoded with
 * plain JSON and with the AES-256-GCM codec (bound to its place, as the Redis stores write),
 * and what one 12-byte IV costs from `randomBytes` and from the pool the codec uses
 * (decision 0013). Part of `npm run bench` (with the engine); `npx tsx bench/codec.ts`
 * runs it alone.
 */
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { pathToFileURL } from "node:url";
import { createEncryptedCodec } from "../src/crypto/encrypted-codec.js";
import { nextIv } from "../src/crypto/iv-pool.js";
import { newSession } from "../src/engine/session.js";
import { type Codec, jsonCodec } from "../src/stores/codec.js";

export interface CodecResult {
  /** Bytes of the session's JSON. */
  sessionBytes: number;
  /** Encrypted length of that session, in bytes. */
  storedBytes: number;
  /** µs per encode+decode. */
  jsonUs: number;
  encryptedUs: number;
  /** ns per IV. */
  ivRandomBytesNs: number;
  ivPoolNs: number;
}

/** A session at the 2 KB ceiling (DESIGN.md): typical answers, padded with a long note. */
function twoKilobyteSession(): unknown {
  const s = {
    ...newSession(Date.UTC(2026, 0, 20), "id"),
    at: "help.consent",
    answers: {
      name: "Siti Rahmawati",
      phone: "+62 812 3456 7890",
      passport: "X1234567",
      people: 30,
      injuries: "teman saya dipukuli kemarin, kakinya bengkak",
      safe_time: "malam setelah jam 11",
    } as Record<string, string | number>,
    place: { lat: 13.6543, lon: 102.5632, country: "KH", id: "poipet" },
    reasons: ["not_safe", "injured", "beaten", "passport_held"],
    caseRef: "7QX9M-2PAKD",
    turns: 14,
  };
  const size = () => Buffer.byteLength(JSON.stringify(s));
  s.answers.note = "";
  s.answers.note = "x".repeat(2048 - size());
  return s;
}

/** Mean ns per call of `fn`, run in rounds of `batch` for about `seconds`. */
function perCall(fn: () => unknown, seconds: number, batch = 1000): number {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  const started = process.hrtime.bigint();
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    now = process.hrtime.bigint();
  }
  return Number(now - started) / n;
}

/** Run each measurement for about `seconds` (after a short warm-up). */
export function benchCodec(seconds: number): CodecResult {
  const value = twoKilobyteSession();
  const place = "c:{Pf3kq0nX2m9yW1sVb7cRgA}#s"; // a hashed conversation name, as in production
  const encrypted = createEncryptedCodec({
    current: { id: "k1", key: randomBytes(32) },
    previous: [],
  });
  const roundTrip = (codec: Codec) => () => codec.decode(codec.encode(value, place), place);
  const warm = Math.min(0.5, seconds / 4);
  for (const f of [roundTrip(jsonCodec), roundTrip(encrypted), () => randomBytes(12), nextIv])
    perCall(f, warm);
  return {
    sessionBytes: Buffer.byteLength(JSON.stringify(value)),
    storedBytes: encrypted.encode(value, place).length,
    jsonUs: perCall(roundTrip(jsonCodec), seconds) / 1000,
    encryptedUs: perCall(roundTrip(encrypted), seconds) / 1000,
    ivRandomBytesNs: perCall(() => randomBytes(12), seconds, 10_000),
    ivPoolNs: perCall(nextIv, seconds, 10_000),
  };
}

/** One line for the report. */
export function describeCodec(r: CodecResult): string {
  return `Encryption at rest, per encode+decode of a ${r.sessionBytes}-byte session: ${r.jsonUs.toFixed(1)} µs as JSON, ${r.encryptedUs.toFixed(1)} µs encrypted and bound to its place (${r.storedBytes} bytes stored). One IV: ${r.ivRandomBytesNs.toFixed(0)} ns from randomBytes(12), ${r.ivPoolNs.toFixed(0)} ns from the pool.`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = benchCodec(3);
  process.stdout.write(
    `${cpus()[0]?.model ?? "cpu"}, Node ${process.version}\n${describeCodec(r)}\n`,
  );
}
