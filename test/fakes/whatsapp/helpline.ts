/**
 * The helpline over WhatsApp, wired as the composition root wires a channel: config from
 * the environment, the WhatsApp parts (`createWhatsApp`), the runtime and effect router on
 * memory stores, a recording case port (escalations, relays), the operator's person link,
 * and the real HTTP server with the webhook routes, against a fake Graph API on loopback.
 */
import { Writable } from "node:stream";
import { type DeliveryFailure, sessionLanguage } from "../../../src/channels/whatsapp/channel.js";
import { createWhatsApp, type WhatsAppParts } from "../../../src/channels/whatsapp/create.js";
import { createConfig } from "../../../src/config.js";
import type { Effect } from "../../../src/engine/types.js";
import { createServer } from "../../../src/http/server.js";
import { createLogger } from "../../../src/log.js";
import { createMetrics } from "../../../src/metrics.js";
import { RuntimePersonLink } from "../../../src/operators/runtime-person-link.js";
import { MemoryChatLog } from "../../../src/runtime/chat-log.js";
import { type CasePort, EffectRouter } from "../../../src/runtime/effects.js";
import { newCaseCode, newCaseRef } from "../../../src/runtime/ids.js";
import { MemoryConversationStore } from "../../../src/runtime/memory-store.js";
import { MemoryReachability } from "../../../src/runtime/reachability.js";
import { Runtime } from "../../../src/runtime/runtime.js";
import { MemoryScheduler } from "../../../src/schedule/memory-scheduler.js";
import { realBundle } from "../../helpers/content.js";
import {
  FAKE_ACCESS_TOKEN,
  FAKE_APP_SECRET,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERIFY_TOKEN,
  type FakeGraphApi,
} from "./graph-api.js";
import { type Notification, sign } from "./webhooks.js";

/** What reached the operator side. */
export interface CaseCall {
  what: "escalate" | "relay" | "erase";
  key: string;
  effect: Effect;
}

export interface HelplineOptions {
  env?: Record<string, string>;
  /** The channel's clock (window, pacing), real time plus this offset. */
  clock?: { offsetMs: number };
}

/** Build and start the helpline; `post` plays a notification as Meta would send it. */
export async function startHelpline(fake: FakeGraphApi, o: HelplineOptions = {}) {
  const bundle = realBundle();
  const logs: string[] = [];
  const log = createLogger(
    "trace",
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const config = createConfig({
    WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
    WHATSAPP_ACCESS_TOKEN: FAKE_ACCESS_TOKEN,
    WHATSAPP_APP_SECRET: FAKE_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: FAKE_VERIFY_TOKEN,
    WHATSAPP_API_ROOT: fake.apiRoot,
    ...o.env,
  });
  const wa = config.whatsapp;
  if (!wa) throw new Error("WhatsApp is not configured");
  const metrics = createMetrics();
  const clock = o.clock ?? { offsetMs: 0 };
  const now = () => Date.now() + clock.offsetMs;
  const cases: CaseCall[] = [];
  const failures: DeliveryFailure[] = [];
  const reachability = new MemoryReachability();
  const conversations = new MemoryConversationStore();
  const chatLog = new MemoryChatLog();
  let runtime: Runtime | undefined;
  const parts: WhatsAppParts = createWhatsApp({
    config: wa,
    runtime: () => runtime as Runtime,
    reachability,
    texts: bundle.texts,
    log,
    metrics,
    languageOf: sessionLanguage(conversations),
    onFailed: (f) => {
      failures.push(f);
    },
    now,
  });
  const channels = { wa: parts.channel };
  const casePort: CasePort = {
    escalate: async (key, effect) => void cases.push({ what: "escalate", key, effect }),
    relay: async (key, effect) => void cases.push({ what: "relay", key, effect }),
    erase: async (key, effect) => void cases.push({ what: "erase", key, effect }),
  };
  const sink = new EffectRouter({
    channels,
    cases: casePort,
    reattach: { reattach: async () => undefined },
    chatLog,
    scheduler: new MemoryScheduler(),
    eraser: { erase: (key) => conversations.remove(key) },
    reachability,
    log,
    windowMs: config.conversationWindowMs,
    onRefused: (f) => {
      failures.push(f);
    },
  });
  runtime = new Runtime({
    bundle,
    store: conversations,
    sink,
    log,
    ids: newCaseRef,
    codes: newCaseCode,
  });
  const person = new RuntimePersonLink({
    runtime: { handle: (...args) => (runtime as Runtime).handle(...args) },
    channels,
  });
  const server = createServer({
    log,
    metrics,
    ready: async () => [{ name: "flows", ok: true }],
    routes: [parts.routes],
  });
  await server.listen({ port: 0, host: "127.0.0.1" });
  const address = server.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const ready = runtime;
  return {
    base,
    bundle,
    cases,
    clock,
    conversations,
    failures,
    logs,
    metrics,
    parts,
    person,
    reachability,
    runtime: ready,
    /** POST a notification, signed with the app secret unless told otherwise. */
    post(body: Notification | string, signature?: string | null): Promise<Response> {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const header = signature === undefined ? sign(raw, FAKE_APP_SECRET) : signature;
      return fetch(`${base}/whatsapp/webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(header === null ? {} : { "x-hub-signature-256": header }),
        },
        body: raw,
      });
    },
    async stop() {
      await server.close();
      await ready.drain(5000);
    },
  };
}

export type Helpline = Awaited<ReturnType<typeof startHelpline>>;
