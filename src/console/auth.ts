/**
 * Signing in and out: password (Argon2id), then the account's TOTP code when it has one
 * or its role requires one, under a per-account lockout. Every attempt is audited; a
 * refusal never says which of name, password or code was wrong.
 */
import type { Account, AccountStore } from "./accounts.js";
import type { ConsoleAudit } from "./audit-log.js";
import type { Lockout } from "./lockout.js";
import { checkPassword, decoyHash } from "./passwords.js";
import type { ConsoleSession, SessionStore } from "./sessions.js";
import type { ConsoleConfig } from "./settings.js";
import { checkTotp } from "./totp.js";

/** Why signing in was refused. */
export type SignInRefusal =
  /** Name, password or code wrong (never said which). */
  | "wrong"
  /** Too many wrong attempts: wait. */
  | "locked"
  /** The role needs two-factor, and the account has none set up yet. */
  | "totp_setup_needed";

export type SignInResult =
  | { ok: true; sessionId: string; account: Account }
  | { ok: false; reason: SignInRefusal };

export interface ConsoleAuthDeps {
  accounts: AccountStore;
  sessions: SessionStore;
  lockout: Lockout;
  audit: ConsoleAudit;
  config: Pick<ConsoleConfig, "totpRequiredFor">;
  now: () => number;
}

/** Whether the account must give a code to sign in. */
export function needsCode(a: Account, required: readonly string[]): boolean {
  return a.totpSecret !== undefined || required.includes(a.role);
}

/** See the file comment. */
export class ConsoleAuth {
  constructor(readonly d: ConsoleAuthDeps) {}

  async signIn(rawName: string, password: string, code: string): Promise<SignInResult> {
    const username = rawName.trim().toLowerCase().slice(0, 64);
    const now = this.d.now();
    const refuse = async (reason: SignInRefusal, detail: string = reason) => {
      await this.d.audit.add({
        at: now,
        by: username || "?",
        action: "sign_in",
        ok: false,
        detail,
      });
      return { ok: false as const, reason };
    };
    if (await this.d.lockout.locked(username, now)) return refuse("locked");
    let account = await this.d.accounts.get(username);
    const passwordOk = await checkPassword(account?.passwordHash ?? (await decoyHash()), password);
    if (!account || !passwordOk) return this.#failed(username, now, refuse);
    if (needsCode(account, this.d.config.totpRequiredFor)) {
      if (!account.totpSecret) return refuse("totp_setup_needed");
      const step = await checkTotp(account.totpSecret, code, now, account.totpLastStep);
      if (step === undefined) return this.#failed(username, now, refuse, "wrong_code");
      account = { ...account, totpLastStep: step };
      await this.d.accounts.put(account);
    }
    await this.d.lockout.clear(username);
    const sessionId = await this.d.sessions.create(username, now);
    await this.d.audit.add({ at: now, by: username, action: "sign_in", ok: true });
    return { ok: true, sessionId, account };
  }

  /** The session's account, when the session is live and the account still exists. */
  async current(
    sessionId: string | undefined,
  ): Promise<{ session: ConsoleSession; account: Account } | undefined> {
    if (!sessionId || sessionId.length > 100) return undefined;
    const session = await this.d.sessions.get(sessionId, this.d.now());
    if (!session) return undefined;
    const account = await this.d.accounts.get(session.username);
    if (!account) {
      await this.d.sessions.end(sessionId);
      return undefined;
    }
    return { session, account };
  }

  async signOut(sessionId: string, username: string): Promise<void> {
    await this.d.sessions.end(sessionId);
    await this.d.audit.add({ at: this.d.now(), by: username, action: "sign_out", ok: true });
  }

  async #failed(
    username: string,
    now: number,
    refuse: (r: SignInRefusal, detail?: string) => Promise<SignInResult>,
    detail = "wrong",
  ): Promise<SignInResult> {
    const locked = await this.d.lockout.failed(username, now);
    return refuse("wrong", locked ? `${detail}_now_locked` : detail);
  }
}
