/**
 * The operator journey in a real browser: the compiled service (webhook, real Redis, the
 * fake Bot API for the person), an account made with `npm run operators:add`, Debian's
 * Chromium. Sign in with a TOTP code, a P1 escalation appears at the top of the live queue,
 * claim, reply (the person receives it, silently: discreet mode), their answer appears
 * live, a note, close with an outcome, the dashboard's figures, sign out. And axe-core on
 * the queue, the case and the dashboard, on a phone and a desktop.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Redis } from "ioredis";
import { generate } from "otplib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callbackUpdate,
  FAKE_TOKEN,
  FakeTelegramApi,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { seriousViolations } from "./helpers/axe.js";
import { DESKTOP, launchBrowser, newPage, PHONE } from "./helpers/browser.js";
import { type ServiceProcess, startServiceProcess } from "./helpers/service.js";

const ROOT = join(import.meta.dirname, "../..");
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const SECRET = "browser-test-secret-0123456789";
const PASSWORD = "a long browser password";
const prefix = `e2e:console:${randomBytes(4).toString("hex")}:`;
const env = {
  TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
  TELEGRAM_MODE: "webhook",
  TELEGRAM_WEBHOOK_SECRET: SECRET,
  REDIS_URL,
  REDIS_KEY_PREFIX: prefix,
  DATA_KEY: randomBytes(32).toString("base64"),
  OPERATOR_LANGUAGE: "en",
  TELEGRAM_CHAT_GAP_MS: "1",
  TELEGRAM_GROUP_PER_MINUTE: "10000",
  LOG_LEVEL: "warn",
};

let fake: FakeTelegramApi;
let service: ServiceProcess;
let browser: Browser;
let totpSecret: string;

/** `npm run operators:add`, as a coordinator would run it; returns the printed TOTP secret. */
function addAccount(username: string, role: string): string {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      "src/scripts/operators-add.ts",
      "--username",
      username,
      "--role",
      role,
    ],
    {
      cwd: ROOT,
      input: `${PASSWORD}\n`,
      env: { ...process.env, ...env, TELEGRAM_API_ROOT: fake.apiRoot },
      encoding: "utf8",
    },
  );
  expect(r.status, r.stderr).toBe(0);
  const secret = /secret=([A-Z2-7]+)/.exec(r.stdout)?.[1];
  if (!secret) throw new Error(`no two-factor secret in: ${r.stdout}`);
  return secret;
}

/** Telegram delivers a person's update to the service's webhook. */
async function deliver(update: object): Promise<void> {
  fake.remember(update as never);
  const res = await fetch(`${service.base}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(update),
  });
  expect(res.status).toBe(200);
}

/** A person in danger at Poipet; resolves when the bot has answered the pin. */
async function personInDanger(chat: number): Promise<void> {
  await deliver(textUpdate(chat, "halo", { languageCode: "id" }));
  await deliver(callbackUpdate(chat, "c|welcome.menu|help"));
  await deliver(callbackUpdate(chat, "c|help.safety|danger"));
  await deliver(locationUpdate(chat, 13.66, 102.56));
}

let lastStep = -1;
/** The current code, once it is one not used yet (a code signs in only once: wait for the next). */
async function freshCode(): Promise<string> {
  const step = () => Math.floor(Date.now() / 30_000);
  if (step() === lastStep)
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
  lastStep = step();
  return generate({ secret: totpSecret });
}

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${service.base}/console/sign-in?lang=en`);
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Code", { exact: true }).fill(await freshCode());
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
}

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  totpSecret = addAccount("wati", "supervisor");
  [service, browser] = await Promise.all([
    startServiceProcess({ ...env, TELEGRAM_API_ROOT: fake.apiRoot }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await fake?.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("an operator in the console, in a real browser", () => {
  it("signs in with a code, works a P1 from the live queue to closed, and signs out", async () => {
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: "en-US" });
    await signIn(page, "wati");
    await page.getByRole("link", { name: "Queue" }).click();

    // The escalation arrives while the queue is open: it appears on top, live.
    const chat = 7_790_001;
    await personInDanger(chat);
    const first = page.locator("ol.queue li").first();
    await first.getByText("P1").waitFor({ timeout: 15_000 });
    // The pin follows the first escalation: the same row shows it when it comes.
    await first.getByText("Poipet").waitFor({ timeout: 10_000 });
    expect(await seriousViolations(page)).toEqual([]);

    await first.getByRole("link").click();
    await page.getByRole("button", { name: "Claim", exact: true }).click();
    await page.getByLabel("Message", { exact: true }).waitFor();

    // The reply reaches the person, silently (discreet mode), and is marked delivered.
    await page.getByLabel("Message", { exact: true }).fill("Halo, saya Wati dari tim. Kamu aman?");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await fake.waitFor(
      () => fake.lastTextTo(chat) === "Halo, saya Wati dari tim. Kamu aman?",
      10_000,
    );
    const sent = fake
      .callsTo("sendMessage")
      .find((c) => c.params.text === "Halo, saya Wati dari tim. Kamu aman?");
    expect(sent?.params.disable_notification).toBe(true);
    await page.getByText("Delivered").first().waitFor();
    await expect(page.getByLabel("Message", { exact: true }).inputValue()).resolves.toBe("");

    // The person's answer appears without a reload.
    await deliver(textUpdate(chat, "saya di lantai 3, pintu dikunci", { languageCode: "id" }));
    await page.getByText("saya di lantai 3, pintu dikunci").waitFor({ timeout: 10_000 });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel(/Note/).fill("KBRI Phnom Penh informed by phone.");
    await page.getByRole("button", { name: "Add note", exact: true }).click();
    await page.getByText("KBRI Phnom Penh informed by phone.").waitFor();

    await page.getByRole("radio", { name: "Safe" }).check();
    await page.getByRole("button", { name: "Close case", exact: true }).click();
    await page.getByText(/closed the case/).waitFor();
    await expect(page.getByRole("button", { name: "Claim", exact: true }).count()).resolves.toBe(0);

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByLabel("Username", { exact: true }).waitFor();
    await context.close();
  });

  it("shows the dashboard's figures after a few cases, accessible on a phone and a desktop", async () => {
    await personInDanger(7_790_002);
    await personInDanger(7_790_003);
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: "en-US" });
    await signIn(page, "wati");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(`${service.base}/console/dashboard`);
      const open = page.getByRole("table", { name: "Open cases now" });
      const p1 = open.locator("tbody tr").filter({ hasText: "P1" }).locator("td").first();
      await expect(p1.textContent()).resolves.toBe("2");
      await page.locator("#chart-priority canvas").waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await page.goto(`${service.base}/console/queue`);
      expect(await seriousViolations(page)).toEqual([]);
    }
    await context.close();
  });
});
