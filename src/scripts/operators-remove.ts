/**
 * `npm run operators:remove -- --username NAME`
 *
 * Deletes a console account and ends its sessions at once. What the account did stays in
 * the cases' and the console's audit logs.
 */
import { parseArgs } from "node:util";
import { openStores, runCli } from "../console/cli.js";
import { AccountError, removeAccount } from "../console/manage.js";

await runCli(async () => {
  const { values } = parseArgs({ options: { username: { type: "string" } } });
  if (!values.username)
    throw new AccountError("Usage: npm run operators:remove -- --username NAME");
  const stores = await openStores();
  try {
    await removeAccount(stores.accounts, stores.sessions, values.username);
    process.stdout.write(`Account "${values.username}" removed; its sessions have ended.\n`);
  } finally {
    await stores.redis.quit();
  }
});
