/**
 * The helpline's ports, built from configuration: what it keeps (Redis, or memory for the
 * demo and tests), the platforms' clients, and the clock. This is the one place that opens
 * connections; wiring the ports into the service (`app.ts`) does no I/O, so tests wire the
 * real service on memory ports and fakes through the same function.
 */
import { type CaseCodes, MemoryCaseCodes, RedisCaseCodes } from "./cases/case-codes.js";
import { MemoryCaseStore } from "./cases/memory-case-store.js";
import { RedisCaseStore } from "./cases/redis-case-store.js";
import type { Announcer } from "./cases/sla-service.js";
import type { CaseStore } from "./cases/store.js";
import { RedisSendBudget, type SendBudget } from "./channels/send-budget.js";
import { createBot } from "./channels/telegram/bot.js";
import { type WhatsAppPorts, whatsappPorts } from "./channels/whatsapp/create.js";
import type { Config } from "./config.js";
import { createEncryptedCodec } from "./crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "./crypto/keys.js";
import { hashedNames, type KeyNames, namesSecretFrom } from "./crypto/pseudonym.js";
import type { Logger } from "./log.js";
import type { OperatorBoard } from "./operators/desk.js";
import { MemoryMatchStore } from "./reunite/memory-match-store.js";
import type { MatchStore } from "./reunite/store.js";
import type { ChatLog } from "./runtime/chat-log.js";
import type { PersonChannel } from "./runtime/effects.js";
import { MemoryConversationStore } from "./runtime/memory-store.js";
import type { ConversationStore } from "./runtime/ports.js";
import type { Reachability } from "./runtime/reachability.js";
import { MemoryScheduler } from "./schedule/memory-scheduler.js";
import { RedisScheduler } from "./schedule/redis-scheduler.js";
import type { Scheduler } from "./schedule/scheduler.js";
import type { Codec } from "./stores/codec.js";
import { createRedis, type RedisClient } from "./stores/redis/connection.js";
import { RedisConversationStore } from "./stores/redis/conversation-store.js";
import { RedisMatchStore } from "./stores/redis/match-store.js";

/** Everything the service talks to. */
export interface Ports {
  /** The clock every timer, window and session follows. */
  now: () => number;
  /** How stored values are encrypted. */
  codec: Codec;
  /** How conversation keys are named in Redis (and in job ids); plain in memory. */
  names?: KeyNames;
  /** Keyed hashes under the pseudonym key, for operators' ids in stored data (access.ts). */
  pseudonyms: KeyNames;
  /** The Redis connection, when there is one (readiness, shutdown). */
  redis?: RedisClient;
  conversations: ConversationStore;
  cases: CaseStore;
  /** Reunite's profiles and matches (src/reunite/store.ts). */
  matches: MatchStore;
  codes: CaseCodes;
  /** The conversation store again: it keeps reachability and the chat log too (0024). */
  reachability: Reachability;
  chatLog: ChatLog;
  scheduler: Scheduler;
  /** Platforms' sending limits shared with other instances (Redis); alone without it. */
  sendBudget?: SendBudget;
  /** The Telegram bot (its API client), when a token is configured. */
  telegram?: ReturnType<typeof createBot>;
  /** WhatsApp's Graph API client and store, when it is configured. */
  whatsapp?: WhatsAppPorts;
  /**
   * Where operators are shown cases, when it is not the Telegram group (`OPERATOR_CHAT_ID`)
   * or the log: another surface, or a test's recording board.
   */
  board?: OperatorBoard & Announcer;
  /** The terminal demo's chat, when the demo runs in a terminal. */
  terminal?: PersonChannel;
}

/**
 * The codec every stored value goes through: AES-256-GCM under DATA_KEY, or, where no
 * key is configured (allowed outside production), a throwaway key, said loudly.
 */
export function storageCodec(
  config: Pick<Config, "dataKeys">,
  warn: (line: string) => void,
): Codec {
  return storageSecrets({ ...config, pseudonymKey: undefined }, warn).codec;
}

