/**
 * The local demo's console account: with no channel configured, `npm start` serves the
 * console on in-memory stores with one account, `demo`, whose one-time password is made
 * at start-up and printed in the terminal (never logged). It is a supervisor, so a
 * newcomer sees everything (queue, cases, audit, dashboard); the demo waives two-factor
 * for it, since nothing in the demo leaves the machine. It never exists with Redis.
 */
import { randomBytes } from "node:crypto";
import type { AccountStore } from "./accounts.js";
import { hashPassword } from "./passwords.js";

export const DEMO_USERNAME = "demo";

export interface DemoCredentials {
  username: string;
  password: string;
}

/** A password that is easy to type from a terminal: four groups of four letters. */
function demoPassword(): string {
  const letters = "abcdefghjkmnpqrstuvwxyz";
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => letters[b % letters.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join("")).join("-");
}

/** Create (or replace) the demo account; returns its credentials. */
export async function createDemoAccount(
  accounts: AccountStore,
  now: number,
  lang?: string,
): Promise<DemoCredentials> {
  const password = demoPassword();
  await accounts.put({
    username: DEMO_USERNAME,
    role: "supervisor",
    passwordHash: await hashPassword(password),
    createdAt: now,
    ...(lang ? { lang } : {}),
  });
  return { username: DEMO_USERNAME, password };
}

/** What the terminal shows once the console is listening. */
export function demoNotice(url: string, creds: DemoCredentials): string {
  return (
    `\nOperator console: ${url}/console\n` +
    `  username: ${creds.username}\n  password: ${creds.password}   (this run only)\n\n`
  );
}
