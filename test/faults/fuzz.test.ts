/**
 * 100,000 random and malformed webhook bodies against the running service: it never
 * crashes and never leaves a rejection unhandled; every body that is not a Telegram update
 * is refused with a 4xx; and nothing at all is answered 5xx, since Telegram delivers a 5xx
 * again and again (a malformed update must not become a message that never goes away).
 */
import { Agent, request } from "node:http";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { crashLines, openEnvironment, SECRET, startService } from "./harness.js";

const BODIES = Number(process.env.FUZZ_BODIES ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** One request: a body, how it is sent, and what it is. */
interface Case {
  body: string;
  contentType?: string;
  secret?: string | null;
  kind: string;
}

const DELETE = Symbol("delete");

/** A well-formed inner object of one update type. */
const inner = fc
  .record({
    chat: fc.integer({ min: 1, max: 2_000_000_000 }),
    text: fc.string({ maxLength: 300 }),
    data: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom("c|help.safety|danger", "c|welcome.menu|help", "c|x|_exit"),
    ),
    lat: fc.double({ noNaN: false }),
    lon: fc.double({ noNaN: false }),
    pick: fc.nat(5),
  })
  .map(({ chat, text, data, lat, lon, pick }) => {
    const user = { id: chat, is_bot: false, first_name: "Budi", language_code: "id" };
    const c = { id: chat, type: "private", first_name: "Budi" };
    const message = { message_id: 1, date: 1_790_000_000, chat: c, from: user };
    switch (pick) {
      case 0:
        return { key: "message", value: { ...message, text } };
      case 1:
        return {
          key: "message",
          value: { ...message, location: { latitude: lat, longitude: lon } },
        };
      case 2:
        return {
          key: "callback_query",
          value: {
            id: String(chat),
            from: user,
            chat_instance: "1",
            data,
            message: { ...message, text: "…" },
          },
        };
      case 3:
        return { key: "edited_message", value: { ...message, text, edit_date: 1_790_000_100 } };
      case 4:
        return {
          key: "my_chat_member",
          value: {
            chat: c,
            from: user,
            date: 1,
            old_chat_member: { status: "member", user },
            new_chat_member: { status: "kicked", user, until_date: 0 },
          },
        };
      default:
        return {
          key: "message",
          value: { ...message, chat: { id: -100 - chat, type: "supergroup", title: "g" }, text },
        };
    }
  });

/** Paths into an object, for mutations. */
function paths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== "object") return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, child] of Object.entries(v)) out.push(...paths(child, [...prefix, k]));
  return out;
}

function mutate(value: unknown, ops: [number, unknown][]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const [at, replacement] of ops) {
    const all = paths(copy);
    const path = all[at % Math.max(1, all.length)];
    if (!path || path.length === 0) continue;
    let node = copy as Record<string, unknown>;
    for (const p of path.slice(0, -1)) node = node[p] as Record<string, unknown>;
    const last = path[path.length - 1] as string;
    if (replacement === DELETE) delete node[last];
    else node[last] = replacement;
  }
  return copy;
}

const updateId = fc.integer({ min: 0, max: 2 ** 31 });
const validUpdate = fc
  .tuple(updateId, inner)
  .map(([id, i]) => JSON.stringify({ update_id: id, [i.key]: i.value }));
const malformedUpdate = fc.oneof(
  fc
    .tuple(
      updateId,
      inner,
      fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constant(DELETE), fc.jsonValue({ maxDepth: 2 }))), {
        minLength: 1,
        maxLength: 4,
      }),
    )
    .map(([id, i, ops]) => JSON.stringify({ update_id: id, [i.key]: mutate(i.value, ops) })),
  fc
    .tuple(
      updateId,
      fc.constantFrom(
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "channel_post",
        "inline_query",
        "poll",
        "zzz",
      ),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .map(([id, key, value]) => JSON.stringify({ update_id: id, [key]: value })),
);
const notAnUpdate = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      update_id: fc.oneof(
        fc.integer({ max: -1 }),
        fc.double(),
        fc.string(),
        fc.constant(null),
        fc.boolean(),
        fc.array(fc.nat()),
      ),
      message: fc.jsonValue({ maxDepth: 1 }),
    })
    .map((v) => JSON.stringify(v)),
  updateId.map((id) => JSON.stringify({ update_id: id })),
  fc
    .array(
      inner.map((i) => ({ update_id: 1, [i.key]: i.value })),
      { maxLength: 3 },
    )
    .map((v) => JSON.stringify(v)),
);
const notJson = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  validUpdate.chain((s) => fc.nat(s.length).map((n) => s.slice(0, n))),
  fc.constantFrom("", "{", "[", "nul", '{"update_id":', "\u0000", "{}}"),
);

