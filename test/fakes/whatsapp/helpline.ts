/**
 * The helpline over WhatsApp, as `npm start` wires it (`wireApp`) on memory ports, against
 * a fake Graph API on loopback. Its operators' board records what operators would be shown
 * (cases, what the person wrote, messages that did not go out); a person link on the same
 * runtime plays the operator's side, and a channel on the same ports is there to call.
 */
import type { Case } from "../../../src/cases/model.js";
import type { Announcer } from "../../../src/cases/sla-service.js";
import { whatsappChannel } from "../../../src/channels/whatsapp/create.js";
import type { Inbound, Priority } from "../../../src/engine/types.js";
import type { BoardEvent, OperatorBoard } from "../../../src/operators/desk.js";
import { RuntimePersonLink } from "../../../src/operators/runtime-person-link.js";
import { realBundle } from "../../helpers/content.js";
import { capturedLog, startService } from "../../helpers/service.js";
import {
  FAKE_ACCESS_TOKEN,
  FAKE_APP_SECRET,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERIFY_TOKEN,
  type FakeGraphApi,
} from "./graph-api.js";
import { type Notification, sign } from "./webhooks.js";

/** What reached the operators, in the shape of the effect that caused it. */
export interface CaseCall {
  what: "escalate" | "relay" | "failed";
  key: string;
  effect: {
    type: "escalate" | "report" | "relay" | "failed";
    caseRef?: string;
    priority?: Priority;
    reasons?: string[];
    inbound?: Inbound;
  };
  /** For `failed`: what the board was told. */
  event?: BoardEvent;
}

/** A board that records what operators would see. */
class RecordingBoard implements OperatorBoard, Announcer {
  readonly calls: CaseCall[] = [];

  #case(c: Case): CaseCall["effect"] {
    const type = c.kind === "family" ? ("report" as const) : ("escalate" as const);
    return { type, caseRef: c.id, priority: c.priority, reasons: c.reasons };
  }

  async show(c: Case): Promise<void> {
    this.calls.push({ what: "escalate", key: c.conversation ?? "", effect: this.#case(c) });
  }
  async update(c: Case, event?: BoardEvent): Promise<void> {
    const key = c.conversation ?? "";
    if (event?.kind === "delivery_failed")
      this.calls.push({ what: "failed", key, effect: { type: "failed" }, event });
    else this.calls.push({ what: "escalate", key, effect: this.#case(c) });
  }
  async personMessage(c: Case, inbound: Inbound): Promise<void> {
    const effect = { type: "relay" as const, caseRef: c.id, inbound };
    this.calls.push({ what: "relay", key: c.conversation ?? "", effect });
  }
  async remove(): Promise<void> {}
  async overdue(): Promise<void> {}
  async returned(): Promise<void> {}
}

export interface HelplineOptions {
  env?: Record<string, string>;
}

/** Build and start the helpline; `post` plays a notification as Meta would send it. */
export async function startHelpline(fake: FakeGraphApi, o: HelplineOptions = {}) {
  const board = new RecordingBoard();
  /** The service's clock: real time plus this offset. */
  const clock = { offsetMs: 0 };
  const svc = await startService({
    fake: null,
    redis: false,
    now: () => Date.now() + clock.offsetMs,
    env: {
      WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: FAKE_ACCESS_TOKEN,
      WHATSAPP_APP_SECRET: FAKE_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: FAKE_VERIFY_TOKEN,
      WHATSAPP_API_ROOT: fake.apiRoot,
      ...o.env,
    },
    ports: (ports) => ({ ...ports, board }),
  });
  const { ports, config, app } = svc;
  const wa = ports.whatsapp;
  if (!wa || !config.whatsapp) throw new Error("WhatsApp is not configured");
  // The same channel on the same ports, for tests that call it (templates, media).
  const { channel } = whatsappChannel({
    config: config.whatsapp,
    ports: wa,
    reachability: ports.reachability,
    texts: realBundle().texts,
    log: capturedLog(svc.logs),
    lastInbound: async (key) => (await ports.conversations.load(key)).lastInbound,
    now: ports.now,
  });
  return {
    base: svc.base,
    cases: board.calls,
    clock,
    conversations: ports.conversations,
    logs: svc.logs,
    metrics: app.metrics,
    parts: { channel, store: wa.store },
    /** The operator's side: their words and actions, through the engine. */
    person: new RuntimePersonLink({ runtime: app.runtime, channels: { wa: channel } }),
    reachability: ports.reachability,
    runtime: app.runtime,
    /** POST a notification, signed with the app secret unless told otherwise. */
    post(body: Notification | string, signature?: string | null): Promise<Response> {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const header = signature === undefined ? sign(raw, FAKE_APP_SECRET) : signature;
      return fetch(`${svc.base}/whatsapp/webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(header === null ? {} : { "x-hub-signature-256": header }),
        },
        body: raw,
      });
    },
    stop: () => svc.stop(),
  };
}

export type Helpline = Awaited<ReturnType<typeof startHelpline>>;
