/**
 * Case codes people can type back: four groups of four characters from Crockford's base32
 * (no I, L, O or U to misread), the last one a check character (Luhn mod 32). Ordinary
 * words ("saya butuh bantuan", any sixteen letters) are never read as a code: a code has
 * the shape, at least one digit, and a check character that fits.
 */

/** Crockford's base32. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const N = CODE_ALPHABET.length;
/** Characters people type for ones that look alike (Crockford's decoding rules). */
const LOOK_ALIKE: Readonly<Record<string, string>> = { O: "0", I: "1", L: "1" };

const SHAPE =
  /^\s*([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s-]?([0-9A-Za-z]{4})[\s.!?]*$/;

/** The check character for the code's first fifteen characters (Luhn mod N). */
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

/** `XXXX-XXXX-XXXX-XXXC` from fifteen code characters. */
export function withCheck(data: string): string {
  const full = data + checkCharacter(data);
  return full.match(/.{4}/g)?.join("-") ?? full;
}

/**
 * The case code a message is, normalised (`7QX9-M2PA-KD8R-W3TB`), or undefined when the
 * message is anything else.
 *
 * @example caseCodeIn("7qx9 m2pa kd8r w3tb") // -> "7QX9-M2PA-KD8R-W3TB" (when its check fits)
 */
export function caseCodeIn(text: string): string | undefined {
  if (text.length > 40) return undefined;
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const chars = m
    .slice(1, 5)
    .join("")
    .toUpperCase()
    .replace(/[OIL]/g, (c) => LOOK_ALIKE[c] ?? c);
  if (![...chars].every((c) => CODE_ALPHABET.includes(c)) || !/\d/.test(chars)) return undefined;
  const data = chars.slice(0, 15);
  return checkCharacter(data) === chars[15] ? withCheck(data) : undefined;
}
