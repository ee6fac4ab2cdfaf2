/**
 * The WhatsApp webhook on the helpline's HTTP server: `GET /whatsapp/webhook` answers
 * Meta's verification, `POST /whatsapp/webhook` takes notifications.
 *
 * A POST is checked before anything is read from it: `X-Hub-Signature-256` must be the
 * HMAC-SHA256 of the raw body under the app secret (compared in constant time), so the
 * route keeps the raw bytes. It lives in a fastify plugin scope of its own with a parser
 * that hands the handler a Buffer for every content type, so the other routes (Telegram's)
 * keep their JSON parsing.
 *
 * Answers: 401 for a missing or wrong signature (nothing processed), 400 for a body that is
 * not a WhatsApp notification, 503 when a message could not be saved (Meta delivers the
 * batch again; message ids make that safe), 200 once every message in it is saved.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sameSecret } from "../../http/server.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import { parseWebhook, type WebhookPayload } from "./schema.js";

/** Meta's notifications are at most a few MB (media is never inline). */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;
export const WEBHOOK_PATH = "/whatsapp/webhook";

export interface WhatsAppRoutesDeps {
  /** WHATSAPP_VERIFY_TOKEN: what we told Meta to present when verifying the URL. */
  verifyToken: string;
  /** WHATSAPP_APP_SECRET: the key of the body's signature. */
  appSecret: string;
  /** Save everything in the notification; rejects when something could not be saved. */
  handle: (payload: WebhookPayload) => Promise<void>;
  log: Logger;
  metrics?: Pick<Metrics, "errors" | "handling">;
}

/** The signature Meta sends for `body`: `sha256=<hex HMAC-SHA256 under the app secret>`. */
export function signatureOf(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

/** Whether `header` is the signature of `body`, compared in constant time. */
export function validSignature(
  body: Buffer,
  header: string | undefined,
  appSecret: string,
): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "");
  if (!m) return false;
  const presented = Buffer.from((m[1] as string).toLowerCase(), "hex");
  const expected = createHmac("sha256", appSecret).update(body).digest();
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Register the webhook routes: pass the result to `createServer({ routes: [...] })`. */
export function whatsappRoutes(d: WhatsAppRoutesDeps): (app: FastifyInstance) => void {
  return (app) => {
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        "*",
        { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT },
        (_req, body, done) => done(null, body),
      );
      scope.get(WEBHOOK_PATH, (req, reply) => verify(d, req, reply));
      scope.post(
        WEBHOOK_PATH,
        { onRequest: (req, reply) => requireSignature(d, req, reply) },
        (req, reply) => notification(d, req, reply),
      );
    });
  };
}

/** Meta's subscription check: echo the challenge when the token is ours. */
async function verify(d: WhatsAppRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  const q = req.query as Record<string, string | undefined>;
  const challenge = q["hub.challenge"];
  if (
    q["hub.mode"] !== "subscribe" ||
    !challenge ||
    !sameSecret(q["hub.verify_token"], d.verifyToken)
  ) {
    d.metrics?.errors.inc({ stage: "whatsapp_verify" });
    return reply.status(403).send({ error: "forbidden" });
  }
  return reply.status(200).type("text/plain").send(challenge);
}

/** No signature at all: refused before the body is even read. */
async function requireSignature(d: WhatsAppRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  if (typeof req.headers["x-hub-signature-256"] === "string") return;
  d.metrics?.errors.inc({ stage: "whatsapp_webhook_auth" });
  return reply.status(401).send({ error: "unauthorized" });
}

async function notification(d: WhatsAppRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const header = req.headers["x-hub-signature-256"] as string | undefined;
  if (!validSignature(raw, header, d.appSecret)) {
    d.metrics?.errors.inc({ stage: "whatsapp_webhook_auth" });
    return reply.status(401).send({ error: "unauthorized" });
  }
  const parsed = parseWebhook(parseJson(raw));
  if (!parsed.ok) {
    d.log.info({ problem: parsed.problem }, "WhatsApp notification refused as malformed");
    return reply.status(400).send({ error: "not a WhatsApp notification" });
  }
  const started = performance.now();
  try {
    await d.handle(parsed.payload);
  } catch (err) {
    // Not (all) saved: ask Meta to deliver the batch again.
    d.metrics?.errors.inc({ stage: "whatsapp_webhook" });
    d.log.warn({ err: (err as Error).name }, "notification not saved; asking Meta to retry");
    return reply.status(503).send({ error: "try again" });
  }
  d.metrics?.handling.observe({ channel: "wa" }, (performance.now() - started) / 1000);
  return reply.status(200).send();
}

/** The body as JSON, or undefined (which the schema then refuses). */
function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}
