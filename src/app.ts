/**
 * The composition root, in two steps: the ports are built from configuration
 * (`ports.ts`: stores, platform clients, the clock), then wired into the service here, in
 * the order each piece needs the others, with no cycle to break: the runtime is built on
 * the case intake, and everything that talks to the runtime (the operator desk, the
 * channels' updates) is built after it. Tests wire the real service on memory ports and
 * fakes through `wireApp`.
 */

import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { type Case, SYSTEM } from "./cases/model.js";
import { ReattachService, withCaseCodes } from "./cases/reattach.js";
import { PURGE_JOB_ID, purgeHandler } from "./cases/retention.js";
import { type Announcer, SlaService } from "./cases/sla-service.js";
import type { CaseStore } from "./cases/store.js";
import { errorSummary } from "./channels/errors.js";
import { Pacer, type PacerOptions, TELEGRAM_LIMITS } from "./channels/pacer.js";
import { attachUpdates, startPolling } from "./channels/telegram/bot.js";
import { TelegramChannel } from "./channels/telegram/channel.js";
import { TelegramUpdates } from "./channels/telegram/updates.js";
import { telegramRoutes } from "./channels/telegram/webhook.js";
import { sharedIdSecret, type WebChatOptions, webChat } from "./channels/web/create.js";
import { sessionCaseRef, type WhatsAppChannel } from "./channels/whatsapp/channel.js";
import { whatsappChannel, whatsappWebhook } from "./channels/whatsapp/create.js";
import { type Config, ConfigError } from "./config.js";
import { consoleUsernameOf } from "./console/accounts.js";
import { type ConsoleParts, consoleParts, consoleRoutes } from "./console/create.js";
import { consoleOperatorsProblem } from "./console/surface.js";
import type { Bundle } from "./engine/types.js";
import { loadBundle, waitMinutesOf } from "./flows/bundle.js";
import { createServer, type ReadyCheck } from "./http/server.js";
import type { Logger } from "./log.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { OperatorIds } from "./operators/access.js";
import { type OperatorBoard, OperatorDesk } from "./operators/desk.js";
import { CaseIntake } from "./operators/intake.js";
import { QuietBoard } from "./operators/quiet-board.js";
import { RuntimePersonLink } from "./operators/runtime-person-link.js";
import { TelegramOperatorBoard } from "./operators/telegram/board.js";
import { TelegramMatchBoard } from "./operators/telegram/match-board.js";
import { TelegramOperatorUpdates } from "./operators/telegram/updates.js";
import { createPorts, type PortOptions, type Ports } from "./ports.js";
import { Reunite } from "./reunite/service.js";
import { EffectRouter, type PersonChannel } from "./runtime/effects.js";
import { newCaseCode, newCaseRef } from "./runtime/ids.js";
import { MemoryConversationStore } from "./runtime/memory-store.js";
import type { EffectSink } from "./runtime/ports.js";
import { Runtime } from "./runtime/runtime.js";
import type { Job, Scheduler } from "./schedule/scheduler.js";
import { SchedulerWorker } from "./schedule/worker.js";
import type { Codec } from "./stores/codec.js";
import { isRedisReady, waitUntilReady } from "./stores/redis/connection.js";
import { replicaBarrier } from "./stores/redis/replicas.js";

export { storageCodec, storageSecrets } from "./ports.js";

/** Flows, texts and directory, checked; throws with every problem listed. */
export function loadContent(config: Config): Bundle {
  // What a waiting person is told follows the desk's own limits (SLA_P*_MINUTES).
  return loadBundle(config.paths, config.languages, { waitMinutes: waitMinutesOf(config.sla) });
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

/**
 * How often undelivered effects are looked for, and how old they must be. Short: an
 * instance still sending a conversation's replies holds its turn, so recovery never sends
 * them twice (decision 0044); what it finds failed or was left by an instance that died.
 */
const RECOVERY_EVERY_MS = 10_000;
const RECOVER_AFTER_MS = 20_000;
/** At start-up, what an earlier life of this service saved but never sent goes out at once. */
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
  /** The HTTP server (tests `inject` requests into it). */
  server: FastifyInstance;
  /** Listen (webhooks, health, metrics) and start polling if configured. */
  start(): Promise<{ port: number }>;
  /** Stop taking updates, finish those in flight, deliver what is queued, disconnect. */
  stop(): Promise<void>;
}

