/**
 * Case codes people can keep and type back: ten characters from Crockford's base32 (no I,
 * L, O or U to misread; typed, they are forgiven as 1, 1, 0 and V) and a check character
 * (Luhn mod 32), written in three groups: `7QX9-M2PA-KDC`. Ordinary words ("saya butuh
 * bantuan", "kamu lagi apa") are never read as a code: a code has the shape, a digit as
 * typed (every code holds one of 2 to 9, which nobody types as a letter), and a check
 * character that fits. Codes of the earlier, longer format
 * (`XXXX-XXXX-XXXX-XXXC`) are still read, so nobody who holds one loses their case.
 * See docs/decisions/0016.
 */

/** Crockford's base32. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const N = CODE_ALPHABET.length;
/** Characters people type for ones that look alike (Crockford's decoding rules, and U for V). */
const LOOK_ALIKE: Readonly<Record<string, string>> = { O: "0", I: "1", L: "1", U: "V" };

/** Random characters in a code, before its check character. */
export const CODE_DATA_LENGTH = 10;

/** `7QX9-M2PA-KDC`: groups of 4, 4 and 3, the last character being the check. */
const SHAPE = /^\s*([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{3})[\s.!?]*$/;
/** The earlier format: four groups of four. */
const LEGACY_SHAPE =
  /^\s*([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s.!?]*$/;

/** The check character for a code's data characters (Luhn mod N). */
export function checkCharacter(data: string): string {
  let sum = 0;
  let double = true;
  for (let i = data.length - 1; i >= 0; i--) {
    let v = CODE_ALPHABET.indexOf(data[i] as string);
    if (double) {
      v *= 2;
      v = Math.floor(v / N) + (v % N);
    }
    sum += v;
    double = !double;
  }
  return CODE_ALPHABET[(N - (sum % N)) % N] as string;
}

/**
 * A code as people see it, from its data characters: `7QX9-M2PA-KDC` from ten (the
 * check character added), or the earlier `XXXX-XXXX-XXXX-XXXC` from fifteen.
 */
export function withCheck(data: string): string {
  const full = data + checkCharacter(data);
  return full.match(/.{1,4}/g)?.join("-") ?? full;
}

/**
 * The case code a message is, normalised (`7QX9-M2PA-KDC`), or undefined when the message
 * is anything else.
 *
 * @example caseCodeIn("7qx9 m2pa kd8") // -> "7QX9-M2PA-KDC" (when its check fits)
 */
export function caseCodeIn(text: string): string | undefined {
  if (text.length > 40) return undefined;
  const m = SHAPE.exec(text) ?? LEGACY_SHAPE.exec(text);
  if (!m) return undefined;
  const typed = m.slice(1).join("").toUpperCase();
  // A digit as typed: "kamu lagi apa" holds none, even though L and I are read as 1.
  if (!/\d/.test(typed)) return undefined;
  const chars = typed.replace(/[OILU]/g, (c) => LOOK_ALIKE[c] ?? c);
  if (![...chars].every((c) => CODE_ALPHABET.includes(c))) return undefined;
  const data = chars.slice(0, -1);
  return checkCharacter(data) === chars.slice(-1) ? withCheck(data) : undefined;
}