function isUpdate(body: string): boolean {
  try {
    const v = JSON.parse(body) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
    const id = (v as { update_id?: unknown }).update_id;
    return Number.isInteger(id) && (id as number) >= 0 && Object.keys(v).length > 1;
  } catch {
    return false;
  }
}

const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 30, arbitrary: notJson.map((body) => ({ body, kind: "not JSON" })) },
  { weight: 30, arbitrary: notAnUpdate.map((body) => ({ body, kind: "JSON, not an update" })) },
  { weight: 28, arbitrary: malformedUpdate.map((body) => ({ body, kind: "malformed update" })) },
  { weight: 8, arbitrary: validUpdate.map((body) => ({ body, kind: "valid update" })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validUpdate, fc.constantFrom(null, "wrong-secret-0123456789"))
      .map(([body, secret]) => ({ body, secret, kind: "bad secret" })),
  },
  {
    weight: 2,
    arbitrary: validUpdate.map((body) => ({
      body,
      contentType: "text/plain",
      kind: "wrong content type",
    })),
  },
);

describe("fuzz: random and malformed webhook bodies", () => {
  it(`survives ${BODIES.toLocaleString("en")} of them and refuses every bad one with a 4xx`, async () => {
    const { setup } = await openEnvironment(cleanups);
    const lines: string[] = [];
    const { bot } = await startService(setup, lines);
    cleanups.push(() => bot.stop());

    const sample = fc.sample(cases, { numRuns: BODIES - 2, seed: SEED });
    // Two oversized bodies (over the 1 MB limit).
    const big = `{"update_id":1,"message":{"text":"${"x".repeat(1_100_000)}"}}`;
    sample.push(
      { body: big, kind: "oversized" },
      { body: `[${"1,".repeat(600_000)}1]`, kind: "oversized" },
    );

    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const byKind = new Map<string, Map<number, number>>();
    const wrong: { kind: string; status: number; body: string }[] = [];
    const send = (c: Case): Promise<number> =>
      new Promise((resolve) => {
        const headers: Record<string, string | number> = {
          "content-length": Buffer.byteLength(c.body),
        };
        if (c.contentType !== "none") headers["content-type"] = c.contentType ?? "application/json";
        if (c.secret !== null) headers["x-telegram-bot-api-secret-token"] = c.secret ?? SECRET;
        const req = request(
          {
            agent,
            host: "127.0.0.1",
            port: bot.port,
            method: "POST",
            path: "/telegram/webhook",
            headers,
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", () => resolve(0));
        req.end(c.body);
      });
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < sample.length) {
          const c = sample[next++] as Case;
          const status = await send(c);
          const counts = byKind.get(c.kind) ?? new Map<number, number>();
          counts.set(status, (counts.get(status) ?? 0) + 1);
          byKind.set(c.kind, counts);
          const bad = c.secret !== undefined || c.contentType !== undefined || !isUpdate(c.body);
          // An oversized body is refused before it is read: the answer (400) may reach the
          // client, or the connection may close under the body it is still writing (0).
          const refused = status >= 400 && status < 500;
          const cut = c.kind === "oversized" && status === 0;
          const ok = bad || c.kind === "oversized" ? refused || cut : status > 0 && status < 500;
          if (!ok && wrong.length < 20)
            wrong.push({ kind: c.kind, status, body: c.body.slice(0, 300) });
        }
      }),
    );
    agent.destroy();
    const table = [...byKind].map(([k, m]) => `${k}: ${JSON.stringify(Object.fromEntries(m))}`);
    console.info(`answers by kind of body:\n  ${table.join("\n  ")}`);

    // Still up, and nothing went unhandled.
    expect(bot.alive).toBe(true);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect(crashLines(lines.join("\n") + bot.stderr.join(""))).toEqual([]);
    // Every bad body refused with a 4xx, and no 5xx for anything.
    expect(wrong).toEqual([]);
  }, 240_000);
});
