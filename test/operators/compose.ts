/**
 * The helpline with its operator side, wired as src/app.ts wires it (runtime, effect
 * router, Telegram channel and updates, the desk, the Telegram board, the SLA service and
 * its worker) on memory stores, against the fake Bot API. The desk and the SLA service
 * run on a settable clock; the pacer's limits are opened up so a test does not wait a
 * minute for the group's 20 messages.
 */
import { Writable } from "node:stream";
import type { Update } from "grammy/types";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import type { SlaPolicy } from "../../src/cases/sla.js";
import { SlaService } from "../../src/cases/sla-service.js";
import type { CaseStore } from "../../src/cases/store.js";
import { Pacer } from "../../src/channels/pacer.js";
import { createBot } from "../../src/channels/telegram/bot.js";
import { TelegramChannel } from "../../src/channels/telegram/channel.js";
import { TelegramUpdates } from "../../src/channels/telegram/updates.js";
import { createLogger } from "../../src/log.js";
import { OperatorDesk } from "../../src/operators/desk.js";
import { RuntimePersonLink } from "../../src/operators/runtime-person-link.js";
import { TelegramOperatorBoard } from "../../src/operators/telegram/board.js";
import { TelegramOperatorUpdates } from "../../src/operators/telegram/updates.js";
import { MemoryChatLog } from "../../src/runtime/chat-log.js";
import { EffectRouter } from "../../src/runtime/effects.js";
import { newCaseCode, newCaseRef } from "../../src/runtime/ids.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import { MemoryReachability } from "../../src/runtime/reachability.js";
import { Runtime } from "../../src/runtime/runtime.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import type { Scheduler } from "../../src/schedule/scheduler.js";
import { SchedulerWorker } from "../../src/schedule/worker.js";
import { fakeClock } from "../cases/redis-env.js";
import { DEFAULT_BOT, FAKE_TOKEN, type FakeTelegramApi } from "../fakes/telegram-api.js";
import { realBundle } from "../helpers/content.js";

/** The operators' supergroup (with topics). */
export const GROUP = -1001234567890;
const DAY = 24 * 60 * 60 * 1000;

export interface ComposeOptions {
  operatorIds: string[];
  supervisorIds: string[];
  /** The operators' language; default `en`. */
  language?: string;
  policy?: SlaPolicy;
  /** The case store and scheduler (default: the memory twins). */
  stores?: { cases: CaseStore; scheduler: Scheduler };
}

/** Build the service's pieces around `fake`; `handle` plays an update as a webhook would. */
export function composeHelpline(fake: FakeTelegramApi, o: ComposeOptions) {
  const bundle = realBundle();
  const logs: string[] = [];
  const log = createLogger(
    "debug",
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const clock = fakeClock(Date.now());
  const bot = createBot({ token: FAKE_TOKEN, apiRoot: fake.apiRoot, botInfo: fake.botInfo });
  const api = bot.api;
  const pacer = new Pacer({
    limits: { globalPerSecond: 1000, perChatGapMs: 0, groupPerMinute: 10_000 },
  });
  const reachability = new MemoryReachability();
  const channels = { tg: new TelegramChannel({ api, pacer, log }) };
  const store = o.stores?.cases ?? new MemoryCaseStore();
  const scheduler = o.stores?.scheduler ?? new MemoryScheduler();
  const board = new TelegramOperatorBoard({
    api,
    pacer,
    store,
    bundle,
    chatId: GROUP,
    language: o.language ?? "en",
    supervisorIds: o.supervisorIds,
    timeZone: "Asia/Jakarta",
    log,
    now: clock.now,
  });
  const sla = new SlaService({
    store,
    scheduler,
    announcer: board,
    now: clock.now,
    ...(o.policy ? { policy: o.policy } : {}),
  });
  let runtime: Runtime | undefined;
  const chatLog = new MemoryChatLog();
  const person = new RuntimePersonLink({
    runtime: { handle: (...args) => (runtime as Runtime).handle(...args) },
    channels,
  });
  const desk = new OperatorDesk({
    store,
    sla,
    person,
    board,
    access: { operatorIds: o.operatorIds, supervisorIds: o.supervisorIds },
    log,
    timeZone: "Asia/Jakarta",
    now: clock.now,
  });
  const conversations = new MemoryConversationStore();
  const sink = new EffectRouter({
    channels,
    cases: desk,
    reattach: { reattach: async () => undefined },
    chatLog,
    scheduler,
    eraser: { erase: (key) => conversations.remove(key) },
    reachability,
    log,
    windowMs: DAY,
  });
  runtime = new Runtime({
    bundle,
    store: conversations,
    sink,
    log,
    ids: newCaseRef,
    codes: newCaseCode,
  });
  const operators = new TelegramOperatorUpdates({ api, desk, board, log, now: clock.now });
  const updates = new TelegramUpdates({
    api,
    runtime,
    reachability,
    pacer,
    log,
    groupNotice: "Please write to me privately.",
    operatorChatId: GROUP,
    operators,
  });
  const worker = new SchedulerWorker({ scheduler, handlers: sla.handlers, now: clock.now });
  const ready = runtime;
  return {
    api,
    bot: DEFAULT_BOT,
    board,
    clock,
    desk,
    logs,
    runtime: ready,
    scheduler,
    sla,
    store,
    worker,
    /** Hand an update to the service as a webhook would, and wait for what it set off. */
    async handle(update: Update): Promise<void> {
      fake.remember(update);
      await updates.handle(update);
      await ready.drain(5000);
    },
  };
}

export type Helpline = ReturnType<typeof composeHelpline>;
