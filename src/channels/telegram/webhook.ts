/**
 * The Telegram webhook: `POST /telegram/webhook`, served by grammY's own `webhookCallback`
 * with its Fastify adapter, so a pushed update takes the very path a polled one takes
 * (bot.ts: the zod check, one chat at a time, then the handler).
 *
 * Steps, in order: the secret token is compared before the body is read (401, nothing
 * processed); the body is read within the server's bound and must be a JSON object (400);
 * the bot's first middleware checks the update (400 for a malformed one: answering 5xx
 * would make Telegram send it again and again); then it is handled. 200 means saved; a
 * failure to save (Redis away) or a handler slower than `timeoutMs` answers 503, and
 * Telegram delivers the update again (its id makes that safe).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type Bot, BotError, webhookCallback } from "grammy";
import { sameSecret } from "../../http/server.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import { errorSummary } from "../errors.js";
import { MalformedUpdate, updateProblem } from "./update-schema.js";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
/** Longest an update may take before Telegram is asked to send it again. */
export const WEBHOOK_HANDLER_TIMEOUT_MS = 10_000;
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface TelegramRoutesDeps {
  /** The bot, its updates attached (`attachUpdates`) before the server listens. */
  bot: Bot;
  /** TELEGRAM_WEBHOOK_SECRET: what Telegram presents in its secret-token header. */
  secret: string;
  log: Logger;
  metrics: Pick<Metrics, "errors" | "handling">;
  timeoutMs?: number;
}

/** Register the webhook route: pass the result to `createServer({ routes: [...] })`. */
export function telegramRoutes(d: TelegramRoutesDeps): (app: FastifyInstance) => void {
  return (app) => {
    void app.register(async (scope) => {
      const callback = webhookCallback(d.bot, "fastify", {
        secretToken: d.secret,
        onTimeout: "throw",
        timeoutMilliseconds: d.timeoutMs ?? WEBHOOK_HANDLER_TIMEOUT_MS,
      });
      scope.setErrorHandler((err, _req, reply) => refusal(d, err, reply));
      scope.post(
        TELEGRAM_WEBHOOK_PATH,
        {
          onRequest: (req, reply) => requireSecret(d, req, reply),
          // Anything but an object is not an update; grammY must never see it.
          schema: { body: { type: "object" } },
          // The bot's first middleware checks the same (bot.ts); refusing here spares a
          // malformed update the trip through grammY and an exception per body.
          preHandler: async (req, reply) => {
            const problem = updateProblem(req.body);
            if (problem !== undefined) return malformed(d, problem, reply);
          },
        },
        async (req, reply) => {
          const started = performance.now();
          await callback(req, reply);
          d.metrics.handling.observe({ channel: "tg" }, (performance.now() - started) / 1000);
        },
      );
    });
  };
}

/** Before the body is even read: a caller without the secret gets nothing processed. */
async function requireSecret(d: TelegramRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  const presented = req.headers[SECRET_HEADER];
  if (sameSecret(typeof presented === "string" ? presented : undefined, d.secret)) return;
  d.metrics.errors.inc({ stage: "telegram_webhook_auth" });
  return reply.status(401).send({ error: "unauthorized" });
}

/** 400 for an update Telegram would not send, counted; the log has its path only. */
function malformed(d: TelegramRoutesDeps, problem: string, reply: FastifyReply) {
  d.metrics.errors.inc({ stage: "telegram_malformed" });
  d.log.debug({ problem }, "Telegram update refused as malformed");
  return reply.status(400).send({ error: "not a Telegram update" });
}

/** What a failed webhook call answers: 400 for what Telegram sent wrong, else 503. */
function refusal(d: TelegramRoutesDeps, err: unknown, reply: FastifyReply) {
  const cause = err instanceof BotError ? err.error : err;
  if (cause instanceof MalformedUpdate) return malformed(d, cause.problem, reply);
  const status = (cause as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Unparseable, oversized or not an object: the sender's mistake, as any bad body.
    return reply.status(400).send({ error: "bad request" });
  }
  // Not saved: ask Telegram to deliver it again.
  d.metrics.errors.inc({ stage: "telegram_webhook" });
  d.log.warn({ err: errorSummary(cause) }, "update not saved; asking Telegram to retry");
  return reply.status(503).send({ error: "try again" });
}
