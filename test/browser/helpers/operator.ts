/**
 * An operator in the web console, as a browser test drives them, by the accessible names
 * issue 14 fixes for the English interface: fields "Username", "Password", "Code"; buttons
 * "Sign in", "Claim", "Send", "Close case", "Sign out"; the reply box "Message". For the
 * operator journey (the console is built separately): start the service with
 * `startServiceProcess` (the fake Bot API's root and REDIS_URL in its environment), open a
 * desktop or phone page with `newPage`, then these steps.
 */
import type { Page } from "playwright-core";

/** Sign in at `/console` (`code`: the TOTP code, when the account has two-factor on). */
export async function signIn(
  page: Page,
  base: string,
  who: { username: string; password: string; code?: string },
): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByLabel("Username", { exact: true }).fill(who.username);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  if (who.code !== undefined) {
    await page.getByLabel("Code", { exact: true }).fill(who.code);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
}

/** Claim the case open on screen. */
export async function claim(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Claim", exact: true }).click();
}

/** Write to the person from the case open on screen. */
export async function reply(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send", exact: true }).click();
}

/** Close the case open on screen, with the outcome as the console names it. */
export async function closeCase(page: Page, outcome: string | RegExp): Promise<void> {
  await page.getByRole("button", { name: "Close case", exact: true }).click();
  const choice = page.getByRole("radio", { name: outcome });
  if (await choice.count()) await choice.check();
  else await page.getByRole("combobox").selectOption({ label: String(outcome) });
  await page.getByRole("button", { name: "Close case", exact: true }).last().click();
}

/** Sign out, and wait for the sign-in form again. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByLabel("Username", { exact: true }).waitFor();
}

/** Wait until the live page shows `text` (a queue row, the person's answer...). */
export async function shows(page: Page, text: string | RegExp, timeoutMs = 10_000): Promise<void> {
  await page.getByText(text).first().waitFor({ timeout: timeoutMs });
}
