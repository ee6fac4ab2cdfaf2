/**
 * The WhatsApp webhook on the real HTTP server: Meta's verification handshake, the body's
 * signature checked on the raw bytes before anything else (401, nothing processed), 400 for
 * what is not a notification, 503 when a message could not be saved (and a clean redelivery
 * after), and a batch's messages in order per sender, different senders at once. The
 * Telegram route next to it keeps its own JSON parsing.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
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

async function serve(extra: { telegram?: (u: unknown) => Promise<void> } = {}) {
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
    ...(extra.telegram
      ? { telegram: { secret: "telegram-secret-0123456789", handle: extra.telegram as never } }
      : {}),
    routes: [
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
    const noTime = textMessage(A, "x");
    delete firstMessage(noTime).timestamp;
    expect((await signed(noTime)).statusCode).toBe(400);
    expect(runtime.events).toEqual([]);
  });
});

describe("WhatsApp webhook processing", () => {
  it("answers 200 once every message of a batch is saved, one sender's in order", async () => {
    const { runtime, signed } = await serve();
    // Meta's order within the call is not the order sent: a2 (later) comes first.
    const res = await signed(
      batch(
        textMessage(A, "a2", { at: 2_000_000 }),
        oneChange(textMessage(B, "b1", { at: 1_500_000 }), textMessage(A, "a1", { at: 1_000_000 })),
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
      textMessage(A, "a1", { at: 1_000_000 }),
      textMessage(A, "a2", { at: 2_000_000 }),
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
      signed(textMessage(A, "a1", { at: 1_000_000 })),
      signed(textMessage(A, "a2", { at: 2_000_000 })),
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
    await serve({ telegram: async (u) => void seen.push(u) });
    const res = await app?.inject({
      method: "POST",
      url: "/telegram/webhook",
      headers: {
        "content-type": "application/json",
        "x-telegram-bot-api-secret-token": "telegram-secret-0123456789",
      },
      payload: JSON.stringify(TELEGRAM_UPDATE),
    });
    expect(res?.statusCode).toBe(200);
    expect(seen).toEqual([TELEGRAM_UPDATE]);
  });
});
