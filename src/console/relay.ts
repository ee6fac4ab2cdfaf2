/**
 * How the console stays in step with the desk, whatever surface acted (the Telegram group,
 * the console, a timer): it stands between the desk and its board, and between the desk
 * and the person. Each thing the board is told is also written to the case's transcript
 * (the person's messages, what happened) and announced to open consoles; each operator's
 * words on their way to the person are written down with their delivery as it settles.
 *
 * The console's part is best effort, like the board's: a failure is logged and never
 * blocks the Telegram group or the person.
 */

import type { Case } from "../cases/model.js";
import type { Announcer } from "../cases/sla-service.js";
import { errorSummary } from "../channels/errors.js";
import type { Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { BoardEvent, OperatorBoard } from "../operators/desk.js";
import type { OperatorEvent, PersonLink, Said } from "../operators/person-link.js";
import type { ConsoleEvents } from "./events.js";
import type { Figures } from "./figures.js";
import type { NewEntry, Transcripts } from "./transcript.js";

export interface ConsoleRelayDeps {
  transcripts: Transcripts;
  events: ConsoleEvents;
  /** The dashboard's anonymised figures, kept as cases change. */
  figures: Figures;
  /** The case a conversation is about now (its session's). */
  caseOf: (conversation: string) => Promise<string | undefined>;
  log: Logger;
  now: () => number;
}

/** What stands for a message the person sent, in the transcript. */
export function personEntry(
  inbound: Inbound,
  at: number,
  afterClose: boolean,
): NewEntry | undefined {
  const base = {
    from: "person" as const,
    at,
    kind: inbound.kind,
    ...(afterClose ? { afterClose } : {}),
  };
  switch (inbound.kind) {
    case "text":
      return { ...base, text: inbound.text };
    case "media":
      return { ...base, text: inbound.media };
    case "contact":
      return { ...base, text: inbound.phone };
    case "choice":
      return { ...base, text: inbound.option };
    case "command":
      return { ...base, text: inbound.name };
    case "location":
    case "start":
      return base;
    default:
      return undefined;
  }
}

/** Board events worth a line in the case's history (a refreshed card says the rest). */
function eventEntry(event: BoardEvent, at: number): NewEntry | undefined {
  switch (event.kind) {
    case "updated":
      return undefined;
    case "raised":
      return { from: "event", at, kind: "raised", detail: event.from };
    case "closed":
      return { from: "event", at, kind: "closed", by: event.by, detail: event.outcome };
    case "reattached":
      return { from: "event", at, kind: "reattached", detail: event.channel };
    case "delivery_failed":
      return {
        from: "event",
        at,
        kind: "delivery_failed",
        ...(event.why ? { detail: event.why } : event.code ? { detail: String(event.code) } : {}),
      };
    case "reattach_requested":
      return { from: "event", at, kind: event.kind, detail: event.channel };
    case "left_quickly":
      return { from: "event", at, kind: event.kind };
    default:
      return { from: "event", at, kind: event.kind, by: event.by };
  }
}

/** See the file comment. */
export class ConsoleRelay {
  constructor(readonly d: ConsoleRelayDeps) {}

  /** `inner`, with the console kept in step. */
  board(inner: OperatorBoard & Announcer): OperatorBoard & Announcer {
    const relay = this;
    return {
      async show(c, change) {
        await relay.#quietly(() => relay.#changed(c, true));
        await inner.show(c, change);
      },
      async update(c, event) {
        await relay.#quietly(async () => {
          const entry = event && eventEntry(event, relay.d.now());
          if (entry) await relay.d.transcripts.add(c.id, entry);
          await relay.#changed(c, true);
        });
        await inner.update(c, event);
      },
      async personMessage(c, inbound, afterClose) {
        await relay.#quietly(async () => {
          const entry = personEntry(inbound, relay.d.now(), afterClose);
          if (entry) await relay.d.transcripts.add(c.id, entry);
          await relay.#changed(c, false);
        });
        await inner.personMessage(c, inbound, afterClose);
      },
      async remove(c) {
        await relay.#quietly(async () => {
          await relay.d.transcripts.remove(c.id);
          await relay.#changed(c, true);
        });
        await inner.remove(c);
      },
      async overdue(c, level) {
        await relay.#quietly(() => relay.#changed(c, true));
        await inner.overdue(c, level);
      },
      async returned(c) {
        await relay.#quietly(async () => {
          await relay.d.transcripts.add(c.id, {
            from: "event",
            at: relay.d.now(),
            kind: "returned",
          });
          await relay.#changed(c, true);
        });
        await inner.returned(c);
      },
    };
  }

  /** `inner`, with every operator's words written to the case's transcript. */
  person(inner: PersonLink): PersonLink {
    const relay = this;
    const link: PersonLink = {
      event(conversation: string, event: OperatorEvent, dedupeId?: string): Promise<Said> {
        return inner.event(conversation, event, dedupeId);
      },
      system(conversation, inbound) {
        return inner.system(conversation, inbound);
      },
      async say(conversation, text, dedupeId, by) {
        const said = await inner.say(conversation, text, dedupeId, by);
        if (said.status === "saved")
          await relay.#quietly(() => relay.#said(conversation, text, said, by));
        return said;
      },
    };
    const reachOut = inner.reachOut?.bind(inner);
    if (reachOut) link.reachOut = reachOut;
    return link;
  }

  async #said(
    conversation: string,
    text: string,
    said: { delivered: Promise<string> },
    by: string | undefined,
  ) {
    const caseId = await this.d.caseOf(conversation);
    if (!caseId) return;
    const { transcripts, events } = this.d;
    const id = await transcripts.add(caseId, {
      from: "operator",
      at: this.d.now(),
      text,
      state: "sending",
      ...(by ? { by } : {}),
    });
    await events.publish({ topic: "case", id: caseId });
    void said.delivered.then(
      (state) =>
        this.#quietly(async () => {
          await transcripts.setState(caseId, id, state);
          await events.publish({ topic: "case", id: caseId });
        }),
      () => undefined,
    );
  }

  async #changed(c: Case, queue: boolean) {
    if (queue) await this.d.figures.record(c);
    await this.d.events.publish({ topic: "case", id: c.id });
    if (queue) await this.d.events.publish({ topic: "queue" });
  }

  async #quietly(work: () => Promise<void>) {
    try {
      await work();
    } catch (err) {
      this.d.log.warn({ err: errorSummary(err) }, "console not updated");
    }
  }
}
