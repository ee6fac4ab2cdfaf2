/**
 * A board with nowhere to show anything: for the local demo, the simulator, and a
 * deployment whose operators' group is not configured yet. Cases are still created,
 * queued and timed; the board only logs that it had something to show (ids and kinds).
 */
import type { Case } from "../cases/model.js";
import type { Announcer } from "../cases/sla-service.js";
import type { Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { BoardEvent, OperatorBoard } from "./desk.js";

/** See the file comment. */
export class QuietBoard implements OperatorBoard, Announcer {
  constructor(readonly log: Logger) {}

  async show(c: Case, change: "created" | "reopened"): Promise<void> {
    this.log.info({ case: c.id, priority: c.priority, change }, "case for operators (no group)");
  }

  async update(c: Case, event?: BoardEvent): Promise<void> {
    this.log.debug({ case: c.id, event: event?.kind }, "case changed (no group)");
  }

  async personMessage(c: Case, inbound: Inbound): Promise<void> {
    this.log.info({ case: c.id, kind: inbound.kind }, "message for operators (no group)");
  }

  async remove(c: Case): Promise<void> {
    this.log.debug({ case: c.id }, "case erased (no group)");
  }

  async overdue(c: Case, level: number): Promise<void> {
    this.log.warn({ case: c.id, priority: c.priority, level }, "case overdue (no group)");
  }

  async returned(c: Case): Promise<void> {
    this.log.warn({ case: c.id, priority: c.priority }, "case back in the queue (no group)");
  }
}
