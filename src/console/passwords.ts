/**
 * Passwords: Argon2id through `@node-rs/argon2` (a maintained Rust binding with prebuilt
 * binaries for Node 20), at OWASP's recommended minimum cost (19 MiB, 2 passes).
 */
import { hash, verify } from "@node-rs/argon2";

/** `Algorithm.Argon2id` (the binding's const enum, which isolated modules cannot import). */
const ARGON2ID = 2;
const COST = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shortest and longest passwords accepted. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** Why a new password is refused, or undefined when it is fine. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `at most ${PASSWORD_MAX} characters`;
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, COST);
}

/** Whether `password` matches `stored`; false (never a throw) for a malformed hash. */
export async function checkPassword(stored: string, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX) return false;
  return verify(stored, password).catch(() => false);
}

/**
 * A hash to check against when the username is unknown, so that a wrong name takes as long
 * as a wrong password and does not tell which names exist.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword("not a password of anyone");
  return decoy;
}
