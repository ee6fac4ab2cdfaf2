/**
 * The web chat in the real service (memory stores, no other channel), over real HTTP: a
 * person's words go through the same runtime as Telegram's and WhatsApp's, and the replies
 * reach the open page as server-sent events.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createConfig } from "../../src/config.js";
import { type Service, serviceClock, startService } from "../helpers/service.js";
import { openTab } from "../helpers/web-tab.js";

const services: Service[] = [];

afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});

async function service(env: Record<string, string> = {}, now?: () => number): Promise<Service> {
  const s = await startService({ redis: false, fake: null, env, ...(now ? { now } : {}) });
  services.push(s);
  return s;
}

describe("the web chat in the service", () => {
  it("takes a person from a cry for help to the mission's hotline, raising a P1 case", async () => {
    const s = await service();
    const tab = await openTab(s.base);
    expect(await tab.send({ text: "tolong sy dipukul bos, gak bisa keluar" })).toBe(204);
    await tab.until("Tim kami sudah langsung kami kabari");
    await tab.until("Kamu ada di mana sekarang?");
    await tab.until('class="share-location"');
    await s.app.runtime.drain(5000);
    const open = await s.app.cases.open(10);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ priority: "P1", channel: "web" });

    expect(await tab.send({ place: "poipet" })).toBe(204);
    await tab.until("KBRI Phnom Penh");
    await tab.until("+855 12 813 282");
    tab.close();
  });

  it("wipes the page and forgets the conversation on the quick exit", async () => {
    const s = await service();
    const tab = await openTab(s.base);
    await tab.send({ text: "halo" });
    await tab.until("Pilih bahasa");
    expect(await tab.send({ stepRef: "exit", option: "_exit" })).toBe(204);
    await tab.until('<ol id="log" hx-swap-oob="innerHTML"></ol>');
    // The next word starts a new conversation: the greeting comes again.
    const before = tab.seen().length;
    await tab.send({ text: "halo" });
    await tab.until(/Pilih bahasa[\s\S]*Pilih bahasa/);
    expect(tab.seen().slice(before)).toContain("Pilih bahasa");
    tab.close();
  });

  it("deletes the conversation from the open page after discreet mode's delay", async () => {
    const clock = serviceClock();
    const s = await service({}, clock.now);
    const tab = await openTab(s.base);
    await tab.send({ text: "halo" });
    await tab.until("Pilih bahasa");
    const shown = [...tab.seen().matchAll(/<li id="([^"]+)"/g)].map((m) => m[1]);
    expect(shown).toContain("ptest000001");
    expect(shown.length).toBeGreaterThanOrEqual(2);
    // Deletions are grouped in two-minute slots: due at most 32 minutes on.
    await clock.advance(s, 33);
    // The person's message and the bot's reply leave the page.
    for (const id of shown) await tab.until(`<li id="${id}" hx-swap-oob="delete"></li>`);
    tab.close();
  });

  it("is not served when turned off", async () => {
    const s = await service({ WEB_CHAT: "off" });
    expect((await fetch(`${s.base}/`)).status).toBe(404);
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });
});

describe("web chat configuration", () => {
  it("is on outside production and off in production unless asked for", () => {
    expect(createConfig({}).webChat.enabled).toBe(true);
    expect(createConfig({ NODE_ENV: "production" }).webChat.enabled).toBe(false);
    expect(createConfig({ NODE_ENV: "production", WEB_CHAT: "on" }).webChat.enabled).toBe(true);
    expect(createConfig({ WEB_CHAT: "off" }).webChat.enabled).toBe(false);
  });

  it("names the variable when it is wrong", () => {
    expect(() => createConfig({ WEB_CHAT: "yes" })).toThrow(/WEB_CHAT: on or off/);
    expect(() => createConfig({ WEB_CHAT_MESSAGES_PER_MINUTE: "0" })).toThrow(
      /WEB_CHAT_MESSAGES_PER_MINUTE/,
    );
  });
});