/** Build the service from configuration. Nothing listens or polls until `start()`. */
export function createApp(config: Config, log: Logger, options: PortOptions = {}): App {
  return wireApp(config, createPorts(config, log, options), log);
}

/** What the wiring shares between its steps. */
interface Parts {
  config: Config;
  ports: Ports;
  log: Logger;
  bundle: Bundle;
  metrics: Metrics;
  /** Telegram's pacer, shared by the person channel and the operators' group. */
  pacer: Pacer;
  /** Operators' ids and the keyed-hash names stored data gives them. */
  operatorIds: OperatorIds;
}

/** Wire the service on `ports`. No I/O happens here; `start()` begins it. */
export function wireApp(config: Config, ports: Ports, log: Logger): App {
  const p: Parts = {
    config,
    ports,
    log,
    bundle: loadContent(config),
    metrics: createMetrics(),
    pacer: new Pacer({
      limits: config.telegram?.limits ?? TELEGRAM_LIMITS,
      ...sharedPacing(ports, "telegram", log),
    }),
    operatorIds: new OperatorIds(ports.pseudonyms, config.operators),
  };
  const { now, cases, scheduler } = ports;
  cases.onDamaged?.((d) => {
    p.metrics.errors.inc({ stage: "case_damaged" });
    log.warn({ case: d.id, problem: d.problem }, "damaged case record skipped");
  });
  const channels = personChannels(p);
  const web = consoleParts(config, ports, log);
  const board = withConsole(operatorBoard(p, channels.wa?.channel, web !== undefined), web);
  const sla = new SlaService({
    store: cases,
    scheduler,
    announcer: board.announcer,
    now,
    policy: config.sla,
  });
  const reunite = new Reunite({
    matches: ports.matches,
    cases,
    hash: (value) => ports.pseudonyms(`reunite:${value}`),
    board: board.telegram
      ? new TelegramMatchBoard(board.telegram)
      : { matchChanged: async () => {} },
    authorise: (user, action) => desk.authorise(user, action),
    log,
    now,
  });
  const intake = new CaseIntake({
    store: cases,
    reunite,
    sla,
    board: board.board,
    caseOf: sessionCaseRef(ports.conversations),
    log,
    now,
  });
  const router = effectRouter(p, channels.all, intake);
  const runtime = new Runtime({
    bundle: p.bundle,
    store: ports.conversations,
    sink: router,
    log,
    ...replicaWait(p),
    ids: newCaseRef,
    codes: newCaseCode,
    now,
    onQuarantined: (count) => p.metrics.errors.inc({ stage: "outbox_quarantined" }, count),
  });
  const person = new RuntimePersonLink({ runtime, channels: channels.all });
  const deskDeps = {
    store: cases,
    sla,
    person: web ? web.relay.person(person) : person,
    board: board.board,
    access: p.operatorIds.access,
    log,
    timeZone: config.timeZone,
    now,
  };
  const desk = new OperatorDesk(deskDeps);
  reunite.attach(deskDeps.person);
  const worker = schedulerWorker(p, {
    runtime,
    router,
    sla,
    // Closed for want of activity: no timer, the topic says so; the person is not written to.
    onIdleClosed: async (c) => {
      await sla.onCaseChanged(c);
      await board.board.update(c, { kind: "closed", by: SYSTEM, outcome: "no_response" });
    },
    // A purged case leaves no match and no hash behind.
    onPurged: (id) => reunite.forget(id),
  });
  const telegram = telegramUpdates(
    p,
    runtime,
    board.telegram && { desk, board: board.telegram, reunite },
  );
  const wa =
    ports.whatsapp &&
    config.whatsapp &&
    whatsappWebhook({
      config: config.whatsapp,
      store: ports.whatsapp.store,
      runtime,
      reachability: ports.reachability,
      log,
      metrics: p.metrics,
      onFailed: (failure) => intake.undelivered(failure),
      now,
    });
  return lifecycle(p, {
    runtime,
    worker,
    sla,
    ...(telegram ? { telegram } : {}),
    routes: [
      ...(wa ? [wa.routes] : []),
      ...(channels.web ? [channels.web.routes(runtime)] : []),
      ...(web
        ? [
            consoleRoutes(web, {
              config,
              bundle: p.bundle,
              cases,
              desk: deskDeps,
              log,
              now,
              reunite,
            }),
          ]
        : []),
    ],
    pacers: { tg: p.pacer, ...(channels.wa ? { wa: channels.wa.pacer } : {}) },
    ...(board.telegram ? { operators: board.telegram } : {}),
    beforeListen: () => consoleOnlyCheck(p, web),
  });
}

