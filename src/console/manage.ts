/**
 * Managing accounts (the `operators:*` scripts and the demo account): pure over an
 * AccountStore and a SessionStore, so tests run them on memory twins.
 */
import { type Account, type AccountStore, USERNAME } from "./accounts.js";
import { hashPassword, passwordProblem } from "./passwords.js";
import type { SessionStore } from "./sessions.js";
import type { ConsoleRole } from "./settings.js";
import { newTotpSecret, totpUri } from "./totp.js";

/** A mistake of whoever runs the script: the message says how to fix it. */
export class AccountError extends Error {
  override readonly name = "AccountError";
}

export interface NewAccount {
  username: string;
  role: ConsoleRole;
  password: string;
  telegramId?: string;
  lang?: string;
  /** Set up two-factor now (always done for roles that require it). */
  totp?: boolean;
}

/** What was made, and the address for an authenticator app when two-factor was set up. */
export interface Made {
  account: Account;
  totpUri?: string;
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AccountError(`The password must be ${problem}.`);
}

export async function addAccount(
  store: AccountStore,
  input: NewAccount,
  required: readonly ConsoleRole[],
  now: number,
): Promise<Made> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME.test(username))
    throw new AccountError(
      "The username must be 2-32 characters: lowercase letters, digits, '.', '_' or '-'.",
    );
  if (input.telegramId !== undefined && !/^\d{1,15}$/.test(input.telegramId))
    throw new AccountError("The Telegram id must be digits only (ask @userinfobot for it).");
  if (await store.get(username))
    throw new AccountError(`There is already an account "${username}".`);
  checkPassword(input.password);
  const withTotp = input.totp === true || required.includes(input.role);
  const secret = withTotp ? newTotpSecret() : undefined;
  const account: Account = {
    username,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
    ...(secret ? { totpSecret: secret } : {}),
    ...(input.telegramId ? { telegramId: input.telegramId } : {}),
    ...(input.lang ? { lang: input.lang } : {}),
  };
  await store.put(account);
  return { account, ...(secret ? { totpUri: totpUri(username, secret) } : {}) };
}

export async function removeAccount(
  store: AccountStore,
  sessions: SessionStore,
  username: string,
): Promise<void> {
  if (!(await store.remove(username.trim().toLowerCase())))
    throw new AccountError(`There is no account "${username}".`);
  await sessions.endAll(username);
}

/**
 * A new password (and, with `totp`, a new two-factor secret); every session of the
 * account ends.
 */
export async function resetPassword(
  store: AccountStore,
  sessions: SessionStore,
  username: string,
  password: string,
  totp: boolean,
): Promise<Made> {
  const name = username.trim().toLowerCase();
  const account = await store.get(name);
  if (!account) throw new AccountError(`There is no account "${username}".`);
  checkPassword(password);
  const secret = totp ? newTotpSecret() : undefined;
  const { totpLastStep: _step, ...rest } = account;
  const next: Account = {
    ...(secret ? rest : account),
    passwordHash: await hashPassword(password),
    ...(secret ? { totpSecret: secret } : {}),
  };
  await store.put(next);
  await sessions.endAll(name);
  return { account: next, ...(secret ? { totpUri: totpUri(name, secret) } : {}) };
}

/** One line per account: name, role, two-factor, linked Telegram id. Never a secret. */
export function describeAccounts(accounts: readonly Account[]): string[] {
  return [...accounts]
    .sort((a, b) => a.username.localeCompare(b.username))
    .map(
      (a) =>
        `${a.username}\t${a.role}\t${a.totpSecret ? "two-factor" : "password only"}\t${a.telegramId ? `telegram ${a.telegramId}` : "-"}`,
    );
}
