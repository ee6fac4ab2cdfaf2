/**
 * The web chat adapter on Fastify's inject: what the page is served with, and what a post
 * becomes (or why it is refused) before anything reaches the runtime.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConversationIds, webKey } from "../../src/channels/web/ids.js";
import { Mailbox } from "../../src/channels/web/mailbox.js";
import { knownPlaces, regionMap } from "../../src/channels/web/map.js";
import { CHAT_HEADER, webChatRoutes } from "../../src/channels/web/routes.js";
import { createConfig } from "../../src/config.js";
import { loadDirectory } from "../../src/directory/index.js";
import type { Inbound } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { realBundle } from "../helpers/content.js";

interface Call {
  key: string;
  inbound: Inbound;
  dedupeId?: string;
}

const places = knownPlaces(loadDirectory(createConfig({}).paths.directory));
let app: FastifyInstance;
let calls: Call[];
let mailbox: Mailbox;
let ids: ConversationIds;
let chat: string;

async function build(messagesPerMinute = 30): Promise<void> {
  calls = [];
  mailbox = new Mailbox();
  ids = new ConversationIds();
  chat = ids.issue();
  app = Fastify();
  webChatRoutes({
    runtime: {
      async handle(key, inbound, dedupeId) {
        calls.push({ key, inbound, ...(dedupeId ? { dedupeId } : {}) });
        return { status: "handled", effects: [], delivered: Promise.resolve("done") };
      },
    },
    mailbox,
    ids,
    texts: realBundle().texts,
    languages: ["id", "en"],
    places,
    map: regionMap(places),
    messagesPerMinute,
    log: createLogger("silent"),
  })(app);
  await app.ready();
}

function send(form: Record<string, string>, id: string | null = chat) {
  return app.inject({
    method: "POST",
    url: "/chat/send",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(id === null ? {} : { [CHAT_HEADER]: id }),
    },
    payload: new URLSearchParams(form).toString(),
  });
}

beforeEach(() => build());
afterEach(() => app.close());

describe("the web chat page", () => {
  it("is served in the browser's language, under a content security policy with nothing inline", async () => {
    const res = await app.inject({ url: "/", headers: { "accept-language": "en-GB,en;q=0.9" } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain("Quick exit");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("is in the helpline's first language when the browser asks for one it does not speak", async () => {
    const res = await app.inject({ url: "/", headers: { "accept-language": "fr-FR" } });
    expect(res.body).toContain('<html lang="id">');
    expect(res.body).toContain("Keluar cepat");
  });

  it("gives every page a conversation id of its own", async () => {
    const a = await app.inject({ url: "/" });
    const b = await app.inject({ url: "/" });
    const idOf = (body: string) => /data-chat="([^"]+)"/.exec(body)?.[1];
    expect(ids.valid(idOf(a.body))).toBe(true);
    expect(idOf(a.body)).not.toBe(idOf(b.body));
  });

  it("serves htmx and its own script from this origin", async () => {
    for (const file of ["htmx.min.js", "sse.js", "chat.js", "chat.css"]) {
      const res = await app.inject({ url: `/web/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.body.length, file).toBeGreaterThan(500);
    }
  });

  it("offers every located place of the directory in the list, by country", async () => {
    const res = await app.inject({ url: "/" });
    expect(res.body).toContain('value="poipet"');
    expect(res.body).toContain('value="kk_park"');
    expect(res.body).toContain("<summary>Kamboja</summary>");
  });
});

describe("a post from the page", () => {
  it("becomes a message of the tab's conversation, deduplicated by the page's message id", async () => {
    const res = await send({ mid: "p1234567890", text: "tolong sy dipukul bos" });
    expect(res.statusCode).toBe(204);
    expect(calls).toEqual([
      {
        key: webKey(chat),
        inbound: { kind: "text", text: "tolong sy dipukul bos", origin: "p1234567890" },
        dedupeId: "p1234567890",
      },
    ]);
    // The person's own words are shown as their bubble, under the same id.
    expect(mailbox.transcript(webKey(chat)).messages).toEqual([
      { id: "p1234567890", from: "person", text: "tolong sy dipukul bos" },
    ]);
  });

  it("passes the browser's language as a hint, like Telegram's language code", async () => {
    await app.inject({
      method: "POST",
      url: "/chat/send",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        [CHAT_HEADER]: chat,
        "accept-language": "en-US,en;q=0.8",
      },
      payload: "mid=p1234567890&text=help",
    });
    expect(calls[0]?.inbound.langHint).toBe("en");
  });

  it("turns a tap into the choice of its question, shown with the button's words", async () => {
    await send({ mid: "p1234567890", stepRef: "help.safety", option: "danger", label: "Bahaya" });
    expect(calls[0]?.inbound).toEqual({
      kind: "choice",
      stepRef: "help.safety",
      option: "danger",
      origin: "p1234567890",
    });
    expect(mailbox.transcript(webKey(chat)).messages[0]?.text).toBe("Bahaya");
  });

  it("turns a point on the map into a shared location", async () => {
    await send({ mid: "p1234567890", lat: "13.65", lon: "102.567" });
    expect(calls[0]?.inbound).toEqual({
      kind: "location",
      lat: 13.65,
      lon: 102.567,
      origin: "p1234567890",
    });
  });

  it("turns a known place from the list into that place's pin", async () => {
    await send({ mid: "p1234567890", place: "poipet" });
    expect(calls[0]?.inbound).toMatchObject({ kind: "location", lat: 13.65, lon: 102.567 });
    expect(mailbox.transcript(webKey(chat)).messages[0]?.text).toBe("📍 Poipet");
  });

  it("refuses, and hands nothing on, without a conversation id this service issued", async () => {
    const forged = `${"A".repeat(38)}`;
    const other = new ConversationIds().issue();
    for (const id of [null, forged, other, "web:123"]) {
      const res = await send({ mid: "p1234567890", text: "halo" }, id);
      expect(res.statusCode, String(id)).toBe(403);
    }
    expect(calls).toEqual([]);
  });

  it("refuses what is not one message: mixed, empty, too long, an unknown place, no id", async () => {
    const bad: Record<string, string>[] = [
      { mid: "p1234567890", text: "halo", lat: "1", lon: "2" },
      { mid: "p1234567890", text: "   " },
      { mid: "p1234567890", text: "x".repeat(4097) },
      { mid: "p1234567890", place: "atlantis" },
      { mid: "p1234567890", lat: "91", lon: "0" },
      { text: "halo" },
      { mid: "<script>", text: "halo" },
    ];
    for (const form of bad) {
      const res = await send(form);
      expect(res.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400);
    }
    expect(calls).toEqual([]);
    expect(mailbox.transcript(webKey(chat)).messages).toEqual([]);
  });

  it("forgets the tab's bubbles on the quick-exit tap, once its answer went out", async () => {
    await send({ mid: "p1234567890", text: "halo" });
    await send({ mid: "p1234567891", stepRef: "exit", option: "_exit" });
    expect(calls[1]?.inbound).toMatchObject({ kind: "choice", option: "_exit" });
    await new Promise((r) => setTimeout(r, 0));
    expect(mailbox.transcript(webKey(chat)).messages).toEqual([]);
  });

  it("slows a tab that sends too fast (429), without slowing other tabs", async () => {
    await app.close();
    await build(3);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await send({ mid: `p123456789${i}`, text: "halo" })).statusCode);
    expect(statuses).toEqual([204, 204, 204, 429, 429]);
    expect(calls).toHaveLength(3);
    const other = ids.issue();
    expect((await send({ mid: "p9999999999", text: "halo" }, other)).statusCode).toBe(204);
  });
});

describe("the event stream", () => {
  it("is refused for a conversation this service did not issue", async () => {
    const res = await app.inject({ url: `/chat/events?c=${"A".repeat(38)}` });
    expect(res.statusCode).toBe(404);
  });
});
