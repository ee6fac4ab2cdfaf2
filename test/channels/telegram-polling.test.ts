/**
 * Polling mode: the same service, fetching updates with @grammyjs/runner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackUpdate, FakeTelegramApi, textUpdate } from "../fakes/telegram-api.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

let fake: FakeTelegramApi;
let svc: Service;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  svc = await startService({
    fake,
    env: { TELEGRAM_MODE: "polling", TELEGRAM_WEBHOOK_SECRET: "" },
  });
});

afterAll(async () => {
  await svc.stop();
  await fake.close();
  await dropPrefix(svc.prefix);
});

describe("Telegram polling", () => {
  it("removes any webhook, then answers updates it fetches, in order", async () => {
    expect(fake.callsTo("deleteWebhook").length).toBeGreaterThan(0);
    const chat = 8_100_001;
    fake.queueUpdate(textUpdate(chat, "halo", { languageCode: "en" }));
    await fake.waitFor(() => fake.sentTo(chat).length >= 1, 5000);
    expect(fake.lastTextTo(chat)).toContain("How can we help?");
    fake.queueUpdate(callbackUpdate(chat, "c|welcome.menu|help"));
    await fake.waitFor(() => fake.sentTo(chat).length >= 2, 5000);
    expect(fake.lastTextTo(chat)).toBe("How are you doing right now?");
  });

  it("does not serve a webhook route in polling mode", async () => {
    const res = await svc.post(textUpdate(8_100_002, "halo"));
    expect(res.status).toBe(404);
  });
});
