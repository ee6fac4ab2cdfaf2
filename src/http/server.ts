/**
 * The HTTP surface: channel webhooks, health, readiness and metrics. Thin: each webhook
 * checks who is calling and what was sent, then hands over; nothing is acknowledged
 * (2xx) that was not saved.
 *
 * Every route is bounded: headers must arrive within `headersMs`, the whole request
 * within `requestMs` (Fastify's default is no limit at all, so one slow body could hold
 * a connection, and its memory, for ever), and bodies within `BODY_LIMIT`. `/metrics`
 * asks for `Authorization: Bearer <METRICS_TOKEN>` when a token is set (production
 * refuses to start without one: decision 0027).
 */
import { timingSafeEqual } from "node:crypto";
import bearerAuth from "@fastify/bearer-auth";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";

/** Largest request body accepted (Telegram updates are a few KB). */
export const BODY_LIMIT = 1024 * 1024;

/** How long a caller may take to send its headers, and its whole request. */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
}

/** Webhooks come from Telegram's and Meta's data centres: a few KB, sent at once. */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 20_000 };

/** One readiness check: what it looked at and whether it is fine. */
export interface ReadyCheck {
  name: string;
  ok: boolean;
  /**
   * False: reported, but the service stays ready without it (the operators' group being
   * away must not stop people's messages from being taken; they wait in the outbox).
   */
  critical?: boolean;
}

export interface ServerDeps {
  log: Logger;
  metrics: Metrics;
  ready: () => Promise<ReadyCheck[]>;
  /** METRICS_TOKEN: `/metrics` asks for it as a bearer token; unset: open (never in production). */
  metricsToken?: string;
  timeouts?: HttpTimeouts;
  /** The channels' webhook routes (telegram/webhook.ts, whatsapp/webhook.ts). */
  routes?: ((app: FastifyInstance) => void)[];
}

/** Constant-time comparison of a presented secret with the expected one. */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createServer(d: ServerDeps): FastifyInstance {
  const timeouts = d.timeouts ?? DEFAULT_TIMEOUTS;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    requestTimeout: timeouts.requestMs,
    http: {
      headersTimeout: timeouts.headersMs,
      // Node looks for overdue requests this often (its default, 30 s, would let a slow
      // caller keep a connection well past the limits above).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
  });
  app.setErrorHandler((err: { statusCode?: number; code?: string }, _req, reply) => {
    // Oversized or unparseable bodies are the sender's mistake: 400, as for any bad body.
    const status = err.statusCode && err.statusCode < 500 ? 400 : 500;
    if (status === 500) d.log.error({ code: err.code }, "request failed");
    void reply.status(status).send({ error: status === 400 ? "bad request" : "internal error" });
  });
  app.get("/healthz", async () => ({ status: "ok" }));
  // Browsers ask for it on every page (the web chat, the console): no icon, no 404 noise.
  app.get("/favicon.ico", (_req, reply) => reply.status(204).send());
  app.get("/readyz", async (_req, reply) => {
    const checks = await d.ready();
    const ok = checks.every((c) => c.ok || c.critical === false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? "ready" : "not ready", checks });
  });
  void app.register(async (scope) => metricsRoute(scope, d));
  for (const route of d.routes ?? []) route(app);
  return app;
}

/** `GET /metrics`, behind the bearer token when there is one. */
async function metricsRoute(scope: FastifyInstance, d: ServerDeps): Promise<void> {
  if (d.metricsToken !== undefined) {
    await scope.register(bearerAuth, {
      keys: [d.metricsToken],
      addHook: "onRequest",
      errorResponse: () => ({ error: "unauthorized" }),
    });
  }
  scope.get("/metrics", async (_req, reply) => {
    return reply
      .header("content-type", d.metrics.registry.contentType)
      .send(await d.metrics.registry.metrics());
  });
}
