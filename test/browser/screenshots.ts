/**
 * `npm run screenshots`: pictures of the web chat for the README, taken the way the
 * browser tests drive it (the compiled service, Debian's Chromium), into docs/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DESKTOP, launchBrowser, newPage, PHONE } from "./helpers/browser.js";
import { startServiceProcess } from "./helpers/service.js";
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
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    await service.stop();
  }
}

await main();
