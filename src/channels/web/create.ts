/**
 * The web chat's pieces for the composition root: the person channel (register as
 * `channels.web`) and, once the runtime exists, the routes for `createServer`.
 */
import { createHmac } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { WebChatConfig } from "../../config.js";
import { loadDirectory } from "../../directory/index.js";
import type { Texts } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import type { Runtime } from "../../runtime/runtime.js";
import { WebChannel } from "./channel.js";
import { ConversationIds } from "./ids.js";
import { Mailbox, type WebMailbox } from "./mailbox.js";
import { knownPlaces, regionMap } from "./map.js";
import { webChatRoutes } from "./routes.js";
import { SharedMailbox, type SharedMailboxOptions } from "./shared-mailbox.js";

export interface WebChatOptions {
  config: WebChatConfig;
  /** Where `directory/` is: the known places for the map and the list. */
  directoryDir: string;
  texts: Texts;
  languages: readonly string[];
  log: Logger;
  metrics?: Metrics;
  now?: () => number;
  /**
   * Several instances: bubbles in Redis (see shared-mailbox.ts), and conversation ids
   * tagged under `secret`, the same on every instance, so any of them takes a tab's posts.
   */
  shared?: SharedMailboxOptions & { secret: Buffer };
}

/**
 * The key conversation ids are tagged under when several instances share Redis: derived
 * from DATA_KEY, so every instance accepts the ids any of them issued.
 */
export function sharedIdSecret(dataKey: Buffer): Buffer {
  return createHmac("sha256", dataKey).update("pulang web chat ids v1").digest();
}

/** The web chat's channel, and its routes once there is a runtime to hand posts to. */
export function webChat(o: WebChatOptions): {
  channel: WebChannel;
  mailbox: WebMailbox;
  routes: (runtime: Pick<Runtime, "handle">) => (app: FastifyInstance) => void;
} {
  const mailbox: WebMailbox = o.shared
    ? new SharedMailbox(o.shared)
    : new Mailbox(o.now ? { now: o.now } : {});
  const { metrics } = o;
  const channel = new WebChannel({
    mailbox,
    ...(metrics ? { onSent: (outcome) => metrics.outbound.inc({ channel: "web", outcome }) } : {}),
  });
  const places = knownPlaces(loadDirectory(o.directoryDir));
  const ids = new ConversationIds(o.shared?.secret);
  return {
    channel,
    mailbox,
    routes: (runtime) =>
      webChatRoutes({
        runtime,
        mailbox,
        ids,
        texts: o.texts,
        languages: o.languages,
        places,
        map: regionMap(places),
        messagesPerMinute: o.config.messagesPerMinute,
        log: o.log,
        ...(metrics
          ? {
              onPost: (outcome) =>
                metrics.updates.inc({ channel: "web", kind: "message", outcome }),
            }
          : {}),
      }),
  };
}
