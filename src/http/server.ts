/**
 * The HTTP surface: channel webhooks, health, readiness and metrics. Thin: each webhook
 * checks who is calling and what was sent, then hands over; nothing is acknowledged
 * (2xx) that was not saved.
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";

/** Largest request body accepted (Telegram updates are a few KB). */
export const BODY_LIMIT = 1024 * 1024;

/** One readiness check: what it looked at and whether it is fine. */
export interface ReadyCheck {
  name: string;
  ok: boolean;
}

export interface ServerDeps {
  log: Logger;
  metrics: Metrics;
  ready: () => Promise<ReadyCheck[]>;
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
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false });
  app.setErrorHandler((err: { statusCode?: number; code?: string }, _req, reply) => {
    // Oversized or unparseable bodies are the sender's mistake: 400, as for any bad body.
    const status = err.statusCode && err.statusCode < 500 ? 400 : 500;
    if (status === 500) d.log.error({ code: err.code }, "request failed");
    void reply.status(status).send({ error: status === 400 ? "bad request" : "internal error" });
  });
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const checks = await d.ready();
    const ok = checks.every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? "ready" : "not ready", checks });
  });
  app.get("/metrics", async (_req, reply) => {
    return reply
      .header("content-type", d.metrics.registry.contentType)
      .send(await d.metrics.registry.metrics());
  });
  for (const route of d.routes ?? []) route(app);
  return app;
}
