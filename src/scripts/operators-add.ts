/**
 * `npm run operators:add -- --username NAME --role operator|supervisor|coordinator
 *  [--telegram-id ID] [--lang id|en] [--totp]`
 *
 * Creates a console account in the service's Redis (REDIS_URL). The password is read from
 * standard input (typed without echo on a terminal). Supervisors and coordinators (see
 * CONSOLE_TOTP_REQUIRED_FOR), and anyone with --totp, get two-factor at once: the script
 * prints the QR code and address for their authenticator app, once.
 */
import { parseArgs } from "node:util";
import { openStores, readPassword, runCli } from "../console/cli.js";
import { AccountError, addAccount } from "../console/manage.js";
import { consoleRoleSchema } from "../console/settings.js";
import { totpQrTerminal } from "../console/totp.js";

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      username: { type: "string" },
      role: { type: "string" },
      "telegram-id": { type: "string" },
      lang: { type: "string" },
      totp: { type: "boolean", default: false },
    },
  });
  const role = consoleRoleSchema.safeParse(values.role);
  if (!values.username || !role.success)
    throw new AccountError(
      "Usage: npm run operators:add -- --username NAME --role operator|supervisor|coordinator [--telegram-id ID] [--lang id|en] [--totp]",
    );
  const stores = await openStores();
  try {
    const password = await readPassword();
    const made = await addAccount(
      stores.accounts,
      {
        username: values.username,
        role: role.data,
        password,
        totp: values.totp === true,
        ...(values["telegram-id"] ? { telegramId: values["telegram-id"] } : {}),
        ...(values.lang ? { lang: values.lang } : {}),
      },
      stores.config.console.totpRequiredFor,
      Date.now(),
    );
    process.stdout.write(`Account "${made.account.username}" (${made.account.role}) created.\n`);
    if (made.totpUri) {
      process.stdout.write(
        `\nTwo-factor: scan this with an authenticator app (shown once):\n${await totpQrTerminal(made.totpUri)}\n${made.totpUri}\n`,
      );
    }
  } finally {
    await stores.redis.quit();
  }
});
