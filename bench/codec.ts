/**
 * `npx tsx bench/codec.ts`: what encryption at rest costs per stored value. Encodes and
 * decodes a 2 KB session with plain JSON and with the AES-256-GCM codec, and prints the time
 * per encode+decode of each. Not part of `npm test`; figures go in docs/decisions/0006.
 */
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { createEncryptedCodec } from "../src/crypto/encrypted-codec.js";
import { newSession } from "../src/engine/session.js";
import { type Codec, jsonCodec } from "../src/stores/codec.js";

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

function measure(codec: Codec, value: unknown, seconds: number): number {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  const started = process.hrtime.bigint();
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) codec.decode(codec.encode(value));
    n += 1000;
    now = process.hrtime.bigint();
  }
  return Number(now - started) / 1000 / n; // µs per encode+decode
}

const value = twoKilobyteSession();
const encrypted = createEncryptedCodec({
  current: { id: "k1", key: randomBytes(32) },
  previous: [],
});
const stored = encrypted.encode(value);
measure(jsonCodec, value, 0.5); // warm up
measure(encrypted, value, 0.5);
const json = measure(jsonCodec, value, 3);
const aes = measure(encrypted, value, 3);

process.stdout.write(
  [
    `codec cost per encode+decode of a ${Buffer.byteLength(JSON.stringify(value))}-byte session (${cpus()[0]?.model ?? "cpu"}, Node ${process.version}):`,
    `  json:              ${json.toFixed(1)} µs`,
    `  aes-256-gcm+json:  ${aes.toFixed(1)} µs  (encryption adds ${(aes - json).toFixed(1)} µs)`,
    `  stored size:       ${stored.length} bytes encrypted (base64url) vs ${JSON.stringify(value).length} plain`,
    "",
  ].join("\n"),
);
