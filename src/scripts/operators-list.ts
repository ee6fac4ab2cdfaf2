/**
 * `npm run operators:list`
 *
 * One line per console account: username, role, whether it uses two-factor, and the
 * linked Telegram id. Never a password hash or a secret.
 */
import { openStores, runCli } from "../console/cli.js";
import { describeAccounts } from "../console/manage.js";

await runCli(async () => {
  const stores = await openStores();
  try {
    const lines = describeAccounts(await stores.accounts.list());
    process.stdout.write(lines.length > 0 ? `${lines.join("\n")}\n` : "No accounts yet.\n");
  } finally {
    await stores.redis.quit();
  }
});
