/**
 * The web chat on the helpline's HTTP server: `GET /` is the page, `POST /chat/send` takes
 * what the person sends, `GET /chat/events` streams the replies (server-sent events), and
 * `/web/*` serves the page's own script and style and htmx, from this origin only.
 *
 * Everything lives in a Fastify scope of its own, so its security headers (a strict
 * content security policy: scripts, styles and connections from this origin only, no
 * inline code, no framing), its form parsing and its rate limits apply to these routes and
 * no others. Thin, like the other channels: a post is checked and becomes the runtime's
 * inbound, with the page's message id as the dedupe id.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ROOT } from "../../config.js";
import type { Texts } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { Runtime } from "../../runtime/runtime.js";
import { errorSummary } from "../errors.js";
import { type ConversationIds, webKey } from "./ids.js";
import { browserLanguage, readPost } from "./inbound.js";
import type { MailboxEvent, WebMailbox } from "./mailbox.js";
import type { KnownPlace, RegionMap } from "./map.js";
import { type EventStream, openEventStream } from "./sse.js";
import { bubbles, chrome, PATHS, page, removals, wholeLog } from "./views.js";

/** The header a page sends its conversation id in (set by chat.js on every htmx request). */
export const CHAT_HEADER = "x-chat";
/** Pages one address may open in a minute (each is a new conversation id). */
const PAGES_PER_MINUTE = 60;

export interface WebChatRoutesDeps {
  runtime: Pick<Runtime, "handle">;
  mailbox: WebMailbox;
  ids: ConversationIds;
  texts: Texts;
  /** The helpline's languages; the first is the page's until the browser or the chat says. */
  languages: readonly string[];
  places: readonly KnownPlace[];
  map: RegionMap;
  /** What one tab may send in a minute. */
  messagesPerMinute: number;
  log: Logger;
  /** Counts handled posts by outcome (for /metrics). */
  onPost?: (outcome: string) => void;
}

/** Register the web chat: pass the result to `createServer({ routes: [...] })`. */
export function webChatRoutes(d: WebChatRoutesDeps): (app: FastifyInstance) => void {
  return (app) => {
    void app.register(async (scope) => {
      await scope.register(helmet, {
        contentSecurityPolicy: { useDefaults: false, directives: CSP },
      });
      await scope.register(formbody, { bodyLimit: 16 * 1024 });
      await scope.register(rateLimit, { global: false });
      const streams = new Set<() => void>();
      // Open event streams would keep the server from closing: end them first.
      scope.addHook("preClose", async () => {
        for (const end of streams) end();
      });
      scope.addHook("onClose", async () => d.mailbox.close?.());
      assetRoutes(scope);
      scope.get(
        PATHS.page,
        { config: { rateLimit: { max: PAGES_PER_MINUTE, timeWindow: 60_000 } } },
        (req, reply) => showPage(d, req, reply),
      );
      scope.get(PATHS.events, (req, reply) => stream(d, req, reply, streams));
      scope.post(
        PATHS.send,
        {
          config: {
            rateLimit: {
              max: d.messagesPerMinute,
              timeWindow: 60_000,
              // Per tab when it says which; per address otherwise.
              keyGenerator: (req) => chatId(d, req) ?? req.ip,
            },
          },
        },
        (req, reply) => post(d, req, reply),
      );
    });
  };
}

/** Everything from this origin; nothing inline, nothing framed, no plugins. */
const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

/** The page's files: ours from `public/web`, htmx and its SSE extension from npm. */
function assetRoutes(scope: FastifyInstance): void {
  const require = createRequire(import.meta.url);
  const files: Record<string, { path: string; type: string }> = {
    "chat.js": { path: join(ROOT, "public/web/chat.js"), type: "text/javascript" },
    "chat.css": { path: join(ROOT, "public/web/chat.css"), type: "text/css" },
    "htmx.min.js": { path: require.resolve("htmx.org/dist/htmx.min.js"), type: "text/javascript" },
    "sse.js": { path: require.resolve("htmx-ext-sse/dist/sse.min.js"), type: "text/javascript" },
  };
  for (const [name, file] of Object.entries(files)) {
    const body = readFileSync(file.path);
    scope.get(`${PATHS.assets}${name}`, (_req, reply) =>
      reply.type(`${file.type}; charset=utf-8`).header("cache-control", "no-cache").send(body),
    );
  }
}

