/**
 * Case references: short enough to read out to an operator, random enough that nobody
 * can guess another person's (50 bits from node:crypto).
 */
import { randomBytes } from "node:crypto";
import { CODE_DATA_LENGTH, withCheck } from "../understanding/case-code.js";

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
 * A person's secret case code such as `7QX9-M2PA-KDC`: 50 random bits in ten characters
 * and a check character, short enough to learn by heart, read aloud and type on a phone,
 * to find their case again from another account. It always holds a digit from 2 to 9, so
 * that no word can pass for one (see `caseCodeIn`). Why 50 bits are enough: docs/decisions/0016.
 */
export function newCaseCode(): string {
  for (;;) {
    const bytes = randomBytes(CODE_DATA_LENGTH);
    let data = "";
    for (let i = 0; i < CODE_DATA_LENGTH; i++) data += ALPHABET[(bytes[i] as number) & 31];
    // A digit nobody types as a letter (not 0 or 1): see `caseCodeIn`.
    if (/[2-9]/.test(data)) return withCheck(data);
  }
}
