/**
 * The desk on memory twins: a settable clock, a recording PersonLink and board, the real
 * SLA service on the memory scheduler, and the log lines it wrote.
 */
import { Writable } from "node:stream";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import type { Case } from "../../src/cases/model.js";
import { type Announcer, SlaService } from "../../src/cases/sla-service.js";
import type { Effect, Inbound } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { type BoardEvent, type OperatorBoard, OperatorDesk } from "../../src/operators/desk.js";
import { CaseIntake } from "../../src/operators/intake.js";
import type { OperatorEvent, PersonLink, Said } from "../../src/operators/person-link.js";
import type { WriteRefusal } from "../../src/runtime/write-rule.js";
import { MemoryScheduler } from "../../src/schedule/memory-scheduler.js";
import { fakeClock } from "../cases/redis-env.js";

export const T0 = Date.UTC(2026, 0, 20, 1, 0, 0);
export const MIN = 60_000;
export const OPERATOR = "1001";
export const OTHER = "1002";
export const SUPERVISOR = "2001";
export const STRANGER = "6666";
export const PERSON_KEY = "tg:424242";

/** Everything the desk told the person's side. */
export class RecordingPerson implements PersonLink {
  readonly events: { conversation: string; event: OperatorEvent }[] = [];
  readonly said: { conversation: string; text: string }[] = [];
  /** Set by a test: the write rule refuses (nothing is recorded as said). */
  refuse?: WriteRefusal;
  /** Set by a test to stand for a channel with re-engagement templates (WhatsApp). */
  reachOut?: PersonLink["reachOut"];

  async event(conversation: string, event: OperatorEvent): Promise<Said> {
    if (this.refuse && event === "steps") return { status: "refused", why: this.refuse };
    this.events.push({ conversation, event });
    return { status: "saved", delivered: Promise.resolve("done") };
  }

  /** What the desk told the engine of a conversation (a request confirmed, a case moved). */
  readonly told: { conversation: string; inbound: Inbound }[] = [];

  async system(conversation: string, inbound: Extract<Inbound, { kind: "system" }>): Promise<Said> {
    this.told.push({ conversation, inbound });
    return { status: "saved", delivered: Promise.resolve("done") };
  }

  async say(conversation: string, text: string): Promise<Said> {
    if (this.refuse) return { status: "refused", why: this.refuse };
    this.said.push({ conversation, text });
    return { status: "saved", delivered: Promise.resolve("done") };
  }
}

type BoardCall =
  | { method: "show"; id: string; change: string }
  | { method: "update"; id: string; event?: BoardEvent }
  | { method: "personMessage"; id: string; inbound: Inbound; afterClose: boolean }
  | { method: "remove"; id: string; topic?: number }
  | { method: "overdue"; id: string; level: number }
  | { method: "returned"; id: string };

/** Everything the desk asked the board to show; can be told to fail. */
export class RecordingBoard implements OperatorBoard, Announcer {
  readonly calls: BoardCall[] = [];
  failing = false;

  #record(call: BoardCall): Promise<void> {
    this.calls.push(call);
    return this.failing ? Promise.reject(new Error("telegram down")) : Promise.resolve();
  }

  show(c: Case, change: "created" | "reopened") {
    return this.#record({ method: "show", id: c.id, change });
  }
  update(c: Case, event?: BoardEvent) {
    return this.#record(
      event ? { method: "update", id: c.id, event } : { method: "update", id: c.id },
    );
  }
  personMessage(c: Case, inbound: Inbound, afterClose: boolean) {
    return this.#record({ method: "personMessage", id: c.id, inbound, afterClose });
  }
  remove(c: Case) {
    return this.#record(
      c.topic === undefined
        ? { method: "remove", id: c.id }
        : { method: "remove", id: c.id, topic: c.topic },
    );
  }
  overdue(c: Case, level: number) {
    return this.#record({ method: "overdue", id: c.id, level });
  }
  returned(c: Case) {
    return this.#record({ method: "returned", id: c.id });
  }

  of(method: BoardCall["method"]): BoardCall[] {
    return this.calls.filter((c) => c.method === method);
  }
}

/** A desk and everything around it. */
export function deskHarness() {
  const clock = fakeClock(T0);
  const store = new MemoryCaseStore();
  const scheduler = new MemoryScheduler();
  const board = new RecordingBoard();
  const person = new RecordingPerson();
  const sla = new SlaService({ store, scheduler, announcer: board, now: clock.now });
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
  const desk = new OperatorDesk({
    store,
    sla,
    person,
    board,
    access: { operatorIds: [OPERATOR, OTHER], supervisorIds: [SUPERVISOR] },
    log,
    timeZone: "Asia/Jakarta",
    now: clock.now,
  });
  const intake = new CaseIntake({
    store,
    sla,
    board,
    caseOf: async () => undefined,
    log,
    now: clock.now,
  });
  return { desk, intake, store, scheduler, sla, board, person, clock, logs };
}

/** An escalate effect as the engine makes it (help flow, in danger, at Poipet). */
export function escalateEffect(
  over: Partial<Extract<Effect, { type: "escalate" }>> = {},
): Extract<Effect, { type: "escalate" }> {
  return {
    type: "escalate",
    caseRef: "7QX9M-2PAKD",
    priority: "P1",
    reasons: ["immediate_danger"],
    summary: {
      flow: "help",
      lang: "id",
      answers: { safety: "danger" },
      place: { id: "poipet", country: "KH", lat: 13.66, lon: 102.56 },
      country: "KH",
      mission: "kbri_phnom_penh",
    },
    ...over,
  };
}

/** A family's missing-relative report. */
export function reportEffect(
  dangerNow: "yes" | "no" | "unknown",
  caseRef = "FAM01-AAAAA",
): Extract<Effect, { type: "report" }> {
  const report = {
    relation: "parent",
    name: "Siti Rahma",
    phones: "+62 812 1111 2222",
    danger_now: dangerNow,
    reporter_contact: "+62 813 3333 4444",
  };
  const inDanger = dangerNow === "yes";
  return {
    type: "report",
    caseRef,
    // As the family flow's triage gives them (relative_in_danger is P1).
    priority: inDanger ? "P1" : "P3",
    reasons: [inDanger ? "relative_in_danger" : "family_report"],
    report,
    summary: { flow: "family", lang: "id", answers: report, country: "KH" },
  };
}