function pageLanguage(d: WebChatRoutesDeps, req: FastifyRequest): string {
  const wanted = browserLanguage(req.headers["accept-language"]);
  return wanted && d.languages.includes(wanted) ? wanted : (d.languages[0] as string);
}

async function showPage(d: WebChatRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  const lang = pageLanguage(d, req);
  const body = page({ lang, texts: d.texts, chat: d.ids.issue(), map: d.map, places: d.places });
  return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
}

/** The tab's conversation id, when the request carries one this service issued. */
function chatId(d: WebChatRoutesDeps, req: FastifyRequest): string | undefined {
  const header = req.headers[CHAT_HEADER];
  const query = (req.query as { c?: unknown } | undefined)?.c;
  const id = typeof header === "string" ? header : query;
  return d.ids.valid(id) ? id : undefined;
}

async function post(d: WebChatRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  const id = chatId(d, req);
  if (!id) {
    d.onPost?.("unknown_chat");
    return reply.status(403).send({ error: "unknown conversation: reload the page" });
  }
  const key = webKey(id);
  const langHint = browserLanguage(req.headers["accept-language"]);
  const lang = (await d.mailbox.transcript(key)).lang ?? pageLanguage(d, req);
  const incoming = readPost(req.body, {
    places: (placeId) => d.places.find((p) => p.id === placeId),
    pinLabel: d.texts.t(lang, "web:pin_shared"),
    ...(langHint ? { langHint } : {}),
  });
  if (!incoming) {
    d.onPost?.("malformed");
    return reply.status(400).send({ error: "not a chat message" });
  }
  if (!incoming.quickExit && incoming.shown)
    await d.mailbox.add(key, [{ id: incoming.id, from: "person", text: incoming.shown }]);
  let outcome: Awaited<ReturnType<Runtime["handle"]>>;
  try {
    outcome = await d.runtime.handle(key, incoming.inbound, incoming.id);
  } catch (err) {
    // Not saved: the page says so, and the bubble goes until the person sends it again.
    await d.mailbox.remove(key, [incoming.id]);
    d.onPost?.("failed");
    d.log.warn({ err: errorSummary(err) }, "web chat message not saved");
    return reply.status(503).send({ error: "try again" });
  }
  d.onPost?.(outcome.status);
  if (incoming.quickExit) forgetAfter(d, key, outcome);
  return reply.status(204).send();
}

/** A quick exit: once its answer went out, the tab's bubbles are forgotten too. */
function forgetAfter(
  d: WebChatRoutesDeps,
  key: ConversationKey,
  outcome: Awaited<ReturnType<Runtime["handle"]>>,
): void {
  const delivered = "delivered" in outcome ? outcome.delivered : Promise.resolve();
  void delivered.finally(() => d.mailbox.forget(key)).catch(() => undefined);
}

async function stream(
  d: WebChatRoutesDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  streams: Set<() => void>,
) {
  const id = chatId(d, req);
  if (!id) return reply.status(404).send({ error: "unknown conversation: reload the page" });
  const key = webKey(id);
  let unsubscribe = () => {};
  let closed = false;
  const end = () => reply.raw.end();
  streams.add(end);
  const events = openEventStream(req, reply, () => {
    closed = true;
    streams.delete(end);
    unsubscribe();
  });
  const now = await d.mailbox.transcript(key);
  let lang = now.lang ?? pageLanguage(d, req);
  events.send(wholeLog(now.messages, lang, d.texts) + (now.lang ? chrome(lang, d.texts) : ""));
  unsubscribe = d.mailbox.subscribe(
    key,
    (event) => {
      if (event.type === "language") lang = event.lang;
      send(d, events, event, lang);
    },
    now,
  );
  // The page went away while its bubbles were read.
  if (closed) unsubscribe();
}

function send(d: WebChatRoutesDeps, events: EventStream, event: MailboxEvent, lang: string): void {
  events.send(eventHtml(d, event, lang));
}

function eventHtml(d: WebChatRoutesDeps, event: MailboxEvent, lang: string): string {
  switch (event.type) {
    case "add":
      return bubbles(event.messages, lang, d.texts);
    case "remove":
      return removals(event.ids);
    case "clear":
      return wholeLog([], lang, d.texts);
    case "language":
      return chrome(lang, d.texts);
  }
}