/** The channels that write to people: Telegram and WhatsApp, where configured. */
function personChannels(p: Parts) {
  const { ports, config, log, metrics } = p;
  const all: Record<string, PersonChannel> = {};
  if (ports.telegram) {
    all.tg = new TelegramChannel({
      api: ports.telegram.api,
      pacer: p.pacer,
      log,
      onSent: (outcome) => metrics.outbound.inc({ channel: "tg", outcome }),
    });
  }
  const wa =
    ports.whatsapp && config.whatsapp
      ? whatsappChannel({
          config: config.whatsapp,
          ports: ports.whatsapp,
          reachability: ports.reachability,
          texts: p.bundle.texts,
          log,
          metrics,
          lastInbound: async (key) => (await ports.conversations.load(key)).lastInbound,
          now: ports.now,
          ...sharedPacing(ports, "whatsapp", log),
        })
      : undefined;
  if (wa) all.wa = wa.channel;
  // The browser chat (the demo's, and production's when WEB_CHAT=on).
  const web = config.webChat.enabled
    ? webChat({
        config: config.webChat,
        directoryDir: config.paths.directory,
        texts: p.bundle.texts,
        languages: config.languages,
        log,
        metrics,
        now: ports.now,
        ...sharedWebChat(p),
      })
    : undefined;
  if (web) all.web = web.channel;
  if (ports.terminal) all.sim = ports.terminal;
  return { all, ...(wa ? { wa } : {}), ...(web ? { web } : {}) };
}

/** With Redis and DATA_KEY, the web chat's bubbles reach a tab whichever instance it is on. */
function sharedWebChat({ ports, config, log }: Parts): Pick<WebChatOptions, "shared"> {
  const key = config.dataKeys?.current.key;
  if (!ports.redis || !config.redis || !ports.names || !key) return {};
  return {
    shared: {
      redis: ports.redis,
      prefix: config.redis.keyPrefix,
      codec: ports.codec,
      names: ports.names,
      secret: sharedIdSecret(key),
      onError: (problem) => log.warn({ problem }, "web chat: redis problem"),
    },
  };
}

/**
 * With Redis, every instance keeps to one set of the platform's limits (30 messages a
 * second for the bot, 80 for the WhatsApp number), not each its own.
 */
function sharedPacing(ports: Ports, name: string, log: Logger): Pick<PacerOptions, "shared"> {
  if (!ports.sendBudget) return {};
  let warned = false;
  const onError = () => {
    if (warned) return;
    warned = true;
    log.warn(
      { platform: name },
      "shared pacing unavailable (Redis); pacing on this instance alone",
    );
  };
  return { shared: { budget: ports.sendBudget, name, onError } };
}

/**
 * With `REDIS_WAIT_REPLICAS`, an update counts as saved only once that many replicas hold
 * it (Sentinel, Cluster: a failover then loses nothing acknowledged).
 */
function replicaWait({ config, ports, metrics, log }: Parts): { replicated?: () => Promise<void> } {
  const wait = config.redis?.waitReplicas;
  if (!ports.redis || !wait || wait.count === 0) return {};
  const barrier = replicaBarrier(ports.redis, {
    replicas: wait.count,
    timeoutMs: wait.timeoutMs,
    onShort: (acked) => {
      metrics.errors.inc({ stage: "replica_wait_short" });
      log.warn(
        { acked, wanted: wait.count },
        "fewer Redis replicas than asked hold the latest writes",
      );
    },
  });
  return { replicated: barrier };
}

/**
 * In production without an operators' group, the console is the operators' surface: it
 * must have someone to work the cases (decision 0041). Redis away: /readyz says so.
 */
async function consoleOnlyCheck(p: Parts, web: ConsoleParts | undefined): Promise<void> {
  const { config, log } = p;
  if (config.env !== "production" || config.operators.chatId !== undefined || !web) return;
  const problem = await consoleOperatorsProblem(web.stores.accounts).catch(() => {
    log.warn("console accounts not readable yet (Redis); operators may not be there");
    return undefined;
  });
  if (problem) throw new ConfigError(problem);
}

