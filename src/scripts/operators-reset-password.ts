/**
 * `npm run operators:reset-password -- --username NAME [--totp]`
 *
 * Sets a new password (read from standard input) and ends the account's sessions. With
 * --totp, also a new two-factor secret (a lost phone): the QR code is printed once.
 */
import { parseArgs } from "node:util";
import { openStores, readPassword, runCli } from "../console/cli.js";
import { AccountError, resetPassword } from "../console/manage.js";
import { totpQrTerminal } from "../console/totp.js";

await runCli(async () => {
  const { values } = parseArgs({
    options: { username: { type: "string" }, totp: { type: "boolean", default: false } },
  });
  if (!values.username)
    throw new AccountError("Usage: npm run operators:reset-password -- --username NAME [--totp]");
  const stores = await openStores();
  try {
    const password = await readPassword("New password: ");
    const made = await resetPassword(
      stores.accounts,
      stores.sessions,
      values.username,
      password,
      values.totp === true,
    );
    process.stdout.write(
      `New password set for "${made.account.username}"; its sessions have ended.\n`,
    );
    if (made.totpUri) {
      process.stdout.write(
        `\nNew two-factor secret: scan this with an authenticator app (shown once):\n${await totpQrTerminal(made.totpUri)}\n${made.totpUri}\n`,
      );
    }
  } finally {
    await stores.redis.quit();
  }
});
