/**
 * The HTTP surface: channel webhooks, health, readiness and metrics. Thin: each webhook
 * checks who is calling and what was sent, then hands over; nothing is acknowledged
 * (2xx) that was not saved.
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Update } from "grammy/types";
import { telegramUpdateSchema } from "../channels/telegram/update-schema.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";

/** Largest request body accepted (Telegram updates are a few KB). */
export const BODY_LIMIT = 1024 * 1024;

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
  telegram?: {
    secret: string;
    handle: (update: Update) => Promise<void>;
  };
  /** Extra routes (later channels) registered on the same server. */
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
    const ok = checks.every((c) => c.ok || c.critical === false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? "ready" : "not ready", checks });
  });
  app.get("/metrics", async (_req, reply) => {
    return reply
      .header("content-type", d.metrics.registry.contentType)
      .send(await d.metrics.registry.metrics());
  });
  if (d.telegram) registerTelegram(app, d, d.telegram);
  for (const route of d.routes ?? []) route(app);
  return app;
}

function registerTelegram(
  app: FastifyInstance,
  d: ServerDeps,
  tg: NonNullable<ServerDeps["telegram"]>,
): void {
  app.post(
    "/telegram/webhook",
    {
      // Before the body is even read: a caller without the secret gets nothing processed.
      onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
        const presented = req.headers["x-telegram-bot-api-secret-token"];
        if (!sameSecret(typeof presented === "string" ? presented : undefined, tg.secret)) {
          d.metrics.errors.inc({ stage: "telegram_webhook_auth" });
          return reply.status(401).send({ error: "unauthorized" });
        }
      },
    },
    async (req, reply) => {
      const parsed = telegramUpdateSchema.safeParse(req.body);
      if (!parsed.success) return reply.status(400).send({ error: "not a Telegram update" });
      const started = performance.now();
      try {
        await tg.handle(parsed.data as unknown as Update);
      } catch (err) {
        // Not saved: ask Telegram to deliver it again.
        d.metrics.errors.inc({ stage: "telegram_webhook" });
        d.log.warn({ err: (err as Error).name }, "update not saved; asking Telegram to retry");
        return reply.status(503).send({ error: "try again" });
      }
      d.metrics.handling.observe({ channel: "tg" }, (performance.now() - started) / 1000);
      return reply.status(200).send();
    },
  );
}
