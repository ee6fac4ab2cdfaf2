/**
 * An operator team runs the helpline from the console alone (issue 14, decision 0041): in
 * production, a channel with no Telegram operators' group starts when the console has an
 * operator or supervisor account, and refuses with a clear message when it has none. What
 * the group can do, the console can: the queue marks cases left unclaimed past their time
 * limit, and a person's request from a new account is confirmed there.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireApp } from "../../src/app.js";
import { ConfigError, createConfig, startMode } from "../../src/config.js";
import { RedisAccountStore } from "../../src/console/accounts.js";
import { addAccount } from "../../src/console/manage.js";
import type { Ports } from "../../src/ports.js";
import { createPorts } from "../../src/ports.js";
import { waitUntilReady } from "../../src/stores/redis/connection.js";
import {
  callbackUpdate,
  FAKE_TOKEN,
  FakeTelegramApi,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { REDIS_URL } from "../helpers/redis-url.js";
import { capturedLog, dropPrefix, SECRET, serviceClock } from "../helpers/service.js";
import { Browser, type ConsoleService, PASSWORD, startConsole } from "./harness.js";

const key = () => randomBytes(32).toString("base64");
/** Production with Telegram for people, Redis, and no operators' group. */
const PRODUCTION = {
  NODE_ENV: "production",
  METRICS_TOKEN: "metrics-token-0123456789",
  DATA_KEY: key(),
  PSEUDONYM_KEY: key(),
};

describe("production without an operators' group", () => {
  const prefix = `test:${randomBytes(4).toString("hex")}:`;
  let fake: FakeTelegramApi;
  beforeAll(async () => {
    fake = await FakeTelegramApi.start();
  });
  afterAll(async () => {
    await fake.close();
    await dropPrefix(prefix);
  });

  const config = () =>
    createConfig({
      ...PRODUCTION,
      PORT: "0",
      HOST: "127.0.0.1",
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_CHAT_GAP_MS: "1",
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
    });
  /** The service's console accounts, as `npm run operators:add` writes them. */
  const accountsOf = (ports: Ports) =>
    new RedisAccountStore(ports.redis as NonNullable<Ports["redis"]>, prefix, ports.codec);
  const build = () => {
    const c = config();
    const log = capturedLog([]);
    const ports = createPorts(c, log);
    return { app: wireApp(c, ports, log), ports, config: c };
  };

  it("refuses to start with no console account, naming both ways to fix it", async () => {
    expect(startMode(config())).toBe("service");
    const { app } = build();
    const refused = await app.start().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    await app.stop();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused?.message).toMatch(/OPERATOR_CHAT_ID or a console account/);
    expect(refused?.message).toMatch(/npm run operators:add/);
  });

  it("refuses a coordinator as the only account: coordinators never see cases", async () => {
    const { app, ports } = build();
    await waitUntilReady(ports.redis as NonNullable<Ports["redis"]>, 5000);
    await addAccount(
      accountsOf(ports),
      { username: "ana", role: "coordinator", password: PASSWORD },
      [],
      1,
    );
    await expect(app.start()).rejects.toThrow(/OPERATOR_CHAT_ID or a console account/);
    await app.stop();
  });

  it("starts with an operator account, and the operator works a case from the console", async () => {
    const { app, ports } = build();
    await waitUntilReady(ports.redis as NonNullable<Ports["redis"]>, 5000);
    await addAccount(
      accountsOf(ports),
      { username: "rina", role: "operator", password: PASSWORD },
      [],
      1,
    );
    const { port } = await app.start();
    try {
      const chat = 7_741_101;
      const post = async (u: object) => {
        fake.remember(u as never);
        const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": SECRET,
          },
          body: JSON.stringify(u),
        });
        expect(res.status).toBe(200);
        await app.runtime.drain();
      };
      await post(textUpdate(chat, "halo", { languageCode: "id" }));
      await post(callbackUpdate(chat, "c|welcome.menu|help"));
      await post(callbackUpdate(chat, "c|help.safety|danger"));
      await post(locationUpdate(chat, 13.66, 102.56));
      const c = (await app.cases.open(50)).find((x) => x.conversation === `tg:${chat}`);
      expect(c?.priority).toBe("P1");
      const id = c?.id as string;

      const b = new Browser(app.server);
      expect((await b.signIn("rina")).statusCode).toBe(303);
      expect((await b.get("/console/queue/list")).body).toContain(id);
      await b.get(`/console/cases/${id}`);
      expect((await b.post(`/console/cases/${id}/claim`)).statusCode).toBe(303);
      await b.get(`/console/cases/${id}`);
      await b.post(`/console/cases/${id}/reply`, { text: "Rina di sini.", nonce: "nonce-0001" });
      await fake.waitFor(() => fake.lastTextTo(chat) === "Rina di sini.", 8000);
    } finally {
      await app.stop();
    }
  });
});

