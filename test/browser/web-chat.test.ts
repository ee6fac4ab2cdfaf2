/**
 * The browser demo's web chat, end to end: `npm start`'s compiled service on memory
 * stores, Debian's Chromium, a person on a phone-sized screen who cries for help, shares
 * where they are on the built-in map, gets the mission's hotline, and leaves with the quick
 * exit. And axe-core on the page, on a phone and on a desktop.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./helpers/axe.js";
import { DESKTOP, launchBrowser, newPage, PHONE } from "./helpers/browser.js";
import { type ServiceProcess, startServiceProcess } from "./helpers/service.js";
import { botSays, ID, pageProblems, say, sharePointOnMap } from "./helpers/web-chat.js";

let service: ServiceProcess;
let browser: Browser;

beforeAll(async () => {
  [service, browser] = await Promise.all([startServiceProcess(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe("the web chat", () => {
  it("takes a person in danger to the mission's hotline, and the quick exit leaves nothing", async () => {
    const { context, page } = await newPage(browser, { viewport: PHONE });
    const problems = pageProblems(page);
    await page.goto(service.base);

    await say(page, "tolong sy dipukul bos, gak bisa keluar");
    // P1 at once: the team is told, then the one question that matters, where they are.
    await botSays(page, "Tim kami sudah langsung kami kabari");
    await botSays(page, "Kamu ada di mana sekarang?");

    // Poipet, on the Cambodian side of the border.
    await sharePointOnMap(page, 13.65, 102.567);
    await botSays(page, "KBRI Phnom Penh");
    await botSays(page, "+855 12 813 282");
    expect(await page.locator("dialog#map").isVisible()).toBe(false);

    await page.getByRole("button", { name: ID.exit }).click();
    await page.waitForURL("about:blank");
    expect(await page.content()).not.toContain("KBRI");
    // Nothing to go back to, and the tab starts a new, empty conversation.
    expect(await page.goBack()).toBeNull();
    await page.goto(service.base);
    await expect(page.locator("#log .msg").count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("follows the conversation's language: written to in English, the page's words turn English", async () => {
    const { context, page } = await newPage(browser, { viewport: PHONE, locale: "id-ID" });
    await page.goto(service.base);
    await expect(page.getByRole("button", { name: ID.exit }).isVisible()).resolves.toBe(true);
    await say(page, "help, my boss beats me and I cannot leave");
    await botSays(page, /Where are you/);
    await page.getByRole("button", { name: "Quick exit" }).waitFor();
    await expect(page.getByRole("button", { name: "Send", exact: true }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("en");
    await context.close();
  });
});

describe("accessibility (axe-core: no serious or critical violations)", () => {
  for (const [name, viewport] of [
    ["phone 390×844", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    it(`on a ${name}: the page, a conversation with buttons, and the map`, async () => {
      const { context, page } = await newPage(browser, { viewport });
      await page.goto(service.base);
      expect(await seriousViolations(page)).toEqual([]);
      await say(page, "tolong sy dipukul bos, gak bisa keluar");
      await botSays(page, "Kamu ada di mana sekarang?");
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole("button", { name: ID.shareLocation }).last().click();
      await page.getByRole("dialog").waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    });
  }

  it("would catch a broken page (the check itself works)", async () => {
    const { context, page } = await newPage(browser);
    await page.setContent('<html><body><input type="text"><img src="x.png"></body></html>');
    const found = (await seriousViolations(page)).map((v) => v.id);
    expect(found).toEqual(expect.arrayContaining(["image-alt", "label"]));
    await context.close();
  });
});
