/**
 * The WhatsApp webhook on the real HTTP server: Meta's verification handshake, the body's
 * signature checked on the raw bytes before anything else (401, nothing processed), 400 for
 * what is not a notification, 503 when a message could not be saved (and a clean redelivery
 * after), and a batch's messages in order per sender, different senders at once. The
 * Telegram route next to it keeps its own JSON parsing.
 */
import { connect } from "node:net";
import type { FastifyInstance } from "fastify";
import type { UserFromGetMe } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { createBot } from "../../src/channels/telegram/bot.js";
import { telegramRoutes } from "../../src/channels/telegram/webhook.js";
import { MemoryWhatsAppStore } from "../../src/channels/whatsapp/store.js";
import { bySender, WhatsAppUpdates } from "../../src/channels/whatsapp/updates.js";
import {
  signatureOf,
  validSignature,
  whatsappRoutes,
} from "../../src/channels/whatsapp/webhook.js";
import type { Inbound } from "../../src/engine/types.js";
import { createServer } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";
import { createMetrics } from "../../src/metrics.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import type { HandleOutcome } from "../../src/runtime/runtime.js";
import { DEFAULT_BOT, FAKE_TOKEN } from "../fakes/telegram-api.js";
import {
  FAKE_APP_SECRET,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERIFY_TOKEN,
} from "../fakes/whatsapp/graph-api.js";
import {
  batch,
  firstMessage,
  oneChange,
  sign,
  status,
  textMessage,
} from "../fakes/whatsapp/webhooks.js";

/** A minute ago: message times within the replay window. */
const T = Date.now() - 60_000;
const A = "6281200000001";
const B = "6281200000002";

/** A runtime that records what it was given, slowly for A (to show B is not held up). */
class RecordingRuntime {
  readonly handled: { key: string; text: string; dedupeId: string }[] = [];
  readonly events: string[] = [];
  readonly seen = new Set<string>();
  failFor: string | undefined;

