import { describe, expect, it } from "vitest";
import { ConfigError, createConfig } from "../src/config.js";

const TOKEN = "123456:ABCdefGhIJKlmNoPQRstuVWxyz0123456";

describe("createConfig", () => {
  it("runs as the local demo with nothing set", () => {
    const c = createConfig({});
    expect(c.telegram).toBeUndefined();
    expect(c.redis).toBeUndefined();
    expect(c.languages).toEqual(["id", "en"]);
    expect(c.http.port).toBe(3000);
  });

  it("treats empty variables as unset", () => {
    expect(createConfig({ REDIS_URL: "", TELEGRAM_BOT_TOKEN: "" }).telegram).toBeUndefined();
  });

  it("configures Telegram polling by default", () => {
    const c = createConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(c.telegram).toMatchObject({ mode: "polling", apiRoot: "https://api.telegram.org" });
  });

  it("requires a webhook secret in webhook mode", () => {
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "webhook" })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET: required/,
    );
  });

  it.each([
    [{ PORT: "eighty" }, /PORT/],
    [{ REDIS_URL: "localhost:6379" }, /REDIS_URL: a redis:\/\/ or rediss:\/\/ URL/],
    [{ TELEGRAM_BOT_TOKEN: "not-a-token" }, /TELEGRAM_BOT_TOKEN: the token from @BotFather/],
    [{ TELEGRAM_MODE: "push" }, /TELEGRAM_MODE/],
    [{ LANGUAGES: "id,english" }, /LANGUAGES/],
  ])("names the wrong variable: %o", (env, message) => {
    expect(() => createConfig(env)).toThrow(ConfigError);
    expect(() => createConfig(env)).toThrow(message);
  });

  it("reports every wrong variable at once", () => {
    expect(() => createConfig({ PORT: "x", REDIS_URL: "y" })).toThrow(
      /PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*PORT/,
    );
  });
});

describe("operators and SLAs", () => {
  it("reads the operators' group, the allow-lists and the SLA minutes", () => {
    const c = createConfig({
      OPERATOR_CHAT_ID: "-1001234567890",
      OPERATOR_IDS: "111, 222",
      SUPERVISOR_IDS: "333",
      SLA_P1_MINUTES: "1",
    });
    expect(c.operators).toEqual({
      chatId: -1001234567890,
      language: "id",
      operatorIds: ["111", "222"],
      supervisorIds: ["333"],
    });
    expect(c.sla.unclaimedMs).toEqual({ P1: 60_000, P2: 900_000, P3: 3_600_000 });
    expect(c.sla.noReplyMs).toBe(600_000);
    expect(c.timeZone).toBe("Asia/Jakarta");
  });

  it.each([
    [{ OPERATOR_CHAT_ID: "12345" }, /OPERATOR_CHAT_ID: the operators' supergroup id/],
    [{ OPERATOR_IDS: "12,abc" }, /OPERATOR_IDS/],
    [{ TIME_ZONE: "Mars/Olympus" }, /TIME_ZONE: an IANA time zone/],
    [{ SLA_P1_MINUTES: "0" }, /SLA_P1_MINUTES/],
  ])("names the wrong setting: %o", (env, message) => {
    expect(() => createConfig(env)).toThrow(message);
  });
});
