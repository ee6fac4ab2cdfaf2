import { describe, expect, it } from "vitest";
import { ConfigError, createConfig, startMode } from "../src/config.js";

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

describe("where Redis is", () => {
  it("reads one Redis from its URL", () => {
    expect(createConfig({ REDIS_URL: "redis://10.0.0.5:6379" }).redis).toEqual({
      connection: { kind: "single", url: "redis://10.0.0.5:6379" },
      keyPrefix: "pulang:",
      waitReplicas: { count: 0, timeoutMs: 1_000 },
    });
  });

  it("reads a Cluster's seed nodes and credentials", () => {
    const c = createConfig({
      REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b.internal:7001",
      REDIS_PASSWORD: "s3cret",
    });
    expect(c.redis?.connection).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "redis-b.internal", port: 7001 },
      ],
      password: "s3cret",
    });
  });

  it("waits for no replica unless told to", () => {
    expect(createConfig({ REDIS_URL: "redis://a:6379" }).redis?.waitReplicas).toEqual({
      count: 0,
      timeoutMs: 1_000,
    });
    const c = createConfig({ REDIS_CLUSTER_NODES: "a:7000", REDIS_WAIT_REPLICAS: "1" });
    expect(c.redis?.waitReplicas).toEqual({ count: 1, timeoutMs: 1_000 });
  });

  it("reads Sentinels and the primary's name", () => {
    const c = createConfig({ REDIS_SENTINELS: "10.0.0.1:26379", REDIS_SENTINEL_NAME: "pulang" });
    expect(c.redis?.connection).toEqual({
      kind: "sentinel",
      sentinels: [{ host: "10.0.0.1", port: 26379 }],
      name: "pulang",
    });
  });

  it.each([
    [{ REDIS_URL: "redis://a:6379", REDIS_CLUSTER_NODES: "b:7000" }, /set one of them/],
    [{ REDIS_SENTINELS: "a:26379" }, /REDIS_SENTINEL_NAME: required/],
    [{ REDIS_CLUSTER_NODES: "10.0.0.1" }, /REDIS_CLUSTER_NODES: host:port pairs/],
    [{ REDIS_URL: "redis://a:6379", REDIS_PASSWORD: "x" }, /put the credentials in the URL/],
  ])("refuses %o, saying what to set", (env, message) => {
    expect(() => createConfig(env)).toThrow(message);
  });

  it("requires the keys in production with a Cluster as with one Redis", () => {
    expect(() =>
      createConfig({ NODE_ENV: "production", REDIS_CLUSTER_NODES: "10.0.0.1:7000" }),
    ).toThrow(/DATA_KEY: required when NODE_ENV=production and Redis is set/);
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

describe("what npm start may run", () => {
  const WA = {
    WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
    WHATSAPP_ACCESS_TOKEN: `EAAJB${"x".repeat(40)}`,
    WHATSAPP_APP_SECRET: "0123456789abcdef0123456789abcdef",
    WHATSAPP_VERIFY_TOKEN: "verify-token-0123456789",
  };
  const OPERATORS = { OPERATOR_CHAT_ID: "-1001234567890", OPERATOR_IDS: "111" };
  const METRICS = { METRICS_TOKEN: "metrics-token-0123456789" };
  const production = (env: Record<string, string>) =>
    startMode(createConfig({ NODE_ENV: "production", ...METRICS, ...env }));

  it("runs the demo with no channel, and the service with one, outside production", () => {
    expect(startMode(createConfig({}))).toBe("demo");
    expect(startMode(createConfig({ TELEGRAM_BOT_TOKEN: TOKEN }))).toBe("service");
    expect(startMode(createConfig({ NODE_ENV: "development", ...WA }))).toBe("service");
  });

  it("never runs the terminal demo in production", () => {
    expect(() => production({})).toThrow(ConfigError);
    expect(() => production({})).toThrow(
      /TELEGRAM_BOT_TOKEN or WHATSAPP_PHONE_NUMBER_ID: NODE_ENV=production needs a channel/,
    );
  });

  it("refuses a channel in production when no operators' group would see the cases", () => {
    expect(() => production({ TELEGRAM_BOT_TOKEN: TOKEN, OPERATOR_IDS: "111" })).toThrow(
      /OPERATOR_CHAT_ID: required when NODE_ENV=production and a channel is configured/,
    );
    expect(() => production({ ...WA, OPERATOR_IDS: "111" })).toThrow(/OPERATOR_CHAT_ID: required/);
  });

  it("refuses WhatsApp with an operators' group but no Telegram bot to run that group", () => {
    expect(() => production({ ...WA, ...OPERATORS })).toThrow(
      /TELEGRAM_BOT_TOKEN: required with OPERATOR_CHAT_ID/,
    );
  });

  it("refuses an operators' group in which nobody may act", () => {
    expect(() => production({ TELEGRAM_BOT_TOKEN: TOKEN, OPERATOR_CHAT_ID: "-100123" })).toThrow(
      /OPERATOR_IDS: required when NODE_ENV=production .*\(or SUPERVISOR_IDS\)/,
    );
  });

  it("refuses to start in production with /metrics open to anyone", () => {
    const env = { NODE_ENV: "production", TELEGRAM_BOT_TOKEN: TOKEN, ...OPERATORS };
    expect(() => startMode(createConfig(env))).toThrow(
      /METRICS_TOKEN: required when NODE_ENV=production/,
    );
    expect(() => createConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: 16-256/);
  });

  it("starts in production with a channel, the group and someone allowed to act", () => {
    expect(production({ TELEGRAM_BOT_TOKEN: TOKEN, ...OPERATORS })).toBe("service");
    expect(production({ ...WA, TELEGRAM_BOT_TOKEN: TOKEN, ...OPERATORS })).toBe("service");
    expect(
      production({ TELEGRAM_BOT_TOKEN: TOKEN, OPERATOR_CHAT_ID: "-100123", SUPERVISOR_IDS: "9" }),
    ).toBe("service");
  });
});
