/**
 * The WhatsApp channel's pieces for the composition root, in the order it builds them:
 * the ports (the Graph API client and the channel's store, Redis when there is one), the
 * person channel with WhatsApp's pacing, and, once the runtime exists, the notification
 * dispatcher and the webhook routes.
 */
import type { FastifyInstance } from "fastify";
import type { WhatsAppConfig } from "../../config.js";
import type { KeyNames } from "../../crypto/pseudonym.js";
import type { Texts } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import type { DeliveryFailure } from "../../runtime/effects.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { Reachability } from "../../runtime/reachability.js";
import type { Runtime } from "../../runtime/runtime.js";
import type { Codec } from "../../stores/codec.js";
import type { RedisClient } from "../../stores/redis/conversation-store.js";
import { type PaceLimits, Pacer, type PacerOptions } from "../pacer.js";
import { WhatsAppChannel } from "./channel.js";
import { GraphClient } from "./graph.js";
import { RedisWhatsAppStore } from "./redis-store.js";
import { MemoryWhatsAppStore, type WhatsAppStore } from "./store.js";
import { WhatsAppUpdates } from "./updates.js";
import { whatsappRoutes } from "./webhook.js";

/**
 * WhatsApp's limits for the shared Pacer: the number's rate, and no strict per-chat gap
 * (each person's pair rate is a budget with bursts, kept by the channel's PairLimiter;
 * the Pacer still sends one person's messages one after another, in order).
 */
export function whatsappLimits(messagesPerSecond: number): PaceLimits {
  return { globalPerSecond: messagesPerSecond, perChatGapMs: 0, groupPerMinute: 20 };
}

/** What WhatsApp's side of the helpline talks to. */
export interface WhatsAppPorts {
  graph: GraphClient;
  store: WhatsAppStore;
}

/** The Graph API client and the store: Redis, with the deployment's prefix, names and codec; memory when absent. */
export function whatsappPorts(
  config: WhatsAppConfig,
  o: {
    now: () => number;
    redis?: { client: RedisClient; prefix: string; names?: KeyNames; codec?: Codec };
  },
): WhatsAppPorts {
  const graph = new GraphClient({
    apiRoot: config.apiRoot,
    version: config.apiVersion,
    phoneNumberId: config.phoneNumberId,
    accessToken: config.accessToken,
  });
  const { now, redis } = o;
  const store: WhatsAppStore = redis
    ? new RedisWhatsAppStore(redis.client, {
        prefix: redis.prefix,
        now,
        ...(redis.names ? { names: redis.names } : {}),
        ...(redis.codec ? { codec: redis.codec } : {}),
      })
    : new MemoryWhatsAppStore({ now });
  return { graph, store };
}

export interface WhatsAppChannelOptions {
  config: WhatsAppConfig;
  ports: WhatsAppPorts;
  reachability: Reachability;
  texts: Texts;
  log: Logger;
  metrics?: Metrics;
  /** When the person last wrote, for an operator's reach-out (the conversation store's). */
  lastInbound?: (key: ConversationKey) => Promise<number | undefined>;
  now: () => number;
  /** The number's sending limit shared with other instances. */
  shared?: PacerOptions["shared"];
}

/** The person channel (register as `channels.wa`) and its pacer (for the pacing gauge). */
export function whatsappChannel(o: WhatsAppChannelOptions): {
  channel: WhatsAppChannel;
  pacer: Pacer;
} {
  const { config, metrics } = o;
  const pacer = new Pacer({
    limits: whatsappLimits(config.messagesPerSecond),
    now: o.now,
    ...(o.shared ? { shared: o.shared } : {}),
  });
  const channel = new WhatsAppChannel({
    graph: o.ports.graph,
    pacer,
    reachability: o.reachability,
    store: o.ports.store,
    texts: o.texts,
    log: o.log,
    now: o.now,
    ...(o.lastInbound ? { lastInbound: o.lastInbound } : {}),
    ...(config.template ? { template: config.template } : {}),
    ...(metrics ? { onSent: (outcome) => metrics.outbound.inc({ channel: "wa", outcome }) } : {}),
  });
  return { channel, pacer };
}

export interface WhatsAppWebhookOptions {
  config: WhatsAppConfig;
  store: WhatsAppStore;
  runtime: Pick<Runtime, "handle">;
  reachability: Reachability;
  log: Logger;
  metrics?: Metrics;
  /** A message to a person failed after it was accepted (a `failed` receipt). */
  onFailed?: (failure: DeliveryFailure) => void | Promise<void>;
  /** The service's clock (the replay window is measured on it). */
  now?: () => number;
}

/** The notification dispatcher and the routes to pass to `createServer({ routes })`. */
export function whatsappWebhook(o: WhatsAppWebhookOptions): {
  updates: WhatsAppUpdates;
  routes: (app: FastifyInstance) => void;
} {
  const { config, log, metrics } = o;
  const updates = new WhatsAppUpdates({
    runtime: o.runtime,
    reachability: o.reachability,
    store: o.store,
    phoneNumberId: config.phoneNumberId,
    log,
    ...(o.onFailed ? { onFailed: o.onFailed } : {}),
    ...(metrics
      ? { onUpdate: (kind, outcome) => metrics.updates.inc({ channel: "wa", kind, outcome }) }
      : {}),
  });
  const routes = whatsappRoutes({
    verifyToken: config.verifyToken,
    appSecret: config.appSecret,
    handle: (payload) => updates.handle(payload),
    log,
    maxAgeMs: config.replayWindowMs,
    ...(o.now ? { now: o.now } : {}),
    ...(metrics ? { metrics } : {}),
  });
  return { updates, routes };
}
