/** What the operators:* scripts do, on the memory twins; and the sign-in rules. */
import { describe, expect, it } from "vitest";
import { MemoryAccountStore } from "../../src/console/accounts.js";
import { MemoryConsoleAudit } from "../../src/console/audit-log.js";
import { ConsoleAuth } from "../../src/console/auth.js";
import { MemoryLockout } from "../../src/console/lockout.js";
import {
  AccountError,
  addAccount,
  describeAccounts,
  removeAccount,
  resetPassword,
} from "../../src/console/manage.js";
import { checkPassword } from "../../src/console/passwords.js";
import { MemorySessionStore } from "../../src/console/sessions.js";

const PW = "a long enough password";
const limits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

describe("managing accounts", () => {
  it("creates an account with an Argon2id hash, and two-factor for roles that need it", async () => {
    const store = new MemoryAccountStore();
    const op = await addAccount(
      store,
      { username: "Rina", role: "operator", password: PW },
      ["supervisor"],
      1,
    );
    expect(op.account.username).toBe("rina");
    expect(op.account.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await checkPassword(op.account.passwordHash, PW)).toBe(true);
    expect(op.totpUri).toBeUndefined();
    const sup = await addAccount(
      store,
      { username: "wati", role: "supervisor", password: PW },
      ["supervisor"],
      1,
    );
    expect(sup.totpUri).toMatch(/^otpauth:\/\/totp\/Pulang:wati\?secret=/);
    expect(describeAccounts(await store.list())).toEqual([
      "rina\toperator\tpassword only\t-",
      "wati\tsupervisor\ttwo-factor\t-",
    ]);
  });

  it("refuses bad names, short passwords, duplicates and bad Telegram ids, saying how to fix them", async () => {
    const store = new MemoryAccountStore();
    const add = (o: object) =>
      addAccount(store, { username: "ok", role: "operator", password: PW, ...o }, [], 1);
    await expect(add({ username: "<b>" })).rejects.toThrow(AccountError);
    await expect(add({ password: "short" })).rejects.toThrow("at least 12 characters");
    await expect(add({ telegramId: "12ab" })).rejects.toThrow("digits only");
    await add({});
    await expect(add({})).rejects.toThrow('already an account "ok"');
  });

  it("ends every session of a removed account or a new password", async () => {
    const store = new MemoryAccountStore();
    const sessions = new MemorySessionStore(limits);
    await addAccount(store, { username: "rina", role: "operator", password: PW }, [], 1);
    const s1 = await sessions.create("rina", 1);
    await resetPassword(store, sessions, "rina", "another long password", false);
    expect(await sessions.get(s1, 2)).toBeUndefined();
    const s2 = await sessions.create("rina", 2);
    await removeAccount(store, sessions, "rina");
    expect(await sessions.get(s2, 3)).toBeUndefined();
    await expect(removeAccount(store, sessions, "rina")).rejects.toThrow("no account");
  });
});

describe("signing in", () => {
  function auth(required: ("operator" | "supervisor" | "coordinator")[] = []) {
    const accounts = new MemoryAccountStore();
    const audit = new MemoryConsoleAudit();
    const a = new ConsoleAuth({
      accounts,
      sessions: new MemorySessionStore(limits),
      lockout: new MemoryLockout({ maxFailures: 3, lockoutMs: 60_000 }),
      audit,
      config: { totpRequiredFor: required },
      now: () => 1000,
    });
    return { a, accounts, audit };
  }

  it("refuses an account whose role needs a code app it does not have", async () => {
    const { a, accounts } = auth(["coordinator"]);
    await addAccount(accounts, { username: "kiki", role: "coordinator", password: PW }, [], 1);
    expect(await a.signIn("kiki", PW, "")).toEqual({ ok: false, reason: "totp_setup_needed" });
  });

  it("audits each attempt with the name tried, never the password", async () => {
    const { a, accounts, audit } = auth();
    await addAccount(accounts, { username: "rina", role: "operator", password: PW }, [], 1);
    await a.signIn("rina", "wrong password!!", "");
    expect((await a.signIn("RINA ", PW, "")).ok).toBe(true);
    expect(audit.entries.map((e) => [e.by, e.ok])).toEqual([
      ["rina", false],
      ["rina", true],
    ]);
    expect(JSON.stringify(audit.entries)).not.toContain("wrong password");
  });
});
