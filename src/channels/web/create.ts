/**
 * The web chat's pieces for the composition root: the person channel (register as
 * `channels.web`) and, once the runtime exists, the routes for `createServer`.
 */
import type { FastifyInstance } from "fastify";
import type { WebChatConfig } from "../../config.js";
import { loadDirectory } from "../../directory/index.js";
import type { Texts } from "../../engine/types.js";
import type { Logger } from "../../log.js";
import type { Metrics } from "../../metrics.js";
import type { ConversationKey } from "../../runtime/ports.js";
import type { Runtime } from "../../runtime/runtime.js";
import { WebChannel } from "./channel.js";
import { ConversationIds } from "./ids.js";
import { Mailbox } from "./mailbox.js";
import { knownPlaces, regionMap } from "./map.js";
import { webChatRoutes } from "./routes.js";

export interface WebChatOptions {
  config: WebChatConfig;
  /** Where `directory/` is: the known places for the map and the list. */
  directoryDir: string;
  texts: Texts;
  languages: readonly string[];
  log: Logger;
  metrics?: Metrics;
  /** The conversation's language (see `sessionLanguage`). */
  languageOf?: (key: ConversationKey) => Promise<string | undefined>;
  now?: () => number;
}

/** The web chat's channel, and its routes once there is a runtime to hand posts to. */
export function webChat(o: WebChatOptions): {
  channel: WebChannel;
  mailbox: Mailbox;
  routes: (runtime: Pick<Runtime, "handle">) => (app: FastifyInstance) => void;
} {
  const mailbox = new Mailbox(o.now ? { now: o.now } : {});
  const { metrics } = o;
  const channel = new WebChannel({
    mailbox,
    ...(o.languageOf ? { languageOf: o.languageOf } : {}),
    ...(metrics ? { onSent: (outcome) => metrics.outbound.inc({ channel: "web", outcome }) } : {}),
  });
  const places = knownPlaces(loadDirectory(o.directoryDir));
  const ids = new ConversationIds();
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
