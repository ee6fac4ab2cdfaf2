/**
 * A person in the web chat, as a browser test drives them: by what the page shows and the
 * names a screen reader would read, never by the page's inner structure.
 */
import type { Page } from "playwright-core";

/** The words of the Indonesian page (the demo's default language). */
export const ID = {
  message: "Pesan",
  send: "Kirim",
  exit: "Keluar cepat",
  shareLocation: /Kirim lokasi/,
  sharePoint: "Kirim titik ini",
} as const;

/** Type a message and send it. */
export async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel(ID.message, { exact: true }).fill(text);
  await page.getByRole("button", { name: ID.send, exact: true }).click();
}

/** Wait until a bubble from the bot contains `text`. */
export async function botSays(page: Page, text: string | RegExp): Promise<void> {
  await page.locator("#log .msg.bot").filter({ hasText: text }).last().waitFor();
}

/** Tap the map at a latitude and longitude (where the person is), then send the point. */
export async function sharePointOnMap(page: Page, lat: number, lon: number): Promise<void> {
  await page.getByRole("button", { name: ID.shareLocation }).last().click();
  const map = page.getByRole("img", { name: /Peta|Map/ });
  await map.waitFor();
  const at = await map.evaluate(
    (svg, p) => {
      const matrix = (svg as SVGGraphicsElement).getScreenCTM();
      if (!matrix) throw new Error("the map is not on screen");
      const point = new DOMPoint(p.lon, -p.lat).matrixTransform(matrix);
      return { x: point.x, y: point.y };
    },
    { lat, lon },
  );
  await page.mouse.click(at.x, at.y);
  await page.getByRole("button", { name: ID.sharePoint }).click();
}

/** Messages of the CSP and script errors the page caused (collected from now on). */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`error: ${err.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return problems;
}
