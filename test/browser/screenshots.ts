/**
 * `npm run screenshots`: pictures of the web chat and the console for the README, taken
 * the way the browser tests drive them (the compiled demo service, Debian's Chromium),
 * into docs/screenshots/, then made smaller with pngquant when it is installed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { DESKTOP, launchBrowser, newPage, PHONE } from "./helpers/browser.js";
import { claim, reply, signIn } from "./helpers/operator.js";
import { type ServiceProcess, startServiceProcess } from "./helpers/service.js";
import { botSays, ID, say, sharePointOnMap } from "./helpers/web-chat.js";

const OUT = join(import.meta.dirname, "../../docs/screenshots");

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [service, browser] = await Promise.all([startServiceProcess(), launchBrowser()]);
  try {
    const phone = await newPage(browser, { viewport: PHONE });
    const page = phone.page;
    await page.goto(service.base);
    await say(page, "tolong sy dipukul bos, gak bisa keluar");
    await botSays(page, "Kamu ada di mana sekarang?");
    await page.screenshot({ path: join(OUT, "web-chat-phone.png") });
    await page.getByRole("button", { name: ID.shareLocation }).last().click();
    await page.getByRole("img", { name: /Peta/ }).click({ position: { x: 190, y: 200 } });
    await page.screenshot({ path: join(OUT, "web-chat-map.png") });
    await page.getByRole("button", { name: "Tutup" }).click();
    await sharePointOnMap(page, 13.65, 102.567);
    await botSays(page, "KBRI Phnom Penh");
    await page.screenshot({ path: join(OUT, "web-chat-hotline.png") });
    await phone.context.close();

    const desk = await newPage(browser, { viewport: DESKTOP, locale: "en-US" });
    await desk.page.goto(service.base);
    await desk.page.getByLabel("Message", { exact: true }).fill("hello, I want to go home");
    await desk.page.getByRole("button", { name: "Send", exact: true }).click();
    await botSays(desk.page, /./);
    await desk.page.waitForTimeout(500);
    await desk.page.screenshot({ path: join(OUT, "web-chat-desktop.png") });
    await desk.context.close();
    await consoleShots(browser, service);
    compress();
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    await service.stop();
  }
}

/**
 * The console of the same demo, on the case the web chat raised: the queue, the case
 * after a claim and a reply, and the dashboard on a desktop; the case on a phone.
 */
async function consoleShots(browser: Browser, service: ServiceProcess): Promise<void> {
  const password = /password: (\S+)/.exec(service.output())?.[1];
  if (!password) throw new Error("the demo printed no console password");
  const who = { username: "demo", password };
  const desk = await newPage(browser, { viewport: DESKTOP, locale: "en-US" });
  const page = desk.page;
  // The console's words in English (its language before signing in is a cookie).
  await page.goto(`${service.base}/console/sign-in?lang=en`);
  await signIn(page, service.base, who);
  await page.goto(`${service.base}/console/queue`);
  await page.locator("ol.queue li").first().waitFor();
  await page.screenshot({ path: join(OUT, "console-queue.png") });
  await page.locator("ol.queue a").first().click();
  await claim(page);
  await reply(page, "Halo, ini tim Pulang. Kamu aman sekarang?");
  await page.getByText("Delivered").first().waitFor();
  await page.screenshot({ path: join(OUT, "console-case.png"), fullPage: true });
  const caseUrl = page.url();
  await page.goto(`${service.base}/console/dashboard`);
  await page.locator(".chart").first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(OUT, "console-dashboard.png") });
  await desk.context.close();

  const phone = await newPage(browser, { viewport: PHONE, locale: "en-US" });
  await phone.page.goto(`${service.base}/console/sign-in?lang=en`);
  await signIn(phone.page, service.base, who);
  await phone.page.goto(caseUrl);
  await phone.page.screenshot({ path: join(OUT, "console-phone.png") });
  await phone.context.close();
}

/** Lossy PNG compression (Debian's pngquant), when it is installed; else left as they are. */
function compress(): void {
  const files = readdirSync(OUT)
    .filter((f) => f.endsWith(".png"))
    .map((f) => join(OUT, f));
  const done = spawnSync("pngquant", ["--force", "--ext", ".png", "--skip-if-larger", ...files]);
  if (done.error) process.stdout.write("pngquant not found: screenshots left uncompressed\n");
}

await main();