/** The operators' board: the Telegram group, or the log only when there is none. */
function operatorBoard(p: Parts, wa: WhatsAppChannel | undefined, consoleOn: boolean) {
  const { config, ports, log } = p;
  if (ports.board) return { board: ports.board, announcer: ports.board };
  const chatId = config.operators.chatId;
  const bot = ports.telegram;
  const telegram =
    bot && chatId !== undefined
      ? new TelegramOperatorBoard({
          api: bot.api,
          pacer: p.pacer,
          store: ports.cases,
          bundle: p.bundle,
          chatId,
          language: config.operators.language,
          supervisorIds: config.operators.supervisorIds,
          // A console-only account shows as its username, not as its stored actor name.
          operatorLabel: (actor) => consoleUsernameOf(actor) ?? p.operatorIds.label(actor),
          timeZone: config.timeZone,
          log,
          now: ports.now,
          ...(wa ? { mediaFile: (_channel, origin, kind) => wa.mediaFile(origin, kind) } : {}),
        })
      : undefined;
  if (!telegram && consoleOn)
    log.info("OPERATOR_CHAT_ID is not set: operators work the cases in the web console");
  else if (!telegram)
    log.warn("OPERATOR_CHAT_ID is not set: cases are queued, but no operator group shows them");
  const board: OperatorBoard & Announcer = telegram ?? new QuietBoard(log);
  return { board, announcer: board, ...(telegram ? { telegram } : {}) };
}

/** The board, with the web console kept in step with it (when the console is on). */
function withConsole<B extends { board: OperatorBoard & Announcer }>(
  b: B,
  web: ReturnType<typeof consoleParts>,
): B & { announcer: OperatorBoard & Announcer } {
  if (!web) return { ...b, announcer: b.board };
  const board = web.relay.board(b.board);
  return { ...b, board, announcer: board };
}

/** Carries out effects; a message that did not go out is shown to the case's operator. */
function effectRouter(p: Parts, channels: Record<string, PersonChannel>, intake: CaseIntake) {
  const { ports, config, log } = p;
  return new EffectRouter({
    channels,
    cases: withCaseCodes(intake, ports.codes),
    reattach: new ReattachService({
      codes: ports.codes,
      cases: ports.cases,
      onRequested: (c) => intake.reattachRequested(c),
      log,
      now: ports.now,
    }),
    chatLog: ports.chatLog,
    scheduler: ports.scheduler,
    reachability: ports.reachability,
    // Everything of the conversation is in its store: session, marks, chat log, timers.
    eraser: { erase: (key) => ports.conversations.remove(key) },
    onRefused: (failure) => intake.undelivered(failure),
    log,
    windowMs: config.conversationWindowMs,
    now: ports.now,
    ...(ports.names ? { names: ports.names } : {}),
  });
}

const conversationJob = z.object({ conversation: z.string() });