/** The codec, and how conversation keys are named in Redis (never in the clear). */
export function storageSecrets(
  config: Pick<Config, "dataKeys" | "pseudonymKey">,
  warn: (line: string) => void,
): { codec: Codec; names: KeyNames } {
  const keys = config.dataKeys ?? generateEphemeralKeys(warn);
  return {
    codec: createEncryptedCodec(keys),
    names: hashedNames(config.pseudonymKey ?? namesSecretFrom(keys.current.key)),
  };
}

/** What may be chosen rather than read from configuration (tests: their own clock). */
export interface PortOptions {
  now?: () => number;
  /** The terminal demo's chat (src/sim): `sim:` conversations are delivered there. */
  terminal?: PersonChannel;
}

/** Build the ports from configuration. Connections are made here; nothing is started. */
export function createPorts(config: Config, log: Logger, options: PortOptions = {}): Ports {
  const now = options.now ?? Date.now;
  const stores = config.redis ? redisStores(config, log) : memoryStores(config, log);
  const tg = config.telegram;
  const redis = stores.redis;
  return {
    now,
    ...stores,
    ...(options.terminal ? { terminal: options.terminal } : {}),
    ...(tg ? { telegram: createBot({ token: tg.token, apiRoot: tg.apiRoot }) } : {}),
    ...(config.whatsapp
      ? {
          whatsapp: whatsappPorts(config.whatsapp, {
            now,
            ...(redis && config.redis
              ? {
                  redis: {
                    client: redis,
                    prefix: config.redis.keyPrefix,
                    codec: stores.codec,
                    ...(stores.names ? { names: stores.names } : {}),
                  },
                }
              : {}),
          }),
        }
      : {}),
  };
}

type Stores = Omit<Ports, "now" | "telegram" | "whatsapp">;

function memoryStores(config: Config, log: Logger): Stores {
  const { codec, names } = storageSecrets(config, (line) => log.warn(line));
  log.warn(
    "REDIS_URL is not set: conversations are kept in memory only. Everything is lost on restart, " +
      "and two instances will not share anything. Never run like this in production.",
  );
  const scheduler = new MemoryScheduler({ codec });
  const conversations = new MemoryConversationStore({
    codec,
    ttlSeconds: config.sessionTtlSeconds,
    timers: scheduler,
  });
  return {
    codec,
    pseudonyms: names,
    conversations,
    cases: new MemoryCaseStore({ codec }),
    matches: new MemoryMatchStore({ codec }),
    codes: new MemoryCaseCodes(names),
    reachability: conversations,
    chatLog: conversations,
    scheduler,
  };
}

function redisStores(config: Config, log: Logger): Stores {
  const { codec, names } = storageSecrets(config, (line) => log.warn(line));
  const {
    connection,
    keyPrefix: prefix,
    waitReplicas,
  } = config.redis as NonNullable<Config["redis"]>;
  const redis = createRedis(connection, {
    role: "commands",
    ...(waitReplicas.count > 0 ? { waitTimeoutMs: waitReplicas.timeoutMs } : {}),
    onError: (problem) => log.warn({ code: problem.code }, "redis connection problem"),
  });
  const scheduler = new RedisScheduler(redis, { prefix, codec });
  const conversations = new RedisConversationStore(redis, {
    prefix,
    codec,
    names,
    ttlSeconds: config.sessionTtlSeconds,
    timers: scheduler,
  });
  return {
    redis,
    names,
    pseudonyms: names,
    codec,
    conversations,
    cases: new RedisCaseStore(redis, { prefix, codec }),
    matches: new RedisMatchStore(redis, { prefix, codec }),
    codes: new RedisCaseCodes(redis, prefix, names),
    reachability: conversations,
    chatLog: conversations,
    scheduler,
    sendBudget: new RedisSendBudget(redis, { prefix }),
  };
}
