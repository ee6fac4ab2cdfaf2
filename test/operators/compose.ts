/**
 * The helpline with its operator side, as `npm start` wires it (`wireApp`) on memory
 * ports, against the fake Bot API: people and operators alike reach it through its
 * webhook. The service runs on a settable clock (SLA timers, windows); the pacer's limits
 * are opened up so a test does not wait a minute for the group's 20 messages.
 */
import type { Update } from "grammy/types";
import { OperatorIds } from "../../src/operators/access.js";
import { fakeClock } from "../cases/redis-env.js";
import type { FakeTelegramApi } from "../fakes/telegram-api.js";
import type { ServiceOptions } from "../helpers/service.js";
import { startService } from "../helpers/service.js";

/** The operators' supergroup (with topics). */
export const GROUP = -1001234567890;

export interface ComposeOptions {
  operatorIds: string[];
  supervisorIds: string[];
  /** Change the ports (the case store and scheduler on Redis). */
  ports?: ServiceOptions["ports"];
}

/** Start the service around `fake`; `handle` plays an update as Telegram would. */
export async function startHelpline(fake: FakeTelegramApi, o: ComposeOptions) {
  const clock = fakeClock(Date.now());
  const svc = await startService({
    fake,
    redis: false,
    now: clock.now,
    env: {
      OPERATOR_CHAT_ID: String(GROUP),
      OPERATOR_IDS: o.operatorIds.join(","),
      SUPERVISOR_IDS: o.supervisorIds.join(","),
      OPERATOR_LANGUAGE: "en",
      TIME_ZONE: "Asia/Jakarta",
      TELEGRAM_MESSAGES_PER_SECOND: "1000",
      TELEGRAM_CHAT_GAP_MS: "1",
      TELEGRAM_GROUP_PER_MINUTE: "10000",
    },
    ...(o.ports ? { ports: o.ports } : {}),
  });
  const ids = new OperatorIds(svc.ports.pseudonyms, { operatorIds: [], supervisorIds: [] });
  return {
    /** The name stored data gives the Telegram user `id` (never the id itself). */
    actor: (id: number) => ids.actor(id),
    clock,
    logs: svc.logs,
    metrics: svc.app.metrics,
    store: svc.app.cases,
    worker: svc.app.worker,
    /** Hand an update to the service as Telegram would, and wait for what it set off. */
    handle: (update: Update) => svc.handle(update),
    stop: () => svc.stop(),
  };
}

export type Helpline = Awaited<ReturnType<typeof startHelpline>>;