/** Timers: SLAs, the retention purge, discreet mode's deletions and check-ins. */
function schedulerWorker(
  p: Parts,
  d: {
    runtime: Runtime;
    router: EffectRouter;
    sla: SlaService;
    onIdleClosed: (c: Case) => Promise<void>;
    onPurged: (id: string) => Promise<void>;
  },
): SchedulerWorker {
  const { ports, config, log } = p;
  const { runtime } = d;
  return new SchedulerWorker({
    scheduler: ports.scheduler,
    now: ports.now,
    handlers: {
      ...d.sla.handlers,
      purge: purgeHandler({
        cases: ports.cases,
        scheduler: ports.scheduler,
        policy: config.retention,
        log,
        now: ports.now,
        onIdleClosed: d.onIdleClosed,
        onPurged: d.onPurged,
      }),
      tidy: async (job: Job) => {
        const { conversation } = conversationJob.parse(job.payload);
        await d.router.tidy(conversation);
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
}

/** What comes in from Telegram: people's chats, and the operators' group when there is one. */
function telegramUpdates(
  p: Parts,
  runtime: Runtime,
  operators: { desk: OperatorDesk; board: TelegramOperatorBoard; reunite: Reunite } | undefined,
): TelegramUpdates | undefined {
  const bot = p.ports.telegram;
  if (!bot) return undefined;
  const { bundle, log, metrics, config, ports } = p;
  const chatId = config.operators.chatId;
  return new TelegramUpdates({
    api: bot.api,
    runtime,
    reachability: ports.reachability,
    pacer: p.pacer,
    log,
    groupNotice: bundle.texts.t(bundle.texts.languages[0] as string, "telegram:group_private"),
    ...(operators && chatId !== undefined
      ? {
          operatorChatId: chatId,
          operators: new TelegramOperatorUpdates({
            api: bot.api,
            desk: operators.desk,
            board: operators.board,
            reunite: operators.reunite,
            actorOf: (userId) => p.operatorIds.actor(userId),
            isListed: (actor) => p.operatorIds.isListed(actor),
            log,
            now: ports.now,
          }),
        }
      : {}),
    onUpdate: (kind, outcome) => metrics.updates.inc({ channel: "tg", kind, outcome }),
  });
}

/** Starting and stopping: the server, polling, timers, recovery, and Redis. */
function lifecycle(
  p: Parts,
  d: {
    runtime: Runtime;
    worker: SchedulerWorker;
    sla: SlaService;
    telegram?: TelegramUpdates;
    routes: ((app: FastifyInstance) => void)[];
    pacers: Record<string, Pacer>;
    /** The operators' group, whose health `/readyz` reports. */
    operators?: { readonly healthy: boolean };
    /** What must hold before the service takes updates (throws to refuse starting). */
    beforeListen?: () => Promise<void>;
  },
): App {
  const { config, ports, log, metrics } = p;
  const { runtime, worker } = d;
  const tg = config.telegram;
  const bot = ports.telegram;
  const ready = async (): Promise<ReadyCheck[]> => [
    { name: "flows", ok: p.bundle.flows.steps.size > 0 },
    ...(ports.redis ? [{ name: "redis", ok: await isRedisReady(ports.redis) }] : []),
    // Reported, not required: people's messages to operators wait in the outbox meanwhile.
    ...(d.operators ? [{ name: "operators", ok: d.operators.healthy, critical: false }] : []),
  ];
  const updates = d.telegram;
  const server = createServer({
    log,
    metrics,
    ready,
    ...(config.http.metricsToken ? { metricsToken: config.http.metricsToken } : {}),
    routes: [
      ...(tg?.mode === "webhook" && bot && updates
        ? [telegramRoutes({ bot, secret: tg.secret, log, metrics })]
        : []),
      ...d.routes,
    ],
  });
  let runner: ReturnType<typeof startPolling> | undefined;
  let recovery: NodeJS.Timeout | undefined;
  const gaugePacing = setInterval(() => {
    for (const [channel, pacer] of Object.entries(d.pacers))
      metrics.pacing.set({ channel }, pacer.waiting);
  }, 5000);
  gaugePacing.unref();

  return {
    runtime,
    metrics,
    cases: ports.cases,
    scheduler: ports.scheduler,
    worker,
    server,
    async start() {
      if (ports.redis) {
        // Commands fail fast while Redis is away (see connection.ts); give it a moment at
        // start-up. If it stays away, webhooks answer 503 and /readyz says why.
        await waitUntilReady(ports.redis, 5000).catch(() =>
          log.warn("Redis is not reachable yet; updates will be refused until it is"),
        );
      }
      await d.beforeListen?.();
      if (bot && updates) {
        await initBot(bot, log);
        if (tg?.mode === "polling") {
          attachUpdates(bot, updates, true);
          await bot.api.deleteWebhook({ drop_pending_updates: false });
          runner = startPolling(bot, log, () =>
            metrics.errors.inc({ stage: "telegram_malformed" }),
          );
        } else {
          attachUpdates(bot, updates);
        }
      }
      await server.listen({ port: config.http.port, host: config.http.host });
      worker.start();
      await d.sla
        .resync()
        .catch((err) => log.warn({ err: errorSummary(err) }, "SLA timers not resynced"));
      await ports.scheduler
        .schedule(PURGE_JOB_ID, ports.now() + 60_000, { kind: "purge" })
        .catch(() => log.warn("retention purge not scheduled yet; it will be at the next start"));
      void runtime
        .recover(RECOVER_AT_START_AFTER_MS, 1000)
        .catch((err) => log.warn({ err: errorSummary(err) }, "start-up recovery failed"));
      recovery = setInterval(() => {
        runtime
          .recover(RECOVER_AFTER_MS)
          .catch((err) => log.warn({ err: errorSummary(err) }, "recovery failed"));
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
      await ports.redis?.quit().catch(() => undefined);
    },
  };
}

/** Learn the bot's identity, retrying a little: the network may come up after us. */
async function initBot(bot: NonNullable<Ports["telegram"]>, log: Logger): Promise<void> {
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
