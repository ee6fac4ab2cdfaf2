/**
 * The WhatsApp channel's pieces, built from its configuration for the composition root:
 * the Graph API client, a pacer with WhatsApp's limits, the store (Redis when there is
 * one), the person channel, the notification dispatcher and the webhook routes.
 */
import type { FastifyInstance } from "fastify";
import type { WhatsAppConfig } from "../../config.js";
import type { KeyNames } from "../../crypto/pseudonym.js";
import type { Texts } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { Reachability } from "../../runtime/reachability.js";
import type { Runtime } from "../../runtime/runtime.js";
import type { Codec } from "../../stores/codec.js";
import type { RedisClient } from "../../stores/redis/conversation-store.js";
import { type PaceLimits, Pacer } from "../pacer.js";
import { type DeliveryFailure, WhatsAppChannel } from "./channel.js";
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

export interface CreateWhatsAppOptions {
  config: WhatsAppConfig;
  /** The runtime, looked up when a message comes in (it is built after the channels). */
  runtime: () => Pick<Runtime, "handle">;
  reachability: Reachability;
  texts: Texts;
  log: Logger;
  metrics?: Metrics;
  /** Redis, with the deployment's prefix, key names and codec; memory when absent. */
  redis?: { client: RedisClient; prefix: string; names?: KeyNames; codec?: Codec };
  /** The person's language (see `sessionLanguage`). */
  languageOf?: (key: ConversationKey) => Promise<string | undefined>;
  /** A message to a person was refused or failed: tell the case's operator. */
  onFailed?: (failure: DeliveryFailure) => void | Promise<void>;
  now?: () => number;
}

/** Everything the composition root wires. */
export interface WhatsAppParts {
  /** Register as `channels.wa` (EffectRouter and RuntimePersonLink). */
  channel: WhatsAppChannel;
  updates: WhatsAppUpdates;
  /** Pass to `createServer({ routes: [routes] })`. */
  routes: (app: FastifyInstance) => void;
  /** For the pacing gauge (`pacer.waiting`). */
  pacer: Pacer;
  store: WhatsAppStore;
  graph: GraphClient;
}

/** See the file comment. */
export function createWhatsApp(o: CreateWhatsAppOptions): WhatsAppParts {
  const { config, log, metrics } = o;
  const now = o.now ?? Date.now;
  const graph = new GraphClient({
    apiRoot: config.apiRoot,
    version: config.apiVersion,
    phoneNumberId: config.phoneNumberId,
    accessToken: config.accessToken,
  });
  const pacer = new Pacer({ limits: whatsappLimits(config.messagesPerSecond), now });
  const store: WhatsAppStore = o.redis
    ? new RedisWhatsAppStore(o.redis.client, {
        prefix: o.redis.prefix,
        now,
        ...(o.redis.names ? { names: o.redis.names } : {}),
        ...(o.redis.codec ? { codec: o.redis.codec } : {}),
      })
    : new MemoryWhatsAppStore({ now });
  const channel = new WhatsAppChannel({
    graph,
    pacer,
    reachability: o.reachability,
    store,
    texts: o.texts,
    log,
    now,
    ...(o.languageOf ? { languageOf: o.languageOf } : {}),
    ...(config.template ? { template: config.template } : {}),
    ...(o.onFailed ? { onFailed: o.onFailed } : {}),
    ...(metrics ? { onSent: (outcome) => metrics.outbound.inc({ channel: "wa", outcome }) } : {}),
  });
  const updates = new WhatsAppUpdates({
    runtime: { handle: (key, inbound, dedupeId) => o.runtime().handle(key, inbound, dedupeId) },
    reachability: o.reachability,
    store,
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
    ...(metrics ? { metrics } : {}),
  });
  return { channel, updates, routes, pacer, store, graph };
}