  async handle(key: string, inbound: Inbound, dedupeId?: string): Promise<HandleOutcome> {
    const text = inbound.kind === "text" ? inbound.text : inbound.kind;
    this.events.push(`start ${text}`);
    if (key === `wa:+${A}`) await new Promise((r) => setTimeout(r, 30));
    if (this.failFor === text) throw new Error("redis down");
    const duplicate = this.seen.has(dedupeId as string);
    this.seen.add(dedupeId as string);
    if (!duplicate) this.handled.push({ key, text, dedupeId: dedupeId as string });
    this.events.push(`end ${text}`);
    const delivered = Promise.resolve("done" as const);
    return duplicate
      ? { status: "duplicate", delivered }
      : { status: "handled", effects: [], delivered };
  }
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(extra: { routes?: ((app: FastifyInstance) => void)[] } = {}) {
  const runtime = new RecordingRuntime();
  const log = createLogger("silent");
  const metrics = createMetrics();
  const updates = new WhatsAppUpdates({
    runtime,
    reachability: new MemoryConversationStore(),
    store: new MemoryWhatsAppStore(),
    phoneNumberId: FAKE_PHONE_NUMBER_ID,
    log,
  });
  app = createServer({
    log,
    metrics,
    ready: async () => [],
    routes: [
      ...(extra.routes ?? []),
      whatsappRoutes({
        verifyToken: FAKE_VERIFY_TOKEN,
        appSecret: FAKE_APP_SECRET,
        handle: (p) => updates.handle(p),
        log,
        metrics,
      }),
    ],
  });
  await app.ready();
  const post = (body: string, headers: Record<string, string>) =>
    app?.inject({ method: "POST", url: "/whatsapp/webhook", payload: body, headers }) as ReturnType<
      FastifyInstance["inject"]
    >;
  const signed = (n: unknown) => {
    const body = JSON.stringify(n);
    return post(body, {
      "content-type": "application/json",
      "x-hub-signature-256": sign(body, FAKE_APP_SECRET),
    });
  };
  return { runtime, post, signed, metrics };
}

describe("WhatsApp webhook verification", () => {
  it("echoes the challenge for our verify token, and refuses anything else", async () => {
    await serve();
    const ask = (q: string) => app?.inject({ method: "GET", url: `/whatsapp/webhook?${q}` });
    const ok = await ask(
      `hub.mode=subscribe&hub.verify_token=${FAKE_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect([ok?.statusCode, ok?.body, ok?.headers["content-type"]]).toEqual([
      200,
      "1158201444",
      "text/plain",
    ]);
    expect(
      (await ask("hub.mode=subscribe&hub.verify_token=wrong-token-0123456&hub.challenge=1"))
        ?.statusCode,
    ).toBe(403);
    expect(
      (await ask(`hub.mode=unsubscribe&hub.verify_token=${FAKE_VERIFY_TOKEN}&hub.challenge=1`))
        ?.statusCode,
    ).toBe(403);
    expect(
      (await ask(`hub.mode=subscribe&hub.verify_token=${FAKE_VERIFY_TOKEN}`))?.statusCode,
    ).toBe(403);
  });
});

describe("WhatsApp webhook signature", () => {
  it("refuses a missing or wrong signature with 401, and processes nothing", async () => {
    const { runtime, post } = await serve();
    const body = JSON.stringify(textMessage(A, "halo"));
    const json = { "content-type": "application/json" };
    expect((await post(body, json)).statusCode).toBe(401);
    expect(
      (await post(body, { ...json, "x-hub-signature-256": sign(body, "another-app-secret-0000") }))
        .statusCode,
    ).toBe(401);
    expect(
      (await post(body, { ...json, "x-hub-signature-256": sign(`${body} `, FAKE_APP_SECRET) }))
        .statusCode,
    ).toBe(401);
    expect((await post(body, { ...json, "x-hub-signature-256": "sha256=zz" })).statusCode).toBe(
      401,
    );
    // Whatever the content type: the signature comes first.
    expect(
      (await post(body, { "content-type": "text/plain", "x-hub-signature-256": "sha256=00" }))
        .statusCode,
    ).toBe(401);
    expect(runtime.events).toEqual([]);
  });

  it("checks the raw bytes, so re-encoding the JSON would not pass", async () => {
    const body = Buffer.from('{"object": "whatsapp_business_account"}');
    expect(validSignature(body, signatureOf(body, FAKE_APP_SECRET), FAKE_APP_SECRET)).toBe(true);
    const reencoded = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(validSignature(reencoded, signatureOf(body, FAKE_APP_SECRET), FAKE_APP_SECRET)).toBe(
      false,
    );
    expect(validSignature(body, undefined, FAKE_APP_SECRET)).toBe(false);
  });

  it("answers 400 for a signed body that is not a WhatsApp notification", async () => {
    const { runtime, post, signed } = await serve();
    const junk = "{not json";
    const res = await post(junk, {
      "content-type": "application/json",
      "x-hub-signature-256": sign(junk, FAKE_APP_SECRET),
    });
    expect(res.statusCode).toBe(400);
    expect((await signed({ object: "page", entry: [{ id: "1", changes: [] }] })).statusCode).toBe(
      400,
    );
    expect(runtime.events).toEqual([]);
  });
});

describe("WhatsApp webhook processing", () => {
  it("answers 200 once every message of a batch is saved, one sender's in order", async () => {
    const { runtime, signed } = await serve();
    // Meta's order within the call is not the order sent: a2 (later) comes first.
    const res = await signed(
      batch(
        textMessage(A, "a2", { at: T + 20_000 }),
        oneChange(
          textMessage(B, "b1", { at: T + 15_000 }),
          textMessage(A, "a1", { at: T + 10_000 }),
        ),
        status("wamid.x", "delivered"),
      ),
    );
    expect(res.statusCode).toBe(200);
    const forA = runtime.handled.filter((h) => h.key === `wa:+${A}`).map((h) => h.text);
    expect(forA).toEqual(["a1", "a2"]);
    expect(runtime.handled.map((h) => h.text).sort()).toEqual(["a1", "a2", "b1"]);
    // B did not wait behind A's slow messages.
    expect(runtime.events.indexOf("end b1")).toBeLessThan(runtime.events.indexOf("end a1"));
  });

  it("asks Meta to retry (503) when a message is not saved, and takes the batch again once", async () => {
    const { runtime, signed } = await serve();
    const n = batch(
      textMessage(A, "a1", { at: T + 10_000 }),
      textMessage(A, "a2", { at: T + 20_000 }),
      textMessage(B, "b1"),
    );
    runtime.failFor = "a1";
    expect((await signed(n)).statusCode).toBe(503);
    // a2 waited behind a1 instead of overtaking it; b1 was saved.
    expect(runtime.handled.map((h) => h.text)).toEqual(["b1"]);
    runtime.failFor = undefined;
    expect((await signed(n)).statusCode).toBe(200);
    expect(runtime.handled.map((h) => h.text)).toEqual(["b1", "a1", "a2"]);
  });

  it("keeps one sender's order across two calls that arrive together", async () => {
    const { runtime, signed } = await serve();
    const [first, second] = await Promise.all([
      signed(textMessage(A, "a1", { at: T + 10_000 })),
      signed(textMessage(A, "a2", { at: T + 20_000 })),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(runtime.events).toEqual(["start a1", "end a1", "start a2", "end a2"]);
  });

  it("sorts by time, then by place in the batch", () => {
    const m = (key: string, at: number, position: number) => ({
      key,
      at,
      position,
      inbound: { kind: "text", text: `${key}${at}${position}` } as Inbound,
      dedupeId: String(position),
      kind: "text",
    });
    const groups = bySender([m("a", 2, 0), m("b", 1, 1), m("a", 1, 3), m("a", 1, 2)]);
    expect(groups.get("a")?.map((x) => [x.at, x.position])).toEqual([
      [1, 2],
      [1, 3],
      [2, 0],
    ]);
  });

  it("leaves the Telegram webhook's JSON parsing alone", async () => {
    const TELEGRAM_UPDATE = {
      update_id: 1,
      message: { message_id: 1, date: 1, chat: { id: 7, type: "private" }, text: "halo" },
    };
    const seen: unknown[] = [];
    const bot = createBot({
      token: FAKE_TOKEN,
      apiRoot: "http://127.0.0.1:9",
      botInfo: { ...DEFAULT_BOT, can_join_groups: true } as UserFromGetMe,
    });
    bot.use((ctx) => void seen.push(ctx.update));
    const secret = "telegram-secret-0123456789";
    const log = createLogger("silent");
    await serve({ routes: [telegramRoutes({ bot, secret, log, metrics: createMetrics() })] });
    const res = await app?.inject({
      method: "POST",
      url: "/telegram/webhook",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      payload: JSON.stringify(TELEGRAM_UPDATE),
    });
    expect(res?.statusCode).toBe(200);
    expect(seen).toEqual([TELEGRAM_UPDATE]);
  });
});

describe("WhatsApp webhook hardening", () => {
  it("refuses a signed body whose messages are older than the replay window", async () => {
    const { runtime, signed, metrics } = await serve();
    const old = textMessage(A, "tolong", { at: Date.now() - 11 * 60_000 });
    const res = await signed(old);
    expect(res.statusCode).toBe(403);
    expect(runtime.events).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(
      /pulang_errors_total\{stage="whatsapp_replay"\} 1/,
    );
    // Within the window (its newest message decides), the same words are taken.
    const fresh = batch(
      textMessage(A, "tolong", { at: Date.now() - 11 * 60_000 }),
      textMessage(A, "halo", { at: Date.now() - 60_000 }),
    );
    expect((await signed(fresh)).statusCode).toBe(200);
    expect(runtime.handled.map((h) => h.text)).toEqual(["tolong", "halo"]);
  });

  it("handles the readable messages of a batch in which one is malformed", async () => {
    const { runtime, signed, metrics } = await serve();
    const broken = textMessage(B, "b1", { at: T + 5_000 });
    delete firstMessage(broken).id;
    const noTime = textMessage(B, "b2");
    delete firstMessage(noTime).timestamp;
    const res = await signed(batch(textMessage(A, "a1", { at: T + 10_000 }), broken, noTime));
    expect(res.statusCode).toBe(200);
    expect(runtime.handled.map((h) => h.text)).toEqual(["a1"]);
    expect(await metrics.registry.metrics()).toMatch(
      /pulang_errors_total\{stage="whatsapp_malformed_message"\} 2/,
    );
  });

  it("refuses a signature not in Meta's shape before reading the body", async () => {
    const { port } = await listen();
    // Headers promise a 1 MB body that never comes: only a refusal can answer this.
    const answer = await rawRequest(
      port,
      [
        "POST /whatsapp/webhook HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        "Content-Length: 1048576",
        "X-Hub-Signature-256: sha256=not-a-signature",
        "",
        '{"object":',
      ].join("\r\n"),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });
});

/** Serve the routes on a real port (loopback), for tests that speak raw HTTP. */
async function listen(): Promise<{ port: number }> {
  await serve();
  await app?.listen({ port: 0, host: "127.0.0.1" });
  const address = app?.server.address();
  return { port: typeof address === "object" && address ? address.port : 0 };
}

/** Send `head` on a raw socket; resolves with what comes back before the server closes it. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    let got = "";
    socket.on("data", (chunk) => {
      got += String(chunk);
      if (got.includes("\r\n\r\n")) {
        socket.destroy();
        resolve(got);
      }
    });
    socket.on("close", () => resolve(got));
    socket.on("error", reject);
  });
}
