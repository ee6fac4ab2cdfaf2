/**
 * Case references: short enough to read out to an operator, random enough that nobody
 * can guess another person's (50 bits from node:crypto).
 */
import { randomBytes } from "node:crypto";
import { withCheck } from "../understanding/case-code.js";

/** Crockford's base32: no I, L, O or U to misread. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A new case reference such as `7QX9M-2PAKD`. */
export function newCaseRef(): string {
  const bytes = randomBytes(10);
  let out = "";
  for (let i = 0; i < 10; i++) {
    out += ALPHABET[(bytes[i] as number) & 31];
    if (i === 4) out += "-";
  }
  return out;
}

/**
 * A person's secret case code such as `7QX9-M2PA-KD8R-W3TB`: 75 random bits in fifteen
 * characters and a check character, four groups of four to read and type on a phone, to
 * find their case again from another account. It always holds a digit, so that no word
 * can pass for one (see `caseCodeIn`).
 */
export function newCaseCode(): string {
  for (;;) {
    const bytes = randomBytes(15);
    let data = "";
    for (let i = 0; i < 15; i++) data += ALPHABET[(bytes[i] as number) & 31];
    if (/\d/.test(data)) return withCheck(data);
  }
}
