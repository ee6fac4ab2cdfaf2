/**
 * The composition root: everything is built here, from configuration, and nowhere else.
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import { type CaseCodes, MemoryCaseCodes, RedisCaseCodes } from "./cases/case-codes.js";
import { MemoryCaseStore } from "./cases/memory-case-store.js";
import { ReattachService, withCaseCodes } from "./cases/reattach.js";
import { RedisCaseStore } from "./cases/redis-case-store.js";
import { PURGE_JOB_ID, purgeHandler } from "./cases/retention.js";
import { SlaService } from "./cases/sla-service.js";
import type { CaseStore } from "./cases/store.js";
import { Pacer, TELEGRAM_LIMITS } from "./channels/pacer.js";
import { attachUpdates, createBot, startPolling } from "./channels/telegram/bot.js";
import { TelegramChannel } from "./channels/telegram/channel.js";
import { TelegramUpdates } from "./channels/telegram/updates.js";
import { sessionCaseRef, sessionLanguage } from "./channels/whatsapp/channel.js";
import { createWhatsApp } from "./channels/whatsapp/create.js";
import type { Config } from "./config.js";
import { createEncryptedCodec } from "./crypto/encrypted-codec.js";
import { generateEphemeralKeys } from "./crypto/keys.js";
import { hashedNames, type KeyNames, namesSecretFrom } from "./crypto/pseudonym.js";
import type { Bundle } from "./engine/types.js";
import { loadBundle } from "./flows/bundle.js";
import { createServer, type ReadyCheck } from "./http/server.js";
import type { Logger } from "./log.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { type OperatorBoard, OperatorDesk } from "./operators/desk.js";
import { QuietBoard } from "./operators/quiet-board.js";
import { RuntimePersonLink } from "./operators/runtime-person-link.js";
import {
  TelegramOperatorBoard,
  type TelegramOperatorBoardDeps,
} from "./operators/telegram/board.js";
import { TelegramOperatorUpdates } from "./operators/telegram/updates.js";
import { type ChatLog, MemoryChatLog } from "./runtime/chat-log.js";
import { type DeliveryFailure, EffectRouter, type PersonChannel } from "./runtime/effects.js";
import { newCaseCode, newCaseRef } from "./runtime/ids.js";
import { MemoryConversationStore } from "./runtime/memory-store.js";
import type { ConversationStore, EffectSink } from "./runtime/ports.js";
import { MemoryReachability, type Reachability } from "./runtime/reachability.js";
import { Runtime } from "./runtime/runtime.js";
import { MemoryScheduler } from "./schedule/memory-scheduler.js";
import { RedisScheduler } from "./schedule/redis-scheduler.js";
import type { Job, Scheduler } from "./schedule/scheduler.js";
import { SchedulerWorker } from "./schedule/worker.js";
import type { Codec } from "./stores/codec.js";
import { RedisChatLog } from "./stores/redis/chat-log.js";
import { createRedis, isRedisReady, waitUntilReady } from "./stores/redis/connection.js";
import { RedisConversationStore } from "./stores/redis/conversation-store.js";
import { RedisReachability } from "./stores/redis/reachability.js";

/** Flows, texts and directory, checked; throws with every problem listed. */
export function loadContent(config: Config): Bundle {
  return loadBundle(config.paths, config.languages);
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

/** A runtime on in-memory stores: the local demo and the simulator. */
export function createDemoRuntime(
  bundle: Bundle,
  log: Logger,
  sink?: EffectSink,
  codec?: Codec,
): Runtime {
  return new Runtime({
    bundle,
    store: new MemoryConversationStore(codec ? { codec } : {}),
    sink: sink ?? { run: async () => ({}) },
    log,
    ids: newCaseRef,
    codes: newCaseCode,
  });
}

/** How often undelivered effects are looked for, and how old they must be. */
const RECOVERY_EVERY_MS = 30_000;
const RECOVER_AFTER_MS = 120_000;
/**
 * At start-up, what an earlier life of this service saved but never sent (it was killed)
 * goes out at once, not two minutes later. Younger entries may belong to a live instance.
 */
const RECOVER_AT_START_AFTER_MS = 5_000;
/** How long shutdown waits for queued replies before leaving them to recovery. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The running helpline service. */
export interface App {
  runtime: Runtime;
  metrics: Metrics;
  /** The case queue (operators work it through the desk); exposed for tests and tools. */
  cases: CaseStore;
  /** Timers (check-ins, deleting discreet messages, SLAs); exposed for tests. */
  scheduler: Scheduler;
  worker: SchedulerWorker;
  /** Listen (webhooks, health, metrics) and start polling if configured. */
  start(): Promise<{ port: number }>;
  /** Stop taking updates, finish those in flight, deliver what is queued, disconnect. */
  stop(): Promise<void>;
}

interface Stores {
  /** How conversation keys are named in Redis (and in job ids). */
  names?: KeyNames;
  /** How stored values are encrypted. */
  codec: Codec;
  conversations: ConversationStore;
  cases: CaseStore;
  codes: CaseCodes;
  reachability: Reachability;
  chatLog: ChatLog;
  scheduler: Scheduler;
  redis?: Redis;
}

function createStores(config: Config, log: Logger): Stores {
  const { codec, names } = storageSecrets(config, (line) => log.warn(line));
  if (!config.redis) {
    log.warn(
      "REDIS_URL is not set: conversations are kept in memory only. Everything is lost on restart, " +
        "and two instances will not share anything. Never run like this in production.",
    );
    return {
      codec,
      conversations: new MemoryConversationStore({ codec, ttlSeconds: config.sessionTtlSeconds }),
      cases: new MemoryCaseStore({ codec }),
      codes: new MemoryCaseCodes(names),
      reachability: new MemoryReachability(),
      chatLog: new MemoryChatLog(),
      scheduler: new MemoryScheduler({ codec }),
    };
  }
  const redis = createRedis(config.redis.url, {
    role: "commands",
    onError: (problem) => log.warn({ code: problem.code }, "redis connection problem"),
  });
  const { keyPrefix: prefix } = config.redis;
  return {
    redis,
    names,
    codec,
    conversations: new RedisConversationStore(redis, {
      prefix,
      codec,
      names,
      ttlSeconds: config.sessionTtlSeconds,
    }),
    cases: new RedisCaseStore(redis, { prefix, codec }),
    codes: new RedisCaseCodes(redis, prefix, names),
    reachability: new RedisReachability(redis, prefix, config.sessionTtlSeconds, names),
    chatLog: new RedisChatLog(redis, prefix, names),
    scheduler: new RedisScheduler(redis, { prefix, codec }),
  };
}

/**
 * A message to the person was refused by their platform: if a human holds their case,
 * the operator sees it (code and title only, never the message).
 */
async function showFailure(
  failure: DeliveryFailure,
  d: {
    stores: Stores;
    board: () => OperatorBoard | undefined;
    caseOf: (key: string) => Promise<string | undefined>;
  },
): Promise<void> {
  const ref = await d.caseOf(failure.conversation);
  const c = ref ? await d.stores.cases.get(ref) : undefined;
  if (c?.status !== "claimed") return;
  await d.board()?.update(c, {
    kind: "delivery_failed",
    ...(failure.code !== undefined ? { code: failure.code } : {}),
    ...(failure.title !== undefined ? { title: failure.title } : {}),
    ...(failure.why !== undefined ? { why: failure.why } : {}),
  });
}

/** The operator side: the desk, its board (the Telegram group, or logs only), and SLAs. */
function createOperators(
  config: Config,
  d: {
    bot: ReturnType<typeof createBot> | undefined;
    pacer: Pacer;
    stores: Stores;
    bundle: Bundle;
    channels: Record<string, PersonChannel>;
    log: Logger;
    now: () => number;
    runtime: () => Runtime;
    mediaFile?: TelegramOperatorBoardDeps["mediaFile"];
  },
) {
  const { bot, pacer, stores, bundle, log, now } = d;
  const chatId = config.operators.chatId;
  const telegram =
    bot && chatId !== undefined
      ? new TelegramOperatorBoard({
          api: bot.api,
          pacer,
          store: stores.cases,
          bundle,
          chatId,
          language: config.operators.language,
          supervisorIds: config.operators.supervisorIds,
          timeZone: config.timeZone,
          log,
          now,
          ...(d.mediaFile ? { mediaFile: d.mediaFile } : {}),
        })
      : undefined;
  if (!telegram)
    log.warn("OPERATOR_CHAT_ID is not set: cases are queued, but no operator group shows them");
  const board = telegram ?? new QuietBoard(log);
  const sla = new SlaService({
    store: stores.cases,
    scheduler: stores.scheduler,
    announcer: board,
    now,
    policy: config.sla,
  });
  const person = new RuntimePersonLink({
    runtime: { handle: (...args) => d.runtime().handle(...args) },
    channels: d.channels,
  });
  const desk = new OperatorDesk({
    store: stores.cases,
    sla,
    person,
    board,
    access: config.operators,
    log,
    timeZone: config.timeZone,
    now,
  });
  const updates =
    telegram && bot
      ? new TelegramOperatorUpdates({ api: bot.api, desk, board: telegram, log, now })
      : undefined;
  return { desk, board, sla, updates, chatId };
}

const conversationJob = z.object({ conversation: z.string() });
const tidyJob = conversationJob.extend({ upTo: z.number() });

/** What tests may replace: the clock that timers, windows and sessions follow. */
export interface AppOptions {
  now?: () => number;
}

/** Build the service from configuration. Nothing listens or polls until `start()`. */
export function createApp(config: Config, log: Logger, options: AppOptions = {}): App {
  const now = options.now ?? Date.now;
  const bundle = loadContent(config);
  const metrics = createMetrics();
  const stores = createStores(config, log);
  const tg = config.telegram;
  const bot = tg ? createBot({ token: tg.token, apiRoot: tg.apiRoot }) : undefined;
  const pacer = new Pacer({ limits: tg?.limits ?? TELEGRAM_LIMITS });
  const channels: Record<string, PersonChannel> = {};
  if (bot) {
    channels.tg = new TelegramChannel({
      api: bot.api,
      pacer,
      log,
      onSent: (outcome) => metrics.outbound.inc({ channel: "tg", outcome }),
    });
  }
  let board: OperatorBoard | undefined;
  const wa = config.whatsapp
    ? createWhatsApp({
        config: config.whatsapp,
        runtime: () => runtime,
        reachability: stores.reachability,
        texts: bundle.texts,
        log,
        metrics,
        now,
        languageOf: sessionLanguage(stores.conversations),
        onFailed: (failure) =>
          showFailure(failure, {
            stores,
            board: () => board,
            caseOf: sessionCaseRef(stores.conversations),
          }),
        ...(stores.redis && config.redis
          ? {
              redis: {
                client: stores.redis,
                prefix: config.redis.keyPrefix,
                codec: stores.codec,
                ...(stores.names ? { names: stores.names } : {}),
              },
            }
          : {}),
      })
    : undefined;
  if (wa) channels.wa = wa.channel;
  const operators = createOperators(config, {
    bot,
    pacer,
    stores,
    bundle,
    channels,
    log,
    now,
    runtime: () => runtime,
    ...(wa
      ? {
          mediaFile: (_channel: string, origin: string, kind: string) =>
            wa.channel.mediaFile(origin, kind),
        }
      : {}),
  });
  board = operators.board;
  const reattach = new ReattachService({
    codes: stores.codes,
    cases: stores.cases,
    directory: bundle.directory,
    tell: async (key, inbound) => {
      await runtime.handle(key, inbound);
    },
    onReattached: (c) => operators.board.update(c, { kind: "reattached", channel: c.channel }),
    log,
    now,
  });
  const sink = new EffectRouter({
    channels,
    cases: withCaseCodes(operators.desk, stores.codes),
    reattach,
    chatLog: stores.chatLog,
    scheduler: stores.scheduler,
    reachability: stores.reachability,
    onRefused: (failure) =>
      showFailure(failure, {
        stores,
        board: () => board,
        caseOf: sessionCaseRef(stores.conversations),
      }),
    eraser: {
      async erase(key) {
        await stores.conversations.remove(key);
        await stores.reachability.markReachable(key);
        await stores.chatLog.clear(key);
      },
    },
    log,
    windowMs: config.conversationWindowMs,
    now,
    ...(stores.names ? { names: stores.names } : {}),
  });
  const runtime = new Runtime({
    bundle,
    store: stores.conversations,
    sink,
    log,
    ids: newCaseRef,
    codes: newCaseCode,
    now,
  });
  const worker = new SchedulerWorker({
    scheduler: stores.scheduler,
    now,
    handlers: {
      ...operators.sla.handlers,
      purge: purgeHandler({
        cases: stores.cases,
        scheduler: stores.scheduler,
        policy: config.retention,
        log,
        now,
      }),
      tidy: async (job: Job) => {
        const { conversation, upTo } = tidyJob.parse(job.payload);
        await sink.tidy(conversation, upTo);
      },
      checkin: async (job: Job) => {
        const { conversation } = conversationJob.parse(job.payload);
        await runtime.handle(conversation, { kind: "system", event: "checkin_due" });
      },
      checkin_miss: async (job: Job) => {
        const { conversation } = conversationJob.parse(job.payload);
        await runtime.handle(conversation, { kind: "system", event: "checkin_missed" });
      },
    },
    onError: (problem) =>
      log.warn({ job: problem.kind }, "scheduled job failed; it will be tried again"),
  });
  const updates = bot
    ? new TelegramUpdates({
        api: bot.api,
        runtime,
        reachability: stores.reachability,
        pacer,
        log,
        groupNotice: bundle.texts.t(bundle.texts.languages[0] as string, "telegram:group_private"),
        ...(operators.chatId !== undefined ? { operatorChatId: operators.chatId } : {}),
        ...(operators.updates ? { operators: operators.updates } : {}),
        onUpdate: (kind, outcome) => metrics.updates.inc({ channel: "tg", kind, outcome }),
      })
    : undefined;
  const ready = async (): Promise<ReadyCheck[]> => [
    { name: "flows", ok: bundle.flows.steps.size > 0 },
    ...(stores.redis ? [{ name: "redis", ok: await isRedisReady(stores.redis) }] : []),
  ];
  const server = createServer({
    log,
    metrics,
    ready,
    ...(tg?.mode === "webhook" && updates
      ? { telegram: { secret: tg.secret, handle: (u) => updates.handle(u) } }
      : {}),
    routes: wa ? [wa.routes] : [],
  });
  let runner: ReturnType<typeof startPolling> | undefined;
  let recovery: NodeJS.Timeout | undefined;
  const gaugePacing = setInterval(() => {
    metrics.pacing.set({ channel: "tg" }, pacer.waiting);
    if (wa) metrics.pacing.set({ channel: "wa" }, wa.pacer.waiting);
  }, 5000);
  gaugePacing.unref();

  return {
    runtime,
    metrics,
    cases: stores.cases,
    scheduler: stores.scheduler,
    worker,
    async start() {
      if (stores.redis) {
        // Commands fail fast while Redis is away (see connection.ts); give it a moment at
        // start-up. If it stays away, webhooks answer 503 and /readyz says why.
        await waitUntilReady(stores.redis, 5000).catch(() =>
          log.warn("Redis is not reachable yet; updates will be refused until it is"),
        );
      }
      if (bot && updates) {
        await initBot(bot, log);
        if (tg?.mode === "polling") {
          attachUpdates(bot, updates, true);
          await bot.api.deleteWebhook({ drop_pending_updates: false });
          runner = startPolling(bot, log);
        } else {
          attachUpdates(bot, updates);
        }
      }
      await server.listen({ port: config.http.port, host: config.http.host });
      worker.start();
      await operators.sla
        .resync()
        .catch((err) => log.warn({ err: (err as Error).name }, "SLA timers not resynced"));
      await stores.scheduler
        .schedule(PURGE_JOB_ID, now() + 60_000, { kind: "purge" })
        .catch(() => log.warn("retention purge not scheduled yet; it will be at the next start"));
      void runtime
        .recover(RECOVER_AT_START_AFTER_MS, 1000)
        .catch((err) => log.warn({ err: (err as Error).name }, "start-up recovery failed"));
      recovery = setInterval(() => {
        runtime
          .recover(RECOVER_AFTER_MS)
          .catch((err) => log.warn({ err: (err as Error).name }, "recovery failed"));
      }, RECOVERY_EVERY_MS);
      recovery.unref();
      const address = server.server.address();
      return { port: typeof address === "object" && address ? address.port : config.http.port };
    },
    async stop() {
      clearInterval(recovery);
      clearInterval(gaugePacing);
      if (runner?.isRunning()) await runner.stop();
      await server.close();
      await worker.stop();
      if (!(await runtime.drain(SHUTDOWN_GRACE_MS))) {
        log.warn("stopping with replies still queued; they stay in the outbox for the next start");
      }
      await stores.redis?.quit().catch(() => undefined);
    },
  };
}

/** Learn the bot's identity, retrying a little: the network may come up after us. */
async function initBot(bot: ReturnType<typeof createBot>, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await bot.init();
      return;
    } catch (err) {
      if (attempt >= 5) {
        throw new Error(
          `Cannot reach the Telegram Bot API (${(err as Error).message}). Check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT.`,
        );
      }
      log.warn({ attempt }, "Telegram not reachable yet; retrying");
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}
