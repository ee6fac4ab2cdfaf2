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
 * Order of checks: a signature header that is missing or not even shaped like one is
 * refused before a byte of the body is read; the body is then read within a bound
 * (`WEBHOOK_BODY_LIMIT`, and the server's request timeout) and its signature checked
 * before it is parsed; a signed body whose newest message or status is older than
 * `maxAgeMs` is refused as a replay (a captured body sent again after its message ids
 * left the dedupe memory would otherwise be handled again); each message is then read on
 * its own, so one malformed message does not fail the others.
 *
 * Answers: 401 for a missing or wrong signature (nothing processed), 400 for a body that is
 * not a WhatsApp notification, 403 for a replayed (stale) one, 503 when a message could not
 * be saved (Meta delivers the batch again; message ids make that safe), 200 once every
 * readable message in it is saved.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sameSecret } from "../../http/server.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import { errorSummary } from "../errors.js";
import { newestTime, parseWebhook, type WebhookPayload } from "./schema.js";

/** Meta's notifications are at most a few MB (media is never inline). */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;
export const WEBHOOK_PATH = "/whatsapp/webhook";
/** Default for how old a signed body may be (WHATSAPP_REPLAY_WINDOW_MINUTES). */
export const DEFAULT_MAX_AGE_MS = 10 * 60 * 1000;
/** What Meta puts in `X-Hub-Signature-256`. */
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export interface WhatsAppRoutesDeps {
  /** WHATSAPP_VERIFY_TOKEN: what we told Meta to present when verifying the URL. */
  verifyToken: string;
  /** WHATSAPP_APP_SECRET: the key of the body's signature. */
  appSecret: string;
  /** Save everything in the notification; rejects when something could not be saved. */
  handle: (payload: WebhookPayload) => Promise<void>;
  log: Logger;
  metrics?: Pick<Metrics, "errors" | "handling">;
  /** A signed body whose newest message or status is older than this is a replay. */
  maxAgeMs?: number;
  /** The service's clock. */
  now?: () => number;
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
  const m = SIGNATURE.exec(header?.trim() ?? "");
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

/** No signature, or not one in Meta's shape: refused before the body is even read. */
async function requireSignature(d: WhatsAppRoutesDeps, req: FastifyRequest, reply: FastifyReply) {
  const header = req.headers["x-hub-signature-256"];
  if (typeof header === "string" && SIGNATURE.test(header.trim())) return;
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
  if (parsed.payload.skipped > 0) {
    d.metrics?.errors.inc({ stage: "whatsapp_malformed_message" }, parsed.payload.skipped);
    d.log.warn({ count: parsed.payload.skipped }, "unreadable WhatsApp messages skipped");
  }
  if (isStale(d, parsed.payload)) {
    d.metrics?.errors.inc({ stage: "whatsapp_replay" });
    d.log.warn("WhatsApp notification refused as a replay: its newest message is too old");
    return reply.status(403).send({ error: "stale notification" });
  }
  const started = performance.now();
  try {
    await d.handle(parsed.payload);
  } catch (err) {
    // Not (all) saved: ask Meta to deliver the batch again.
    d.metrics?.errors.inc({ stage: "whatsapp_webhook" });
    d.log.warn({ err: errorSummary(err) }, "notification not saved; asking Meta to retry");
    return reply.status(503).send({ error: "try again" });
  }
  d.metrics?.handling.observe({ channel: "wa" }, (performance.now() - started) / 1000);
  return reply.status(200).send();
}

/** Whether the newest message or status of `payload` is older than the replay window. */
function isStale(d: WhatsAppRoutesDeps, payload: WebhookPayload): boolean {
  const newest = newestTime(payload);
  const now = (d.now ?? Date.now)();
  return newest !== undefined && now - newest > (d.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
}

/** The body as JSON, or undefined (which the schema then refuses). */
function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
}
