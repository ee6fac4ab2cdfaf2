/**
 * The Graph API client against the fake on loopback: what it sends, retries on throttling
 * and server errors (bounded), no retries on permanent refusals, typed errors without
 * content; media downloads; and the per-person pair budget.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, GraphClient, GraphError } from "../../src/channels/whatsapp/graph.js";
import { PairLimiter } from "../../src/channels/whatsapp/pair-limiter.js";
import {
  FAKE_ACCESS_TOKEN,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERSION,
  FakeGraphApi,
} from "../fakes/whatsapp/graph-api.js";

let fake: FakeGraphApi;
const waits: number[] = [];

function client(o: { token?: string; maxAttempts?: number } = {}) {
  return new GraphClient({
    apiRoot: fake.apiRoot,
    version: FAKE_VERSION,
    phoneNumberId: FAKE_PHONE_NUMBER_ID,
    accessToken: o.token ?? FAKE_ACCESS_TOKEN,
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
}

const hello = { type: "text", text: { body: "Halo", preview_url: false } } as const;
const TO = "6281234567890";

beforeAll(async () => {
  fake = await FakeGraphApi.start();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.clear();
  waits.length = 0;
});

describe("GraphClient", () => {
  it("sends with the token to the pinned version and number, and returns the wamid", async () => {
    const id = await client().send(TO, hello);
    expect(id).toMatch(/^wamid\./);
    const [call] = fake.calls;
    expect(call?.path).toBe(`/${FAKE_VERSION}/${FAKE_PHONE_NUMBER_ID}/messages`);
    expect(call?.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: TO,
      type: "text",
      text: { body: "Halo", preview_url: false },
    });
  });

  it("retries throttling and server errors with backoff, then succeeds", async () => {
    fake.failNext(130429);
    fake.failNext(131000);
    fake.failNext(131056);
    await client().send(TO, hello);
    expect(fake.calls.map((c) => c.status)).toEqual([400, 500, 400, 200]);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(waits[1]).toBeGreaterThanOrEqual(2000);
    expect(waits[2]).toBeGreaterThanOrEqual(6000); // the pair rate: at least 6 s
  });

  it("gives up after a bounded number of attempts", async () => {
    fake.failNext(131016, { times: 10 });
    const err = await client({ maxAttempts: 3 })
      .send(TO, hello)
      .catch((e) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).code).toBe(131016);
    expect(fake.calls).toHaveLength(3);
  });

  it("does not retry permanent refusals, and says which person-side ones they are", async () => {
    for (const code of [131047, 131026, 131030]) {
      fake.failNext(code);
      const err = (await client()
        .send(TO, hello)
        .catch((e) => e)) as GraphError;
      expect(err.code).toBe(code);
      expect(err.retryable).toBe(false);
      expect(err.recipientUnreachable).toBe(true);
    }
    expect(fake.calls).toHaveLength(3);
    const bad = (await client({ token: "EAAwrong-token-0123456789" })
      .send(TO, hello)
      .catch((e) => e)) as GraphError;
    expect([bad.status, bad.code, bad.retryable, bad.recipientUnreachable]).toEqual([
      401,
      190,
      false,
      false,
    ]);
  });

  it("reports Graph's refusal of an over-long button title, naming no content", async () => {
    const err = (await client()
      .send(TO, {
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: "Rahasia sekali" },
          action: { buttons: [{ type: "reply", reply: { id: "a|b", title: "x".repeat(21) } }] },
        },
      })
      .catch((e) => e)) as GraphError;
    expect(err.code).toBe(131009);
    expect(err.message).not.toContain("Rahasia");
    expect(fake.violations[0]?.problem).toMatch(/Button title length invalid/);
  });

  it("retries a connection that gets no answer", async () => {
    const broken = new GraphClient({
      apiRoot: "http://127.0.0.1:1",
      phoneNumberId: FAKE_PHONE_NUMBER_ID,
      accessToken: FAKE_ACCESS_TOKEN,
      maxAttempts: 2,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const err = (await broken.send(TO, hello).catch((e) => e)) as GraphError;
    expect([err.status, err.retryable]).toEqual([0, true]);
    expect(waits).toHaveLength(1);
  });

  it("fetches a media file a person sent", async () => {
    const id = fake.addMedia(Buffer.from("JPEGDATA"), "image/jpeg");
    const info = await client().media(id);
    expect(info.mimeType).toBe("image/jpeg");
    expect((await client().download(info.url, 1000)).toString()).toBe("JPEGDATA");
    await expect(client().download(info.url, 3)).rejects.toThrow(/too large/);
  });

  it("honours Retry-After and never waits less than the doubling", () => {
    const e = new GraphError(429, undefined, undefined, undefined, 9000);
    expect(backoffMs(e, 1)).toBe(9000);
    expect(backoffMs(new GraphError(503, undefined), 3)).toBeGreaterThanOrEqual(4000);
  });
});

describe("PairLimiter", () => {
  it("lets a burst go at once, then spaces one person's messages 6 s apart", () => {
    let now = 0;
    const pairs = new PairLimiter({ burst: 3, intervalMs: 6000, now: () => now });
    expect([1, 2, 3, 4, 5].map(() => pairs.reserve("a"))).toEqual([0, 0, 0, 6000, 12000]);
    expect(pairs.reserve("b")).toBe(0); // another person is not held up
    now = 60_000; // a quiet minute refills the budget
    expect([1, 2, 3].map(() => pairs.reserve("a"))).toEqual([60_000, 60_000, 60_000]);
  });

  it("keeps a steady one-per-interval flow going without delay", () => {
    let now = 0;
    const pairs = new PairLimiter({ burst: 2, intervalMs: 6000, now: () => now });
    for (let i = 0; i < 20; i++) {
      expect(pairs.reserve("a")).toBe(now);
      now += 6000;
    }
  });
});
