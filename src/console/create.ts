/**
 * The console's part of the composition root: its stores (on the service's Redis, or in
 * memory for the demo), the relay that keeps it in step with the desk, and its routes.
 * `app.ts` calls these in the order the wiring needs them.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { CaseStore } from "../cases/store.js";
import { sessionCaseRef } from "../channels/whatsapp/channel.js";
import type { Config } from "../config.js";
import type { Bundle } from "../engine/types.js";
import type { Logger } from "../log.js";
import { storedOperatorName } from "../operators/access.js";
import type { OperatorDeskDeps } from "../operators/desk.js";
import type { Ports } from "../ports.js";
import type { ConsoleReunite } from "./matches.js";
import { consolePlugin } from "./plugin.js";
import { ConsoleRelay } from "./relay.js";
import { type ConsoleStores, consoleStores } from "./stores.js";

export interface ConsoleParts {
  stores: ConsoleStores;
  relay: ConsoleRelay;
  /** The local demo: memory stores, no channel, not production. */
  demo: boolean;
  /** How a Telegram operator's id is named in stored cases. */
  operatorName: (telegramId: string) => string;
}

/** The console's stores and relay, or undefined when CONSOLE_ENABLED=false. */
export function consoleParts(config: Config, ports: Ports, log: Logger): ConsoleParts | undefined {
  if (!config.console.enabled) return undefined;
  const redis =
    ports.redis && config.redis
      ? {
          client: ports.redis,
          prefix: config.redis.keyPrefix,
          onError: (problem: string) =>
            log.warn({ problem }, "console live updates: redis problem"),
        }
      : undefined;
  const stores = consoleStores(config.console, ports.codec, redis);
  const relay = new ConsoleRelay({
    transcripts: stores.transcripts,
    events: stores.events,
    figures: stores.figures,
    caseOf: sessionCaseRef(ports.conversations),
    log,
    now: ports.now,
  });
  const demo = config.env !== "production" && !ports.redis && !config.telegram && !config.whatsapp;
  const operatorName = (id: string) => storedOperatorName(ports.pseudonyms, id);
  return { stores, relay, demo, operatorName };
}

/**
 * The key CSRF tokens are signed with: derived from DATA_KEY, so every instance agrees;
 * made fresh when there is none (the demo, where one process serves everything).
 */
export function consoleSecret(config: Config): Buffer {
  const key = config.dataKeys?.current.key;
  return key
    ? createHmac("sha256", key).update("pulang console csrf v1").digest()
    : randomBytes(32);
}

/** The console's routes, for the HTTP server. */
export function consoleRoutes(
  parts: ConsoleParts,
  d: {
    config: Config;
    bundle: Bundle;
    cases: CaseStore;
    desk: OperatorDeskDeps;
    log: Logger;
    now: () => number;
    reunite?: ConsoleReunite;
  },
) {
  return consolePlugin({
    ...d,
    stores: parts.stores,
    secret: consoleSecret(d.config),
    demo: parts.demo,
    operatorName: parts.operatorName,
  });
}