describe("a helpline worked from the console alone", () => {
  const clock = serviceClock();
  let svc: ConsoleService;
  beforeAll(async () => {
    svc = await startConsole({ SLA_P1_MINUTES: "2" }, clock.now);
  });
  afterAll(async () => svc?.close());

  it("answers a browser's request for /favicon.ico with no content, not a 404", async () => {
    const res = await svc.app.server.inject({ method: "GET", url: "/favicon.ico" });
    expect(res.statusCode).toBe(204);
  });

  it("marks a case left unclaimed past its time limit in the queue", async () => {
    const b = svc.browser();
    await svc.account("rina", "operator");
    await b.signIn("rina");
    const id = await svc.personInDanger(7_741_001);
    const before = (await b.get("/console/queue/list")).body;
    expect(before).toContain(id);
    expect(before).not.toContain("past its time limit");
    await clock.advance(svc, 3);
    const after = (await b.get("/console/queue/list")).body;
    const row = after.split("<li").find((r) => r.includes(id));
    expect(row).toContain("past its time limit");
  });

  it("confirms from the console that a request from a new account is the person (decision 0028)", async () => {
    const oldPhone = 7_741_011;
    const newPhone = 7_741_012;
    const id = await svc.personInDanger(oldPhone);
    for (const [step, option] of [
      ["phone", "anytime"],
      ["people", "_skip"],
      ["injuries", "none"],
      ["passport", "have"],
      ["consent", "no"],
    ])
      await svc.handle(callbackUpdate(oldPhone, `c|help.${step}|${option}`));
    await svc.handle(textUpdate(oldPhone, "kopi susu", { languageCode: "id" }));
    const toOld = svc.fake
      .sentTo(oldPhone)
      .map((m) => m.text ?? "")
      .join("\n");
    const code = /Simpan kode ini: ([A-Z0-9-]+)/.exec(toOld)?.[1] as string;
    expect(code).toBeDefined();
    await svc.handle(textUpdate(newPhone, code, { languageCode: "id" }));
    await svc.handle(textUpdate(newPhone, "kopi susu", { languageCode: "id" }));
    expect((await svc.app.cases.get(id))?.pendingReattach?.conversation).toBe(`tg:${newPhone}`);

    const b = svc.browser();
    await b.signIn("rina");
    const queue = (await b.get("/console/queue/list")).body
      .split("<li")
      .find((r) => r.includes(id));
    expect(queue).toContain("asks to reconnect");
    const page = (await b.get(`/console/cases/${id}`)).body;
    expect(page).toContain("Request from another account");
    expect(page).toContain("secret word from another account (Telegram)");

    expect((await b.post(`/console/cases/${id}/relink`)).statusCode).toBe(303);
    await svc.fake.waitFor(
      () => (svc.fake.lastTextTo(newPhone) ?? "").includes("tersambung lagi"),
      8000,
    );
    const after = await svc.app.cases.get(id);
    expect(after?.conversation).toBe(`tg:${newPhone}`);
    expect(after?.pendingReattach).toBeUndefined();
    expect((await b.get(`/console/cases/${id}`)).body).not.toContain(
      "Request from another account",
    );
    // Answered once: a second answer (a stale page) is refused and changes nothing.
    expect((await b.post(`/console/cases/${id}/norelink`)).statusCode).toBe(409);
  });
});
