/**
 * The console as the operators' only surface (decision 0041): in production, a service
 * with a channel and no Telegram group starts only when someone can work its cases in the
 * console, that is when at least one operator or supervisor account exists. Accounts live
 * in Redis, so this is checked at start-up, not in the pure configuration check.
 */
import type { AccountStore } from "./accounts.js";

/** Roles that work cases (coordinators see figures only). */
const WORKS_CASES = new Set(["operator", "supervisor"]);

/**
 * Why nobody could work cases in the console; undefined when somebody can.
 *
 * @example await consoleOperatorsProblem(new MemoryAccountStore()) // "OPERATOR_CHAT_ID or a console account: ..."
 */
export async function consoleOperatorsProblem(accounts: AccountStore): Promise<string | undefined> {
  const all = await accounts.list();
  if (all.some((a) => WORKS_CASES.has(a.role))) return undefined;
  return (
    "Invalid configuration:\n  OPERATOR_CHAT_ID or a console account: NODE_ENV=production with a channel needs somewhere operators see cases. " +
    "Either set OPERATOR_CHAT_ID (the operators' Telegram group) and OPERATOR_IDS, or add an operator or supervisor account to the web console " +
    "with this service's settings: npm run operators:add -- --username NAME --role supervisor"
  );
}
